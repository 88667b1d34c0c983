// The tenant's configuration as it is in effect, for its administrator:
// tenant parameters, the OU tree, employees, skill queues and channels (never
// a secret), from GET /api/v1/config. The three cap levels (tenant, OU,
// employee) can be set and cleared here, and OUs, employees, skill queues and
// channels added, changed and removed (ous.js, employees.js, skill_queues.js,
// channels.js); routerd
// stores each change before it answers, and
// it applies at once.
import {ApiError, fillHeader, getJson, request, requireSession} from './api.js';
import {editEmployee, removeEmployee} from './employees.js';
import {el} from './format.js';
import {editChannel, removeChannel} from './channels.js';
import {editOu, removeOu} from './ous.js';
import {editQueue, removeQueue} from './skill_queues.js';

const $ = (id) => document.getElementById(id);

function show(node, text) {
  node.textContent = text;
  node.hidden = !text;
}

function describe(e) {
  return e instanceof ApiError ? e.describe() : `Cannot reach routerd: ${e.message}`;
}

const cell = (label, ...content) => el('td', {'data-label': label}, ...content);
const dash = (v) => (v === null || v === undefined || v === '' ? '—' : String(v));

// {"es":7} -> "es 7, fr 3"; {} -> "—"
function pairs(map) {
  const entries = Object.entries(map || {});
  return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : '—';
}

function seconds(s) {
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

function capOrigin(c) {
  switch (c.cap_origin) {
    case 'ou': return `OU ${c.cap_origin_ou}`;
    case 'personal': return 'the employee’s own setting';
    case 'agent': return 'employee setting';
    default: return 'tenant';
  }
}

// A cap and where it comes from; one line per channel kind in per-channel-kind access.
function effectiveCap(a) {
  const kinds = a.channel_kinds || [];
  if (!kinds.length) return el('span', {text: `${a.effective_cap} (${capOrigin(a)})`});
  return el('ul', {class: 'plain'},
    ...kinds.map((k) => el('li', {dataset: {kind: k.kind}, text: `${k.kind}: ${k.effective_cap} (${capOrigin(k)})`})));
}

// A number field with Save and Clear, for one cap. `what` names it for
// screen readers and messages ("OU support"); `path` is its API route.
function capForm(what, value, path, {clearLabel = 'Clear'} = {}) {
  const input = el('input', {type: 'number', min: '1', max: '60', step: '1', inputmode: 'numeric',
                             value: value === null ? '' : String(value), 'aria-label': `Cap of ${what}`});
  const form = el('form', {class: 'cap-form', novalidate: true},
    input,
    el('button', {type: 'submit', class: 'primary', text: 'Save', 'aria-label': `Save the cap of ${what}`}),
    el('button', {type: 'button', text: clearLabel, 'aria-label': `${clearLabel}: the cap of ${what}`,
                  onclick: () => change(path, 'DELETE', undefined, `${what}: cap cleared.`)}));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const cap = Number(input.value);
    if (input.value.trim() === '' || !Number.isInteger(cap) || cap < 1 || cap > 60) {
      show($('page-error'), `${what}: enter a whole number of sessions from 1 to 60.`);
      input.focus();
      return;
    }
    change(path, 'PUT', {max_concurrent_sessions: cap}, `${what}: cap set to ${cap}.`);
  });
  return form;
}

async function change(path, method, body, done) {
  show($('page-error'), '');
  show($('page-notice'), '');
  try {
    await request(path, {method, body});
    await load();
    show($('page-notice'), done);
  } catch (e) {
    show($('page-error'), describe(e));
  }
}

// After an OU or an employee was added, changed or removed.
async function reloadWith(notice) {
  show($('page-error'), '');
  await load();
  show($('page-notice'), notice);
}

let current = null;  // the last GET /api/v1/config

