// The Marketplace page: a tile per installed connector (manifest facts, the Premium badge, trial
// length, the tenant's licence state). Administrators get the marketplace's actions (Start trial,
// Subscribe with a plan, Renew, Cancel subscription); users get the sentence the API gives them.
import { h, replace, unique_id, format_instant } from './dom.js';
import { api } from './api.js';
import { outcome_regions } from './outcome.js';
import { confirm_action } from './confirm_dialog.js';

const action_labels = {
  start_trial: 'Start trial',
  subscribe: 'Subscribe',
  renew: 'Renew',
  cancel: 'Cancel subscription',
};

export async function render_marketplace(main, context) {
  const list = h('ul', { class: 'tiles', 'aria-label': 'Connectors' });
  replace(main,
    h('div', { class: 'page-header' },
      h('div', {},
        h('h1', { tabindex: '-1' }, 'Marketplace'),
        h('p', {}, `Connectors installed on this host, and the licence of tenant “${context.session.tenant}” for each.`))),
    list);
  const answer = await api.connectors();
  const connectors = answer.connectors ?? [];
  if (connectors.length === 0) {
    list.replaceWith(h('p', { class: 'empty-state card' },
      'No connector is installed. Put a connector plugin and its manifest in the plugins folder (sample_host --plugins DIR), then reload this page.'));
    return;
  }
  for (const connector of connectors) list.append(h('li', {}, tile(connector, context)));
}

function licence_badge(connector) {
  if (connector.load_error) return h('span', { class: 'badge badge--bad' }, 'Not loaded');
  if (!connector.premium) return h('span', { class: 'badge badge--ok' }, 'Free');
  const licence = connector.license;
  if (!licence) return h('span', { class: 'badge badge--warn' }, 'Licence unknown');
  const kind = licence.kind === 'trial' ? 'Trial' : licence.kind === 'subscription' ? 'Subscribed' : 'Licensed';
  if (licence.permits_use) {
    const state = String(licence.state ?? '');
    return h('span', { class: `badge ${state === 'grace' ? 'badge--warn' : 'badge--ok'}` },
      state === 'grace' ? `${kind}: in grace period` : kind);
  }
  if (licence.state === 'none' || !licence.state) return h('span', { class: 'badge badge--warn' }, 'Not licensed');
  return h('span', { class: 'badge badge--bad' }, `Licence ${licence.state}`);
}

function tile(connector, context) {
  const title_id = unique_id('connector-title');
  const outcome = new outcome_regions(connector.name);
  const body = h('div', { class: 'tile__body' });
  const article = h('article', { class: 'card tile', 'aria-labelledby': title_id }, body);
  const draw = (current) => {
    replace(body, tile_content(current, context, title_id, outcome, draw));
  };
  draw(connector);
  return article;
}

function tile_content(connector, context, title_id, outcome, redraw) {
  const licence = connector.license;
  const facts = [
    ['Vendor', connector.vendor],
    ['Version', connector.version],
    connector.premium && connector.trial_days ? ['Trial', `${connector.trial_days} days, once per tenant`] : null,
    connector.premium ? ['Licence', connector.license_summary || licence?.state || 'none'] : null,
    licence?.expires_at ? ['Expires', format_instant(licence.expires_at)] : null,
  ].filter(Boolean);
  const parts = [
    h('div', { class: 'tile__head' },
      h('img', { class: 'tile__icon', src: '/icons/connector.svg', alt: '', width: '48', height: '48' }),
      h('div', {},
        h('h2', { class: 'tile__title', id: title_id }, connector.name || connector.id),
        h('p', { class: 'tile__vendor' }, connector.vendor ? `by ${connector.vendor}` : connector.id))),
    h('div', { class: 'tile__badges' },
      connector.premium ? h('span', { class: 'badge badge--premium' }, 'Premium') : null,
      licence_badge(connector)),
    connector.description ? h('p', {}, connector.description) : null,
    h('dl', { class: 'facts' }, facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '')])),
  ];
  if (connector.load_error) {
    parts.push(h('div', { class: 'notice notice--bad' }, h('p', { class: 'notice__title' }, 'This connector could not be loaded'),
      h('p', {}, connector.load_error)));
  }
  if (connector.request_sentence) {
    parts.push(h('div', { class: 'notice notice--warn' }, h('p', {}, connector.request_sentence)));
  } else if (licence && !licence.permits_use && licence.user_message && !connector.can_manage) {
    parts.push(h('div', { class: 'notice notice--warn' }, h('p', {}, licence.user_message)));
  }
  parts.push(outcome.element);
  const actions = h('div', { class: 'actions tile__actions' });
  if (connector.can_manage) {
    for (const action of connector.actions ?? []) actions.append(action_control(connector, action, outcome, redraw));
  }
  const usable = !connector.load_error && (!connector.premium || licence?.permits_use);
  if (usable) {
    actions.append(h('a', { class: 'btn btn--primary', href: `#/new?connector=${encodeURIComponent(connector.id)}` },
      'New connection'));
  }
  if (actions.childElementCount) parts.push(actions);
  return parts;
}

function action_control(connector, action, outcome, redraw) {
  const label = action_labels[action] ?? action;
  if (action === 'subscribe') {
    const plans = connector.plans?.length ? connector.plans : [{ id: 'monthly' }, { id: 'annual' }];
    const select_id = unique_id('plan');
    const select = h('select', { id: select_id },
      plans.map((plan) => h('option', { value: plan.id }, plan_text(plan))));
    const button = h('button', { type: 'button', class: 'btn' }, label);
    button.addEventListener('click', () => run_action(connector, action, select.value, button, outcome, redraw));
    return h('div', { class: 'plan-picker' },
      h('div', { class: 'field' }, h('label', { for: select_id }, 'Plan'), select), button);
  }
  const primary = action === 'start_trial';
  const button = h('button', { type: 'button', class: `btn${primary ? ' btn--primary' : ''}${action === 'cancel' ? ' btn--danger' : ''}` },
    label);
  button.addEventListener('click', async () => {
    if (action === 'cancel') {
      const sure = await confirm_action({
        title: `Cancel the subscription to ${connector.name}?`,
        message: 'The connector keeps working until the end of the period already paid for, then stops for every user of this tenant.',
        confirm_label: 'Cancel subscription',
        keep_label: 'Keep subscription',
      });
      if (!sure) return;
    }
    await run_action(connector, action, null, button, outcome, redraw);
  });
  return button;
}

function plan_text(plan) {
  const name = plan.id.charAt(0).toUpperCase() + plan.id.slice(1);
  if (!plan.months) return name;
  return `${name} (${plan.months} month${plan.months === 1 ? '' : 's'})`;
}

async function run_action(connector, action, plan, button, outcome, redraw) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  outcome.progress(`${action_labels[action] ?? action}…`);
  try {
    const answer = await api.licence(connector.id, action, plan);
    redraw(answer.connector ?? connector);
    outcome.show('ok', answer.headline || 'Done');
    // The redraw replaced the button; keep the keyboard user's place on the tile's heading.
    outcome.element.closest('article')?.querySelector('h2')?.setAttribute('tabindex', '-1');
    outcome.element.closest('article')?.querySelector('h2')?.focus();
  } catch (error) {
    outcome.failure(error, `${action_labels[action] ?? action} was refused`);
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
