// The Connections page: the tenant's saved connections, each with Open, TEST and Delete.
import { h, replace, format_instant } from './dom.js';
import { api } from './api.js';
import { outcome_regions } from './outcome.js';
import { delete_connection } from './connection_page.js';
import { take_flash } from './router.js';

export async function render_connections(main, context) {
  const outcome = new outcome_regions('Connections');
  replace(main,
    h('div', { class: 'page-header' },
      h('div', {}, h('h1', { tabindex: '-1' }, 'Connections'),
        h('p', {}, `The saved connections of tenant “${context.session.tenant}”.`)),
      h('div', { class: 'actions' }, h('a', { class: 'btn btn--primary', href: '#/new' }, 'New connection'))),
    outcome.element);
  const message = take_flash();
  if (message) outcome.show(message.kind, message.title, message.text);
  const { connections } = await api.connections();
  if (!connections?.length) {
    main.append(h('div', { class: 'card empty-state' },
      h('p', {}, 'No connection is saved yet.'),
      h('a', { class: 'btn btn--primary', href: '#/new' }, 'Create a connection')));
    return;
  }
  main.append(h('div', { class: 'table-wrap' },
    h('table', { class: 'data-table' },
      h('caption', { class: 'visually-hidden' }, 'Saved connections'),
      h('thead', {}, h('tr', {},
        ['Name', 'Connector', 'Created by', 'Updated', 'Last TEST', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, connections.map((c) => row(c, outcome))))));
}

function row(connection, outcome) {
  const result = h('span', { role: 'status', 'aria-live': 'polite' });
  const test = h('button', { type: 'button', class: 'btn btn--small', 'aria-label': `TEST ${connection.name}` }, 'TEST');
  const remove = h('button', { type: 'button', class: 'btn btn--small btn--danger', 'aria-label': `Delete ${connection.name}` }, 'Delete');
  const href = `#/connections/${encodeURIComponent(connection.name)}`;
  test.addEventListener('click', async () => {
    if (test.getAttribute('aria-busy') === 'true') return;
    test.setAttribute('aria-busy', 'true');
    replace(result, 'Testing…');
    try {
      const answer = await api.test_connection(connection.name);
      replace(result, h('span', { class: `badge ${answer.available ? 'badge--ok' : 'badge--bad'}` },
        answer.available ? 'connection available' : 'Connection unavailable'));
      if (answer.available) outcome.show('ok', `${connection.name}: ${answer.headline}`, answer.message);
      else outcome.test_result({ ...answer, headline: `${connection.name}: ${answer.headline}` });
    } catch (error) {
      replace(result, h('span', { class: 'badge badge--bad' }, 'Not tested'));
      outcome.failure(error, `TEST of ${connection.name} could not run`);
    } finally {
      test.removeAttribute('aria-busy');
    }
  });
  remove.addEventListener('click', async () => {
    if (await delete_connection(connection.name, outcome)) window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  return h('tr', {},
    h('th', { scope: 'row' }, h('a', { href }, connection.name)),
    h('td', {}, connection.connector_id),
    h('td', {}, connection.created_by ?? ''),
    h('td', {}, format_instant(connection.updated_at ?? connection.created_at)),
    h('td', {}, result),
    h('td', {}, h('div', { class: 'actions' },
      h('a', { class: 'btn btn--small', href, 'aria-label': `Open ${connection.name}` }, 'Open'), test, remove)));
}
