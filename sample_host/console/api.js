// The console's only way to reach the server: JSON over fetch, the session cookie sent by the
// browser, the CSRF token on every state-changing request, and one error shape for every failure.

let csrf_token = '';

// A failure the user can read: `message` names the cause and the remedy (from the server's
// {"error": {category, message, field?}}), `status` is the HTTP status, `body` the whole answer.
export class api_error extends Error {
  constructor(status, category, message, body) {
    super(message);
    this.name = 'api_error';
    this.status = status;
    this.category = category;
    this.body = body;
  }
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf_token;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new api_error(0, 'network',
      'The console server did not answer. Check that `sample_host serve` is still running, then try again.', null);
  }
  let answer = null;
  const type = response.headers.get('Content-Type') ?? '';
  if (type.startsWith('application/json')) {
    try {
      answer = await response.json();
    } catch {
      answer = null;
    }
  }
  if (response.ok) return { status: response.status, body: answer ?? {} };
  const error = answer?.error ?? {};
  const category = error.category ?? (response.status === 401 ? 'session' : 'internal');
  let message = error.message;
  if (!message) {
    message = response.status === 401
      ? 'Your session has ended. Run `sample_host serve` again and open the address it prints.'
      : `The server answered ${response.status} ${response.statusText} without an explanation.`;
  }
  throw new api_error(response.status, category, message, answer);
}

const segment = encodeURIComponent;

export const api = {
  // The session: user, role, tenant and the CSRF token, kept for every later write.
  async session() {
    const { body } = await request('GET', '/api/session');
    csrf_token = body.csrf ?? '';
    return body;
  },

  connectors: () => request('GET', '/api/connectors').then((r) => r.body),
  licence: (id, action, plan) =>
    request('POST', `/api/connectors/${segment(id)}/licence`, plan ? { action, plan } : { action }).then((r) => r.body),
  properties: (id) => request('GET', `/api/connectors/${segment(id)}/properties`).then((r) => r.body),
  validate: (id, form) => request('POST', `/api/connectors/${segment(id)}/validate`, { form }).then((r) => r.body),
  test: (id, form, connection) =>
    request('POST', `/api/connectors/${segment(id)}/test`, connection ? { form, connection } : { form }).then((r) => r.body),
  begin_sign_in: (id, form, connection) =>
    request('POST', `/api/connectors/${segment(id)}/sign-in`, connection ? { form, connection } : { form }).then((r) => r.body),
  sign_in_status: (flow_id) => request('GET', `/api/sign-in/${segment(flow_id)}`).then((r) => r.body),

  connections: () => request('GET', '/api/connections').then((r) => r.body),
  connection: (name) => request('GET', `/api/connections/${segment(name)}`).then((r) => r.body),
  create_connection: (connector, form) =>
    request('POST', '/api/connections', { connector, form, test: true, replace: false }).then((r) => r.body),
  update_connection: (name, form) =>
    request('PUT', `/api/connections/${segment(name)}`, { form, test: true }).then((r) => r.body),
  delete_connection: (name) => request('DELETE', `/api/connections/${segment(name)}`).then((r) => r.body),
  test_connection: (name) => request('POST', `/api/connections/${segment(name)}/test`, {}).then((r) => r.body),
  entities: (name) => request('GET', `/api/connections/${segment(name)}/entities`).then((r) => r.body),
  preview: (name, entity, limit) =>
    request('GET', `/api/connections/${segment(name)}/entities/${segment(entity)}/preview?limit=${limit}`).then((r) => r.body),
};
