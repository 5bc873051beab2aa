// Moving between the console's pages: the route lives in the address's fragment (#/connections),
// so reload, back and bookmarks work without a server route per page; a message for the next page
// ("Connection created") is kept across one navigation.
let pending_flash = null;

// A message the next page shows once (kind: ok | info | warn | bad).
export function flash(kind, title, text = null) {
  pending_flash = { kind, title, text };
}

export function take_flash() {
  const message = pending_flash;
  pending_flash = null;
  return message;
}

export function navigate(hash) {
  if (window.location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else window.location.hash = hash;
}

// "#/connections/Books?x=1" -> {page: 'connections', rest: ['Books'], params: URLSearchParams}
export function current_route() {
  const fragment = window.location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = fragment.split('?');
  const parts = path.split('/').filter(Boolean).map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  return { page: parts[0] ?? 'marketplace', rest: parts.slice(1), params: new URLSearchParams(query) };
}
