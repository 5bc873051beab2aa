// Asking before something that cannot be undone (deleting a connection, cancelling a subscription):
// a modal <dialog> with the question, the consequence and two buttons; Escape or the second button
// keeps things as they are. Focus starts on the safe choice and returns to where it came from.
import { h } from './dom.js';

// Resolves true when the user confirmed.
export function confirm_action({ title, message, confirm_label, keep_label = 'Keep' }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const title_id = 'confirm-title';
    const message_id = 'confirm-message';
    const keep = h('button', { type: 'button', class: 'btn', value: 'keep' }, keep_label);
    const confirm = h('button', { type: 'button', class: 'btn btn--danger', value: 'confirm' }, confirm_label);
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': title_id, 'aria-describedby': message_id },
      h('h2', { id: title_id }, title),
      h('p', { id: message_id }, message),
      h('div', { class: 'actions' }, confirm, keep));
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(answer);
    };
    confirm.addEventListener('click', () => finish(true));
    keep.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    keep.focus();
  });
}
