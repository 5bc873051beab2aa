// "Sign in with Sage" from the browser: the server begins the connector's web sign-in (state + PKCE)
// and returns the consent page's address; this opens it in a new window, where Sage's redirect comes
// back to the console's own /oauth/callback, and polls the flow until it is done or failed.
import { h } from './dom.js';
import { api } from './api.js';

const poll_interval_ms = 1000;
const give_up_after_ms = 15 * 60 * 1000; // the server forgets a flow 15 minutes after it began

// Runs one sign-in. `outcome` is an outcome_regions; `form` the JSON form; `connection` the saved
// connection's name when editing one. Resolves true when the tokens are stored.
export async function sign_in_with_sage({ connector_id, form, connection, outcome, cancel_slot }) {
  // Opened now, inside the click, so no popup blocker stops it; pointed at Sage once the server
  // answers. (A window opened with "noopener" could not be pointed anywhere afterwards.)
  const popup = window.open('', 'sage-sign-in', 'popup,width=520,height=720');
  let begun;
  try {
    begun = await api.begin_sign_in(connector_id, form, connection);
  } catch (error) {
    popup?.close();
    outcome.failure(error, 'Sign-in could not begin');
    return false;
  }
  if (popup && !popup.closed) {
    popup.location.href = begun.authorization_url;
    outcome.progress('Waiting for you to sign in to Sage in the window that opened…');
  } else {
    // A blocked popup: the same address as a link the user opens themselves.
    outcome.show('info', 'Open Sage’s sign-in page to continue',
      h('p', {}, h('a', { href: begun.authorization_url, target: '_blank', rel: 'noreferrer' }, 'Open Sage’s sign-in page'),
        ' (your browser blocked the window). This page notices when you are done.'));
  }
  let cancelled = false;
  const cancel = h('button', { type: 'button', class: 'btn btn--small' }, 'Stop waiting');
  cancel.addEventListener('click', () => {
    cancelled = true;
  });
  cancel_slot?.replaceChildren(cancel);
  try {
    const started = Date.now();
    while (!cancelled && Date.now() - started < give_up_after_ms) {
      await new Promise((resolve) => setTimeout(resolve, poll_interval_ms));
      if (cancelled) break;
      let status;
      try {
        status = await api.sign_in_status(begun.flow_id);
      } catch (error) {
        outcome.failure(error, 'Sign-in status unknown');
        return false;
      }
      if (status.state === 'done') {
        outcome.show('ok', 'Signed in to Sage', status.message || 'The tokens are stored for this connection. Run TEST to check it.');
        return true;
      }
      if (status.state === 'failed') {
        outcome.show('bad', 'Sign-in failed', status.message,
          status.category && status.category !== 'none' ? h('p', {}, 'Category: ', h('code', {}, status.category)) : null);
        return false;
      }
    }
    outcome.show('warn', 'Stopped waiting for the sign-in',
      'Nothing came back from Sage. Press "Sign in with Sage" again to start over.');
    return false;
  } finally {
    cancel_slot?.replaceChildren();
  }
}
