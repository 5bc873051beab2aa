// The console's entry point: loads the session, then draws the page the fragment names into <main>
// (Marketplace, Connections, New connection, a saved connection), moving focus to its heading and
// marking the current navigation link. Every failure to load a page is shown as an alert.
import { h, replace } from './dom.js';
import { api } from './api.js';
import { current_route } from './router.js';
import { render_marketplace } from './marketplace_page.js';
import { render_connections } from './connections_page.js';
import { render_new_connection, render_connection } from './connection_page.js';

const pages = {
  marketplace: { title: 'Marketplace', nav: 'marketplace', render: (main, context) => render_marketplace(main, context) },
  connections: {
    title: 'Connections',
    nav: 'connections',
    render: (main, context, route) => (route.rest.length
      ? render_connection(main, context, route.rest[0])
      : render_connections(main, context)),
  },
  new: { title: 'New connection', nav: 'new', render: (main, context, route) => render_new_connection(main, context, route.params) },
};

const context = { session: null };
let rendering = 0;

async function show_route(first_load) {
  const main = document.getElementById('main');
  const route = current_route();
  const page = pages[route.page];
  const serial = ++rendering;
  for (const link of document.querySelectorAll('.site-nav a')) {
    if (page && link.dataset.route === page.nav && !(route.page === 'connections' && route.rest.length)) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  if (!page) {
    document.title = 'Not found · Sample host console';
    replace(main, h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, 'This console has no such page. '), h('a', { href: '#/marketplace' }, 'Go to the Marketplace'));
    focus_heading(main, first_load);
    return;
  }
  const title = route.page === 'connections' && route.rest.length ? route.rest[0] : page.title;
  document.title = `${title} · Sample host console`;
  replace(main, h('p', { class: 'busy', role: 'status' }, `Loading ${title}…`));
  try {
    await page.render(main, context, route);
  } catch (error) {
    if (serial !== rendering) return;
    show_failure(main, error, `${title} could not be loaded`);
  }
  if (serial === rendering) focus_heading(main, first_load);
}

function show_failure(main, error, title) {
  const session_over = error.status === 401;
  replace(main, h('h1', { tabindex: '-1' }, session_over ? 'Signed out' : title),
    h('div', { class: 'notice notice--bad', role: 'alert' },
      h('p', {}, error.message ?? String(error)),
      error.category && !session_over ? h('p', {}, 'Category: ', h('code', {}, error.category)) : null));
}

// After a navigation, focus goes to the new page's heading so keyboard and screen reader users
// start there; on the first load it stays where the browser put it.
function focus_heading(main, first_load) {
  if (first_load) return;
  const heading = main.querySelector('h1');
  heading?.focus({ preventScroll: false });
}

async function start() {
  const main = document.getElementById('main');
  try {
    context.session = await api.session();
  } catch (error) {
    show_failure(main, error, 'The console could not start');
    return;
  }
  const { user, role, tenant } = context.session;
  replace(document.getElementById('session-line'),
    `Signed in as ${user}`, h('span', { class: 'role-chip' }, role === 'admin' ? 'administrator' : 'user'),
    ` · tenant ${tenant}`);
  window.addEventListener('hashchange', () => show_route(false));
  // A navigation link to the page already shown starts it afresh (an empty "New connection" form).
  document.querySelector('.site-nav').addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#"]');
    if (link && link.getAttribute('href') === window.location.hash) {
      event.preventDefault();
      show_route(false);
    }
  });
  await show_route(true);
}

start();
