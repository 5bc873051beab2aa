// The connection pages: "New connection" (the generated form, TEST, Sign in with Sage, CREATE then
// the connections list) and a saved connection (the same form for editing, secrets kept when left
// empty, TEST, Save, Delete, and the data preview).
import { h, replace } from './dom.js';
import { api } from './api.js';
import { connection_form, is_empty } from './connection_form.js';
import { outcome_regions } from './outcome.js';
import { sign_in_with_sage } from './sign_in.js';
import { confirm_action } from './confirm_dialog.js';
import { data_preview } from './data_preview.js';
import { flash, navigate } from './router.js';

const connection_name_key = 'ConnectionName';

// #/new or #/new?connector=ID
export async function render_new_connection(main, context, params) {
  const { connectors } = await api.connectors();
  const installed = (connectors ?? []).filter((c) => !c.load_error);
  const chosen = installed.find((c) => c.id === params.get('connector')) ?? (installed.length === 1 ? installed[0] : null);
  const heading = h('h1', { tabindex: '-1' }, chosen ? `New ${chosen.name} connection` : 'New connection');
  replace(main, h('div', { class: 'page-header' }, h('div', {}, heading,
    h('p', {}, 'Fill in the form, press TEST to check it against the service, then CREATE to save it.'))));
  if (!chosen) {
    main.append(connector_picker(installed));
    return;
  }
  licence_notice(main, chosen);
  const { properties } = await api.properties(chosen.id);
  const form = new connection_form({
    properties,
    validate: (values) => api.validate(chosen.id, values),
  });
  const outcome = new outcome_regions('Connection');
  const test = button('TEST');
  const create = button('CREATE', 'btn--primary');
  const sign_in = chosen.extensions?.web_sign_in ? button('Sign in with Sage') : null;
  const waiting = h('span', {});
  const element = h('form', { class: 'card', novalidate: true, 'aria-label': `New ${chosen.name} connection` },
    form.element, outcome.element,
    h('div', { class: 'form-actions' }, test, sign_in, create, waiting));
  element.addEventListener('submit', (event) => event.preventDefault());
  main.append(element);

  test.addEventListener('click', () => busy(test, async () => {
    await run_test(form, outcome, () => api.test(chosen.id, form.values()));
  }));
  sign_in?.addEventListener('click', () => busy(sign_in, async () => {
    await sign_in_with_sage({ connector_id: chosen.id, form: form.values(), outcome, cancel_slot: waiting });
  }));
  create.addEventListener('click', () => busy(create, async () => {
    form.reveal_all_errors();
    outcome.progress('Testing and saving the connection…');
    try {
      const answer = await api.create_connection(chosen.id, form.values());
      const name = answer.connection?.name ?? form.values()[connection_name_key].trim();
      flash('ok', `Connection “${name}” created`, answer.test?.available ? answer.test.message : null);
      navigate('#/connections');
    } catch (error) {
      report_refusal(form, outcome, error, 'CREATE was refused');
    }
  }));
}

// #/connections/NAME
export async function render_connection(main, context, name) {
  const answer = await api.connection(name);
  const summary = answer.connection;
  const { connectors } = await api.connectors();
  const connector = (connectors ?? []).find((c) => c.id === summary.connector_id) ?? { id: summary.connector_id, name: summary.connector_id };
  const heading = h('h1', { tabindex: '-1' }, summary.name);
  replace(main, h('div', { class: 'page-header' },
    h('div', {}, heading, h('p', {}, `${connector.name} connection · created by ${summary.created_by ?? 'unknown'}`)),
    h('div', { class: 'actions' }, h('a', { class: 'btn', href: '#/connections' }, 'Back to connections'))));
  licence_notice(main, connector);

  const { properties } = await api.properties(summary.connector_id);
  const stored = Object.fromEntries((answer.fields ?? []).map((f) => [f.key, f]));
  const form = new connection_form({
    properties,
    initial: answer.form ?? {},
    stored,
    locked_keys: [connection_name_key],
    validate: (values) => validate_keeping_stored(summary.connector_id, values, stored),
  });
  const outcome = new outcome_regions('Connection');
  const test = button('TEST');
  const save = button('Save', 'btn--primary');
  const sign_in = connector.extensions?.web_sign_in ? button('Sign in with Sage') : null;
  const remove = button('Delete', 'btn--danger');
  const waiting = h('span', {});
  const element = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'settings-heading' },
    h('h2', { id: 'settings-heading' }, 'Settings'),
    form.element, outcome.element,
    h('div', { class: 'form-actions' }, test, sign_in, save, remove, waiting));
  element.addEventListener('submit', (event) => event.preventDefault());
  main.append(element);
  if (connector.extensions?.data_access !== false) main.append(data_preview(summary.name));

  test.addEventListener('click', () => busy(test, async () => {
    await run_test(form, outcome, () => api.test(summary.connector_id, form.values(), summary.name));
  }));
  sign_in?.addEventListener('click', () => busy(sign_in, async () => {
    await sign_in_with_sage({ connector_id: summary.connector_id, form: form.values(), connection: summary.name, outcome, cancel_slot: waiting });
  }));
  save.addEventListener('click', () => busy(save, async () => {
    form.reveal_all_errors();
    outcome.progress('Testing and saving the connection…');
    try {
      const saved = await api.update_connection(summary.name, form.values());
      form.clear_errors();
      if (saved.test) outcome.test_result(saved.test);
      else outcome.show('ok', 'Saved');
      outcome.status.prepend(h('p', { class: 'notice__title' }, `Connection “${summary.name}” saved`));
    } catch (error) {
      report_refusal(form, outcome, error, 'Save was refused');
    }
  }));
  remove.addEventListener('click', async () => {
    if (await delete_connection(summary.name, outcome)) navigate('#/connections');
  });
}

