// A connection form built from a connector's property descriptors alone (GET .../properties), so any
// connector gets a form: labels, help, required marks, an input per type, visibility rules, advanced
// properties folded away; it reads its values back as the API's JSON form and shows field errors.
import { h, replace, unique_id, debounce } from './dom.js';

const validation_delay_ms = 400;

// The file types a file input offers, from the descriptor's extensions (".pem", ".p12").
function accept_of(property) {
  return (property.file_extensions ?? []).join(',') || null;
}

export function is_empty(value) {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

// Reads a File as {name, content_base64} (the API's file value).
function read_file(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      const url = String(reader.result);
      resolve({ name: file.name, content_base64: url.slice(url.indexOf(',') + 1) });
    });
    reader.addEventListener('error', () => reject(reader.error));
    reader.readAsDataURL(file);
  });
}

function format_size(bytes) {
  if (typeof bytes !== 'number') return '';
  if (bytes < 1024) return `${bytes} bytes`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

// One field: its element, how to read its value, how to show an error.
class form_field {
  constructor(property, initial, stored, on_change) {
    this.property = property;
    this.stored = stored; // {stored: true, file_name?, size?} for a secret kept by the server
    this.on_change = on_change;
    this.touched = false;
    this.id = unique_id(`field-${property.key.replace(/[^A-Za-z0-9_-]/g, '')}`);
    this.help_id = `${this.id}-help`;
    this.error_id = `${this.id}-error`;
    this.stored_id = `${this.id}-stored`;
    this.error = h('p', { class: 'field__error', id: this.error_id });
    this.file_value = null;
    this.build(initial);
  }

  described_by() {
    return [this.property.description ? this.help_id : null, this.stored ? this.stored_id : null, this.error_id]
      .filter(Boolean).join(' ');
  }

  changed() {
    this.touched = true;
    this.on_change(this);
  }

  label() {
    return h('label', { for: this.id }, this.property.label || this.property.key);
  }

  required_mark() {
    return this.property.required
      ? h('span', { class: 'required-mark', 'aria-hidden': 'true', title: 'required' }, '*') : null;
  }

  help() {
    return this.property.description ? h('p', { class: 'field__help', id: this.help_id }, this.property.description) : null;
  }

  stored_note() {
    if (!this.stored) return null;
    let text = 'A value is stored. Leave this empty to keep it; type a new value to replace it.';
    if (this.property.type === 'file') {
      const what = [this.stored.file_name, format_size(this.stored.size)].filter(Boolean).join(', ');
      text = `A file is stored${what ? ` (${what})` : ''}. Choose nothing to keep it; choose a file to replace it.`;
    } else if (this.property.type === 'key_value_list') {
      text = 'Rows are stored (sealed, not shown). Leave the rows empty to keep them; add rows to replace them.';
    }
    return h('p', { class: 'field__stored', id: this.stored_id }, h('span', { class: 'badge badge--info' }, 'stored'), ' ', text);
  }

  common_attributes() {
    return {
      id: this.id,
      name: this.property.key,
      'aria-describedby': this.described_by(),
      'aria-required': this.property.required ? 'true' : null,
    };
  }

  build(initial) {
    const p = this.property;
    switch (p.type) {
    case 'boolean': this.build_checkbox(initial); break;
    case 'integer': this.build_input('number', initial); break;
    case 'enum': this.build_select(initial); break;
    case 'file': this.build_file(initial); break;
    case 'key_value_list': this.build_rows(initial); break;
    default: this.build_input(p.secret ? 'password' : 'text', initial); break;
    }
  }

  build_input(type, initial) {
    const p = this.property;
    this.input = h('input', {
      ...this.common_attributes(),
      type,
      autocomplete: type === 'password' ? 'new-password' : 'off',
      spellcheck: 'false',
      min: p.minimum ?? null,
      max: p.maximum ?? null,
      step: type === 'number' ? '1' : null,
      inputmode: type === 'number' ? 'numeric' : null,
      placeholder: !p.secret && p.default ? `Default: ${p.default}` : null,
      value: is_empty(initial) || p.secret ? '' : String(initial),
      oninput: () => this.changed(),
    });
    this.element = h('div', { class: 'field', 'data-key': p.key },
      h('div', {}, this.label(), this.required_mark()), this.help(), this.stored_note(), this.input, this.error);
  }

  build_checkbox(initial) {
    const p = this.property;
    let checked = p.default === 'true';
    if (typeof initial === 'boolean') checked = initial;
    else if (typeof initial === 'string' && initial !== '') checked = ['true', 'yes', 'on', '1'].includes(initial.toLowerCase());
    this.input = h('input', { ...this.common_attributes(), type: 'checkbox', checked, onchange: () => this.changed() });
    this.element = h('div', { class: 'field field--checkbox', 'data-key': p.key },
      this.input, this.label(), this.required_mark(), this.help(), this.error);
  }

  build_select(initial) {
    const p = this.property;
    const options = [];
    if (!p.required || !p.default) {
      options.push(h('option', { value: '' }, p.default ? `Default (${p.default})` : '(not set)'));
    }
    for (const choice of p.allowed_values ?? []) options.push(h('option', { value: choice }, choice));
    this.input = h('select', { ...this.common_attributes(), onchange: () => this.changed() }, options);
    const wanted = is_empty(initial) ? (p.required && p.default ? p.default : '') : String(initial);
    const match = [...this.input.options].find((o) => o.value.toLowerCase() === wanted.toLowerCase());
    this.input.value = match ? match.value : '';
    this.element = h('div', { class: 'field', 'data-key': p.key },
      h('div', {}, this.label(), this.required_mark()), this.help(), this.input, this.error);
  }

  build_file(initial) {
    const p = this.property;
    if (initial && typeof initial === 'object' && initial.content_base64) this.file_value = initial;
    this.current = h('p', { class: 'field__help', 'aria-live': 'polite' });
    this.input = h('input', {
      ...this.common_attributes(),
      type: 'file',
      accept: accept_of(p),
      onchange: () => this.file_chosen(),
    });
    this.remove_file = h('button', { type: 'button', class: 'btn btn--small', onclick: () => this.clear_file() }, 'Remove file');
    this.element = h('div', { class: 'field', 'data-key': p.key },
      h('div', {}, this.label(), this.required_mark()), this.help(), this.stored_note(), this.input, this.current,
      h('div', { class: 'actions' }, this.remove_file), this.error);
    this.show_current_file();
  }

  async file_chosen() {
    const file = this.input.files?.[0];
    if (!file) {
      this.file_value = null;
    } else {
      try {
        this.file_value = await read_file(file);
      } catch {
        this.file_value = null;
        this.set_error(`The file "${file.name}" could not be read by the browser. Choose it again.`);
      }
    }
    this.show_current_file();
    this.changed();
  }

  clear_file() {
    this.input.value = '';
    this.file_value = null;
    this.show_current_file();
    this.changed();
    this.input.focus();
  }

  show_current_file() {
    const chosen = this.file_value ? `Chosen: ${this.file_value.name}` : '';
    replace(this.current, chosen);
    this.remove_file.hidden = !this.file_value;
  }

  build_rows(initial) {
    const p = this.property;
    this.rows = h('div', { class: 'kv-rows' });
    this.legend_id = `${this.id}-legend`;
    this.add_button = h('button', { type: 'button', class: 'btn btn--small', onclick: () => this.add_row('', '', true) },
      'Add row');
    this.element = h('fieldset', {
      class: 'form-section field field--rows',
      'data-key': p.key,
      'aria-describedby': this.described_by(),
    },
    h('legend', { id: this.legend_id }, p.label || p.key, this.required_mark()),
    this.help(), this.stored_note(), this.rows, h('div', { class: 'actions' }, this.add_button), this.error);
    const pairs = Array.isArray(initial) ? initial : [];
    for (const pair of pairs) {
      if (Array.isArray(pair)) this.add_row(pair[0] ?? '', pair[1] ?? '', false);
      else if (pair && typeof pair === 'object') this.add_row(pair.key ?? '', pair.value ?? '', false);
    }
  }

  add_row(key, value, focus) {
    const key_id = unique_id(`${this.id}-key`);
    const value_id = unique_id(`${this.id}-value`);
    const key_input = h('input', { id: key_id, type: 'text', autocomplete: 'off', spellcheck: 'false', value: key,
      'aria-describedby': this.error_id, oninput: () => this.changed() });
    const value_input = h('input', { id: value_id, type: 'text', autocomplete: 'off', spellcheck: 'false', value,
      'aria-describedby': this.error_id, oninput: () => this.changed() });
    const row = h('div', { class: 'kv-row' },
      h('div', { class: 'kv-row__cell' }, h('label', { for: key_id }, 'Key'), key_input),
      h('div', { class: 'kv-row__cell' }, h('label', { for: value_id }, 'Value'), value_input));
    const remove = h('button', { type: 'button', class: 'btn btn--small btn--danger', onclick: () => this.remove_row(row) },
      'Remove row');
    row.append(h('div', { class: 'kv-row__remove' }, remove));
    row.key_input = key_input;
    row.value_input = value_input;
    this.rows.append(row);
    if (focus) {
      key_input.focus();
      this.changed();
    }
  }

  remove_row(row) {
    const next = row.nextElementSibling ?? row.previousElementSibling;
    row.remove();
    (next ? next.key_input : this.add_button).focus();
    this.changed();
  }

  // The value as the API's JSON form has it. An empty field is sent empty ("" or no rows), not left
  // out: over a saved connection an absent member keeps the saved value, an empty one clears it (an
  // empty secret, file or sealed list still keeps what is stored, as the server rules).
  value() {
    const p = this.property;
    switch (p.type) {
    case 'boolean':
      return this.input.checked;
    case 'integer': {
      const text = this.input.value.trim();
      if (text === '') {
        // A number input holding text it cannot parse reads as ""; say so rather than send nothing.
        return this.input.validity?.badInput ? 'not a number' : '';
      }
      return /^-?\d+$/.test(text) ? Number(text) : text;
    }
    case 'file':
      return this.file_value ?? '';
    case 'key_value_list':
      return [...this.rows.children]
        .map((row) => [row.key_input.value.trim(), row.value_input.value])
        .filter(([key]) => key !== '');
    default:
      return this.input.value;
    }
  }

  // "Has a value" for visibility rules: what the user entered, or what the server keeps.
  value_text() {
    const v = this.value();
    if (is_empty(v)) return this.stored ? '(stored)' : '';
    if (typeof v === 'object' && !Array.isArray(v)) return v.name ?? 'file';
    if (Array.isArray(v)) return 'rows';
    return String(v);
  }

  set_hidden(hidden) {
    this.element.hidden = hidden;
  }

  is_hidden() {
    return this.element.hidden;
  }

  set_error(message) {
    replace(this.error, message ?? '');
    const invalid = message ? 'true' : null;
    const targets = this.property.type === 'key_value_list'
      ? [...this.rows.children].flatMap((row) => [row.key_input, row.value_input]) : [this.input];
    for (const target of targets) {
      if (invalid) target.setAttribute('aria-invalid', 'true');
      else target.removeAttribute('aria-invalid');
    }
  }

  focus() {
    const target = this.property.type === 'key_value_list' ? (this.rows.firstElementChild?.key_input ?? this.add_button)
      : this.input;
    target.focus();
  }
}

// The whole form. `options`: {properties, initial (JSON form), stored (key -> fields entry of a saved
// connection), validate(form) -> {errors}, locked_keys (keys shown read-only, e.g. the name of a
// saved connection)}.
export class connection_form {
  constructor(options) {
    this.properties = [...options.properties].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    this.validate_remote = options.validate;
    this.show_all_errors = false;
    this.validation_sequence = 0;
    this.fields = new Map();
    this.form_errors = h('div', { class: 'notice', role: 'alert', 'aria-label': 'Form problems' });
    const changed = () => {
      this.apply_visibility();
      this.validate_soon();
    };
    for (const property of this.properties) {
      const stored = options.stored?.[property.key]?.stored ? options.stored[property.key] : null;
      this.fields.set(property.key, new form_field(property, options.initial?.[property.key], stored, changed));
    }
    for (const key of options.locked_keys ?? []) {
      const field = this.fields.get(key);
      if (field?.input) {
        field.input.readOnly = true;
        field.input.setAttribute('aria-readonly', 'true');
      }
    }
    this.validate_soon = debounce(() => this.validate_now(), validation_delay_ms);
    this.element = this.layout();
    this.apply_visibility();
  }

  layout() {
    const basic = this.properties.filter((p) => !p.advanced);
    const advanced = this.properties.filter((p) => p.advanced);
    const sections = group_by(basic, (p) => p.group || 'Connection').map(([group, properties]) =>
      h('fieldset', { class: 'form-section' }, h('legend', {}, group),
        properties.map((p) => this.fields.get(p.key).element)));
    this.advanced = null;
    if (advanced.length) {
      this.advanced = h('details', { class: 'advanced' },
        h('summary', {}, 'Show advanced settings'),
        group_by(advanced, (p) => p.group || 'Advanced').map(([group, properties]) =>
          h('fieldset', { class: 'form-section' }, h('legend', {}, group),
            properties.map((p) => this.fields.get(p.key).element))));
    }
    return h('div', { class: 'connection-form' }, this.form_errors, sections, this.advanced);
  }

  // Shows each field whose visible_when holds (another property has a value, or one of `values`).
  apply_visibility() {
    for (const field of this.fields.values()) {
      const rule = field.property.visible_when;
      if (!rule?.key) continue;
      const other = this.fields.get(rule.key);
      const text = other && !other.is_hidden() ? other.value_text() : '';
      const values = (rule.values ?? []).map((v) => String(v).toLowerCase());
      const visible = values.length ? values.includes(text.toLowerCase()) : text !== '';
      field.set_hidden(!visible);
    }
  }

  // The API's JSON form: every visible field, empty ones as empty (hidden ones are left out).
  values() {
    const form = {};
    for (const [key, field] of this.fields) {
      if (!field.is_hidden()) form[key] = field.value();
    }
    return form;
  }

  field(key) {
    return this.fields.get(key);
  }

  // After TEST or CREATE, every error shows, not only those of fields the user has touched.
  reveal_all_errors() {
    this.show_all_errors = true;
  }

  async validate_now() {
    if (!this.validate_remote) return;
    const sequence = ++this.validation_sequence;
    let answer;
    try {
      answer = await this.validate_remote(this.values());
    } catch {
      return; // validation while typing is a help; TEST and CREATE report failures of the server
    }
    if (sequence !== this.validation_sequence) return; // a later keystroke's answer will follow
    this.show_errors(answer.errors ?? []);
  }

  // errors: [{key, label, message}] ("" key: the form as a whole). Returns the first field shown.
  show_errors(errors) {
    const by_key = new Map();
    const general = [];
    for (const error of errors) {
      const field = this.find_field(error.key);
      if (field && !field.is_hidden()) {
        if (!by_key.has(field)) by_key.set(field, []);
        by_key.get(field).push(error.message);
      } else {
        general.push(error.label && error.key ? `${error.label}: ${error.message}` : error.message);
      }
    }
    let first = null;
    for (const field of this.fields.values()) {
      const messages = by_key.get(field);
      const show = messages && (this.show_all_errors || field.touched);
      field.set_error(show ? messages.join(' ') : '');
      if (show && !first) first = field;
    }
    const shown_general = this.show_all_errors ? general : [];
    if (shown_general.length) {
      this.form_errors.className = 'notice notice--bad';
      replace(this.form_errors, h('p', { class: 'notice__title' }, 'The form needs attention'),
        h('ul', {}, shown_general.map((m) => h('li', {}, m))));
    } else {
      this.form_errors.className = 'notice';
      replace(this.form_errors);
    }
    if (first && this.advanced && this.advanced.contains(first.element)) this.advanced.open = true;
    return first;
  }

  clear_errors() {
    for (const field of this.fields.values()) field.set_error('');
    this.form_errors.className = 'notice';
    replace(this.form_errors);
  }

  // Keys are matched ignoring case (connectors accept other spellings of their keys).
  find_field(key) {
    if (!key) return null;
    if (this.fields.has(key)) return this.fields.get(key);
    const lower = String(key).toLowerCase();
    for (const [k, field] of this.fields) if (k.toLowerCase() === lower) return field;
    return null;
  }
}

function group_by(items, key_of) {
  const groups = new Map();
  for (const item of items) {
    const key = key_of(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return [...groups];
}
