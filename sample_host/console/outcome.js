// Where results are announced: a pair of live regions (role="status" for success and progress,
// role="alert" for failures) that exist before any result arrives, so screen readers announce each
// change; and the renderings of a TEST result and of an API failure into them.
import { h, replace } from './dom.js';

export class outcome_regions {
  constructor(label) {
    this.status = h('div', { role: 'status', 'aria-live': 'polite', 'aria-label': `${label} status`, class: 'notice' });
    this.alert = h('div', { role: 'alert', 'aria-label': `${label} problem`, class: 'notice' });
    this.element = h('div', { class: 'outcome' }, this.status, this.alert);
  }

  clear() {
    replace(this.status);
    replace(this.alert);
    this.status.className = 'notice';
    this.alert.className = 'notice';
  }

  // kind: ok | info | warn (status region) or bad (alert region).
  show(kind, title, ...lines) {
    this.clear();
    const region = kind === 'bad' ? this.alert : this.status;
    region.className = `notice notice--${kind}`;
    replace(region, title ? h('p', { class: 'notice__title' }, title) : null,
      lines.filter((line) => line !== undefined && line !== null && line !== '').map((line) =>
        line instanceof Node ? line : h('p', {}, line)));
  }

  progress(text) {
    this.show('info', null, text);
  }

  // A TEST result: {available, headline, category, message, detail, elapsed_ms, field_errors}. The
  // message is left out when the headline already says it ("Connection unavailable: <message>").
  test_result(result) {
    const headline = result.headline || (result.available ? 'connection available' : 'Connection unavailable');
    const message = result.message && !headline.includes(result.message) ? result.message : null;
    if (result.available) {
      this.show('ok', headline, message, detail_lines(result.detail), timing(result));
    } else {
      this.show('bad', headline, message,
        result.category && result.category !== 'none' ? category_line(result.category) : null,
        detail_lines(result.detail), timing(result));
    }
  }

  // An api_error (or any Error) as an alert naming its cause and category.
  failure(error, title = 'That did not work') {
    this.show('bad', title, error.message,
      error.category && !['internal', 'bad_request'].includes(error.category) ? category_line(error.category) : null);
  }
}

function category_line(category) {
  return h('p', {}, 'Category: ', h('code', {}, category));
}

function detail_lines(detail) {
  if (!detail) return null;
  const lines = String(detail).split('\n').map((line) => line.trim()).filter(Boolean);
  if (lines.length === 0) return null;
  return h('ul', {}, lines.map((line) => h('li', {}, line)));
}

function timing(result) {
  if (typeof result.elapsed_ms !== 'number') return null;
  return h('p', { class: 'field__help' }, `Answered in ${result.elapsed_ms} ms.`);
}
