// The data preview of a saved connection: an entity picker (from the connector's catalogue through
// the data access API) and a table of the first records, each value written as text.
import { h, replace, unique_id } from './dom.js';
import { api } from './api.js';
import { outcome_regions } from './outcome.js';

const max_columns = 8;
const max_cell_chars = 120;

export function data_preview(connection_name) {
  const entity_id = unique_id('entity');
  const limit_id = unique_id('limit');
  const entity = h('select', { id: entity_id, disabled: true }, h('option', { value: '' }, 'Loading the entities…'));
  const limit = h('input', { id: limit_id, type: 'number', min: '1', max: '50', step: '1', value: '10', inputmode: 'numeric' });
  const preview = h('button', { type: 'button', class: 'btn' }, 'Preview');
  const outcome = new outcome_regions('Preview');
  const result = h('div', { class: 'preview-result' });
  const section = h('section', { class: 'card', 'aria-labelledby': 'preview-heading' },
    h('h2', { id: 'preview-heading' }, 'Data preview'),
    h('p', { class: 'field__help' }, 'The first records of an entity, read through the connection as saved.'),
    h('div', { class: 'plan-picker' },
      h('div', { class: 'field' }, h('label', { for: entity_id }, 'Entity'), entity),
      h('div', { class: 'field' }, h('label', { for: limit_id }, 'Records'), limit),
      preview),
    outcome.element, result);

  api.entities(connection_name).then((answer) => {
    const entities = answer.entities ?? [];
    replace(entity, entities.map((e) => h('option', { value: e.name }, e.title ? `${e.title} (${e.name})` : e.name)));
    entity.disabled = entities.length === 0;
    if (entities.length === 0) outcome.show('warn', null, 'This connector lists no entities.');
  }).catch((error) => {
    replace(entity, h('option', { value: '' }, 'No entities'));
    if (error.status === 501) {
      outcome.show('info', null, 'This connector does not offer data access.');
      preview.hidden = true;
    } else {
      outcome.failure(error, 'The entities could not be listed');
    }
  });

  preview.addEventListener('click', async () => {
    if (!entity.value || preview.getAttribute('aria-busy') === 'true') return;
    const count = Math.min(50, Math.max(1, Number.parseInt(limit.value, 10) || 10));
    preview.setAttribute('aria-busy', 'true');
    outcome.progress(`Reading the first ${count} records of ${entity.value}…`);
    replace(result);
    try {
      const answer = await api.preview(connection_name, entity.value, count);
      const records = answer.records ?? [];
      replace(result, records_table(answer.entity ?? entity.value, records));
      outcome.show('ok', null, `${records.length} record${records.length === 1 ? '' : 's'} of ${answer.entity ?? entity.value}` +
        (answer.complete ? ' (all there are).' : '.'), answer.message || null);
    } catch (error) {
      outcome.failure(error, 'The preview could not be read');
    } finally {
      preview.removeAttribute('aria-busy');
    }
  });
  return section;
}

// The columns: the fields of the first records, id and displayed_as first, at most max_columns.
function columns_of(records) {
  const seen = [];
  for (const record of records) for (const key of Object.keys(record)) if (!seen.includes(key)) seen.push(key);
  const preferred = ['id', 'displayed_as'].filter((k) => seen.includes(k));
  const rest = seen.filter((k) => !preferred.includes(k) && !k.startsWith('$'));
  return [...preferred, ...rest].slice(0, max_columns);
}

function cell_text(value) {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? (value.displayed_as ?? JSON.stringify(value)) : String(value);
  if (text.length > max_cell_chars) text = `${text.slice(0, max_cell_chars - 1)}…`;
  return text;
}

function records_table(entity, records) {
  if (records.length === 0) return h('p', { class: 'empty-state' }, `No ${entity} records.`);
  const columns = columns_of(records);
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `First ${entity} records` },
    h('table', { class: 'data-table' },
      h('caption', {}, `First ${records.length} ${entity} records`),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, records.map((record) => h('tr', {}, columns.map((c) => h('td', {}, cell_text(record[c]))))))));
}