function renderTenant(t) {
  const row = (term, ...content) => [el('dt', {text: term}), el('dd', {}, ...content)];
  const mode = t.multimedia_access_mode === 'per_channel_kind'
    ? 'A cap for each channel kind (per_channel_kind)' : 'Unified channel access: one cap across all channels';
  const fileCap = t.max_concurrent_sessions === t.configured_max_concurrent_sessions
    ? '' : ` (the file says ${t.configured_max_concurrent_sessions})`;
  const personal = t.personal_settings.agent_sets_cap
    ? `Yes, from ${t.personal_settings.agent_cap_min} to ${t.personal_settings.agent_cap_max}` : 'No';
  $('tenant-params').replaceChildren(
    ...row('Tenant', el('span', {class: 'mono', text: t.id})),
    ...row('Multimedia access mode', mode),
    ...row('Concurrent sessions cap', el('span', {dataset: {stat: 'tenant-cap'}, text: `${t.max_concurrent_sessions}${fileCap}`}),
           capForm('the tenant', t.max_concurrent_sessions, '/api/v1/tenant/cap', {clearLabel: 'Use the file’s'})),
    ...(t.multimedia_access_mode === 'per_channel_kind'
      ? row('Caps per channel kind', pairs(t.max_concurrent_sessions_by_channel_kind)) : []),
    ...row('Session idle timeout', seconds(t.session_idle_timeout_seconds)),
    ...row('Not-ready reasons', t.not_ready_reasons.length ? t.not_ready_reasons.join(', ') : '—'),
    ...row('Agents set their own cap', personal));
}

// Depth-first from the top level, so each OU follows its parent.
function ouTree(ous) {
  const out = [];
  const visit = (parent, depth) => {
    for (const ou of ous) {
      if (ou.parent !== parent || depth > ous.length) continue;
      out.push({ou, depth});
      visit(ou.id, depth + 1);
    }
  };
  visit('', 0);
  return out;
}

function renderOus(ous) {
  $('ous-body').replaceChildren(...ouTree(ous).map(({ou, depth}) => {
    const name = el('span', {class: 'mono ou-name', text: ou.id});
    name.style.paddingLeft = `${depth * 1.25}em`;
    const actions = el('div', {class: 'row-actions'},
      el('button', {type: 'button', text: 'Change', 'aria-label': `Change OU ${ou.id}`,
                    onclick: () => editOu(current, ou, reloadWith)}),
      el('button', {type: 'button', class: 'danger', text: 'Remove', 'aria-label': `Remove OU ${ou.id}`,
                    onclick: () => removeOu(ou, reloadWith, (text) => show($('page-error'), text))}));
    return el('tr', {dataset: {ou: ou.id}},
      cell('OU', name),
      cell('Employees', String(ou.agents)),
      cell('Caps per channel kind', pairs(ou.max_concurrent_sessions_by_channel_kind)),
      cell('Concurrent sessions cap', capForm(`OU ${ou.id}`, ou.max_concurrent_sessions,
                                              `/api/v1/ous/${encodeURIComponent(ou.id)}/cap`)),
      cell('Actions', actions));
  }));
  if (!ous.length) $('ous-body').replaceChildren(el('tr', {}, el('td', {class: 'empty', colspan: '5', text: 'No OUs.'})));
}

function renderAgents(agents) {
  $('agents-body').replaceChildren(...agents.map((a) => {
    const actions = el('div', {class: 'row-actions'},
      el('button', {type: 'button', text: 'Change', 'aria-label': `Change employee ${a.employee_id}`,
                    onclick: () => editEmployee(current, a, reloadWith)}),
      el('button', {type: 'button', class: 'danger', text: 'Remove', 'aria-label': `Remove employee ${a.employee_id}`,
                    onclick: () => removeEmployee(a, reloadWith, (text) => show($('page-error'), text))}));
    const own = a.agent_type === 'voice'
      ? el('span', {class: 'muted', text: 'Voice only: no multimedia cap'})
      : capForm(`employee ${a.employee_id}`, a.max_concurrent_sessions,
                `/api/v1/agents/${encodeURIComponent(a.employee_id)}/cap`);
    const setBy = a.cap_set_by === 'agent' ? el('p', {class: 'help', text: 'Set by the employee'}) : null;
    return el('tr', {dataset: {agent: a.employee_id}},
      cell('Employee ID', el('span', {class: 'mono', text: a.employee_id})),
      cell('Name', dash(a.name)),
      cell('Type', a.agent_type),
      cell('OU', dash(a.ou)),
      cell('Skill queues', a.skill_queues.length ? a.skill_queues.join(', ') : '—'),
      cell('Skills', pairs(a.skills)),
      cell('Effective cap', effectiveCap(a)),
      cell('Own cap', own, setBy),
      cell('Actions', actions));
  }));
}

