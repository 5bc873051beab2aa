// Building the console's DOM safely: every text goes in through textContent or an attribute, never as
// HTML, so nothing a connector, Sage or a user typed can become markup or script.

// h('button', {type: 'button', class: 'btn', onclick: fn}, 'TEST') -> <button class="btn">TEST</button>
// Attributes: `class`, `for`, data-/aria- names and any other attribute are set with setAttribute;
// `on<event>` keys add listeners; `hidden`, `checked`, `disabled`, `required`, `value` are properties.
// Children: nodes, strings (text nodes), arrays of both, null/undefined/false (skipped).
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (['hidden', 'checked', 'disabled', 'required', 'value', 'open', 'multiple'].includes(name)) {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// Replaces every child of `parent`.
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

// A unique id for linking labels, help and errors (for=, aria-describedby).
let next_id = 0;
export function unique_id(prefix) {
  next_id += 1;
  return `${prefix}-${next_id}`;
}

// Calls `fn` once the calls stop for `delay` milliseconds (field validation while typing).
export function debounce(fn, delay) {
  let timer = null;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), delay);
  };
  debounced.flush = (...args) => {
    clearTimeout(timer);
    return fn(...args);
  };
  return debounced;
}

// "2027-01-31T00:00:00Z" -> a date and time in the reader's locale, or the text itself when unreadable.
export function format_instant(text) {
  if (!text) return '';
  const when = new Date(text);
  if (Number.isNaN(when.getTime())) return String(text);
  return when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