// Asks, deletes, and says so (in `outcome` on failure; as the next page's message on success).
export async function delete_connection(name, outcome) {
  const sure = await confirm_action({
    title: `Delete the connection “${name}”?`,
    message: 'Its settings and stored secrets are removed from this host. This cannot be undone.',
    confirm_label: 'Delete',
  });
  if (!sure) return false;
  try {
    await api.delete_connection(name);
    flash('ok', `Connection “${name}” deleted`);
    return true;
  } catch (error) {
    outcome.failure(error, 'Delete was refused');
    return false;
  }
}

// Validation of a saved connection's form: a stored secret left empty keeps its value, so what
// validate says about it being absent does not apply.
async function validate_keeping_stored(connector_id, values, stored) {
  const answer = await api.validate(connector_id, values);
  const kept = (key) => stored[key]?.stored && is_empty(values[key]);
  return { ...answer, errors: (answer.errors ?? []).filter((error) => !kept(error.key)) };
}

async function run_test(form, outcome, call) {
  form.reveal_all_errors();
  outcome.progress('Testing the connection…');
  try {
    const result = await call();
    const first = form.show_errors(result.field_errors ?? []);
    outcome.test_result(result);
    if (!result.available && first) first.focus();
  } catch (error) {
    outcome.failure(error, 'TEST could not run');
  }
}

function report_refusal(form, outcome, error, title) {
  const body = error.body ?? {};
  const first = form.show_errors(body.field_errors ?? []);
  if (body.test && !body.test.available) {
    outcome.test_result(body.test);
    outcome.alert.prepend(h('p', { class: 'notice__title' }, title));
  } else {
    const field = error.body?.error?.field ? form.find_field(error.body.error.field) : null;
    if (field) field.set_error(error.message);
    outcome.failure(error, title);
  }
  (first ?? null)?.focus();
}

function licence_notice(main, connector) {
  if (connector.request_sentence) {
    main.append(h('div', { class: 'notice notice--warn' }, h('p', {}, connector.request_sentence)));
  } else if (connector.premium && connector.license && !connector.license.permits_use) {
    main.append(h('div', { class: 'notice notice--warn' },
      h('p', {}, connector.license.user_message || 'This connector is not licensed for your tenant.'),
      connector.can_manage ? h('p', {}, h('a', { href: '#/marketplace' }, 'Start a trial or subscribe on the Marketplace page')) : null));
  }
}

function connector_picker(installed) {
  if (installed.length === 0) {
    return h('p', { class: 'card empty-state' }, 'No connector is installed on this host.');
  }
  return h('div', { class: 'card' },
    h('h2', {}, 'Choose a connector'),
    h('ul', { class: 'tiles' }, installed.map((c) => h('li', {},
      h('a', { class: 'btn', href: `#/new?connector=${encodeURIComponent(c.id)}` }, c.name)))));
}

function button(text, modifier = '') {
  return h('button', { type: 'button', class: `btn ${modifier}`.trim() }, text);
}

// Runs `work` with the button marked busy (and not pressed twice).
async function busy(target, work) {
  if (target.getAttribute('aria-busy') === 'true') return;
  // aria-disabled, not disabled: a disabled button would drop the keyboard user's focus.
  target.setAttribute('aria-busy', 'true');
  target.setAttribute('aria-disabled', 'true');
  try {
    await work();
  } finally {
    target.removeAttribute('aria-disabled');
    target.removeAttribute('aria-busy');
  }
}