function renderQueues(queues) {
  $('queues-body').replaceChildren(...queues.map((q) => el('tr', {dataset: {queue: q.id}},
    cell('Skill queue', el('span', {class: 'mono', text: q.id})),
    cell('Media', el('span', {class: `badge media-${q.media}`, text: q.media})),
    cell('Strategy', q.strategy),
    cell('Max wait', seconds(q.max_wait_seconds)),
    cell('Max waiting', String(q.max_waiting)),
    cell('On overflow', q.on_overflow === 'leave_message' ? 'Leave message' : q.on_overflow.replace(/^queue:/, 'Queue ')),
    cell('Priority', String(q.priority)),
    cell('After-contact work', q.wrap_up_seconds ? seconds(q.wrap_up_seconds) : '—'),
    cell('Required skills', pairs(q.required_skills)),
    cell('Employees', String(q.agents)),
    cell('Actions', el('div', {class: 'row-actions'},
      el('button', {type: 'button', text: 'Change', 'aria-label': `Change skill queue ${q.id}`,
                    onclick: () => editQueue(current, q, reloadWith)}),
      el('button', {type: 'button', class: 'danger', text: 'Remove', 'aria-label': `Remove skill queue ${q.id}`,
                    onclick: () => removeQueue(q, reloadWith, (text) => show($('page-error'), text))}))))));
}

function renderChannels(channels) {
  $('channels-body').replaceChildren(...channels.map((c) => el('tr', {dataset: {channel: c.id}},
    cell('Channel', el('span', {class: 'mono', text: c.id})),
    cell('Kind', c.kind),
    cell('Skill queue', c.skill_queue),
    cell('Priority', c.priority === null ? 'the queue’s' : String(c.priority)),
    cell('Required skills', pairs(c.required_skills)),
    cell('Actions', el('div', {class: 'row-actions'},
      el('button', {type: 'button', text: 'Change', 'aria-label': `Change channel ${c.id}`,
                    onclick: () => editChannel(current, c, reloadWith)}),
      el('button', {type: 'button', class: 'danger', text: 'Remove', 'aria-label': `Remove channel ${c.id}`,
                    onclick: () => removeChannel(c, reloadWith, (text) => show($('page-error'), text))}))))));
}

async function load() {
  const config = await getJson('/api/v1/config');
  current = config;
  renderTenant(config.tenant);
  renderOus(config.ous);
  renderAgents(config.agents);
  renderQueues(config.skill_queues);
  renderChannels(config.channels);
  for (const id of ['sections', 'tenant-section', 'ous-section', 'agents-section', 'queues-section',
                    'channels-section']) {
    $(id).hidden = false;
  }
}

async function init() {
  const session = await requireSession();
  fillHeader(session);
  if (session.role !== 'tenant_admin') {
    show($('page-error'), 'The configuration needs a tenant administrator token.');
    return;
  }
  $('add-agent').addEventListener('click', () => editEmployee(current, undefined, reloadWith));
  $('add-ou').addEventListener('click', () => editOu(current, undefined, reloadWith));
  $('add-queue').addEventListener('click', () => editQueue(current, undefined, reloadWith));
  $('add-channel').addEventListener('click', () => editChannel(current, undefined, reloadWith));
  await load();
}

init().catch((e) => show($('page-error'), describe(e)));
