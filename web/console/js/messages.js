// The leave-message page: query, allocate, process (with a call-back of the
// contact number) and submit, voice playback and download. Every action is the REST API's
// (/api/v1/messages); buttons appear only where the message's status and the
// token's permissions allow the action, and a refusal shows the server's reason.
import {ApiError, fillHeader, getJson, postJson, request, requireSession} from './api.js';
import {AudioPlayer} from './audio_player.js';
import {CallBack} from './call_back.js';
import {confirmDialog, openDialog, showError} from './dialogs.js';
import {STATUS_LABELS, channelLabel, el, formatTime} from './format.js';

const $ = (id) => document.getElementById(id);

const state = {
  session: null,
  params: null,      // URLSearchParams of the current query, without cursor
  cursors: [null],   // cursors[i]: the cursor of page i
  page: 0,
  nextCursor: null,
  rows: new Map(),   // id -> the message shown in its row
  agents: null,      // for the allocate dialog, loaded once
};

function can(permission) {
  return state.session.permissions.includes(permission);
}

function banner(text, kind = 'error') {
  const node = $(kind === 'error' ? 'page-error' : 'page-notice');
  showError(node, text);
  if (kind === 'error' && text) $('page-notice').hidden = true;
  if (kind !== 'error' && text) $('page-error').hidden = true;
}

function reason(e) {
  return e instanceof ApiError ? e.describe() : `Cannot reach routerd: ${e.message}`;
}

// ---- Query -----------------------------------------------------------------

function localMs(value) {
  return value ? new Date(value).getTime() : null;
}

// The form as query parameters, or an error text.
function paramsFromForm() {
  const p = new URLSearchParams();
  const time = $('q-time').value;
  if (time === 'custom') {
    const from = localMs($('q-from').value), to = localMs($('q-to').value);
    if (from === null && to === null) return 'Give a start or an end for the custom range.';
    if (from !== null && to !== null && from >= to) return 'The start must be before the end.';
    if (from !== null) p.set('from', String(from));
    if (to !== null) p.set('to', String(to));
  } else {
    p.set('window', time);
  }
  for (const [id, name] of [['q-contact', 'contact_number'], ['q-status', 'status'], ['q-employee', 'employee_id'],
                            ['q-channel', 'channel_type']]) {
    const value = $(id).value.trim();
    if (value) p.set(name, value);
  }
  p.set('page_size', $('page-size').value);
  return p;
}

async function runQuery() {
  const p = paramsFromForm();
  if (typeof p === 'string') {
    showError($('query-error'), p);
    return;
  }
  showError($('query-error'), '');
  state.params = p;
  state.cursors = [null];
  state.page = 0;
  await loadPage();
}

async function loadPage() {
  const p = new URLSearchParams(state.params);
  const cursor = state.cursors[state.page];
  if (cursor) p.set('cursor', cursor);
  const table = $('messages-table');
  table.setAttribute('aria-busy', 'true');
  try {
    const page = await getJson(`/api/v1/messages?${p}`);
    banner('');
    state.nextCursor = page.next_cursor;
    renderRows(page.messages);
    $('total').textContent = `(${page.total})`;
    const size = Number(state.params.get('page_size'));
    const pages = Math.max(1, Math.ceil(page.total / size));
    $('page-label').textContent = `Page ${state.page + 1} of ${pages}`;
    $('prev-page').disabled = state.page === 0;
    $('next-page').disabled = !state.nextCursor;
  } catch (e) {
    banner(reason(e));
  } finally {
    table.removeAttribute('aria-busy');
  }
}

// ---- Rows --------------------------------------------------------------------

function statusBadge(status) {
  return el('span', {class: `status status-${status}`, text: STATUS_LABELS[status] || status});
}

function actionButton(label, action, message) {
  return el('button', {type: 'button', class: 'small', text: label, dataset: {action, id: String(message.id)},
                       'aria-label': `${label} message ${message.id}`});
}

function actionsOf(m) {
  const buttons = [];
  if (can('query')) buttons.push(actionButton('View', 'view', m));
  if (can('allocate') && (m.status === 'to_be_allocated' || m.status === 'allocation_failed')) {
    buttons.push(actionButton('Allocate', 'allocate', m));
  }
  if (can('process') && m.status === 'unprocessed') buttons.push(actionButton('Process', 'process', m));
  if (can('submit') && m.status === 'processing') buttons.push(actionButton('Submit', 'submit', m));
  if (can('download') && m.channel_type === 'voice' && m.attachment) {
    buttons.push(actionButton('Play', 'play', m));
    buttons.push(actionButton('Download', 'download', m));
  }
  return buttons;
}

function rowOf(m) {
  const cell = (label, ...content) => el('td', {'data-label': label}, ...content);
  return el('tr', {dataset: {id: String(m.id), status: m.status}},
    cell('Status', statusBadge(m.status)),
    cell('Contact number', el('span', {class: 'mono', text: m.contact_number})),
    cell('Channel', channelLabel(m.channel_type)),
    cell('Employee ID', m.employee_id || '—'),
    cell('Business account', m.business_account || '—'),
    cell('Created', el('time', {datetime: new Date(m.created_at_ms).toISOString(), text: formatTime(m.created_at_ms)})),
    cell('Updated', el('time', {datetime: new Date(m.updated_at_ms).toISOString(), text: formatTime(m.updated_at_ms)})),
    el('td', {class: 'row-actions', 'data-label': 'Actions'}, ...actionsOf(m)));
}

function renderRows(messages) {
  state.rows.clear();
  const body = $('messages-body');
  body.replaceChildren(...messages.map((m) => {
    state.rows.set(m.id, m);
    return rowOf(m);
  }));
  $('empty').hidden = messages.length > 0;
}

// Shows the message's new state in its row, keeping focus in the row.
function updateRow(m) {
  state.rows.set(m.id, m);
  const old = $('messages-body').querySelector(`tr[data-id="${m.id}"]`);
  if (!old) return;
  const row = rowOf(m);
  old.replaceWith(row);
}

async function refreshRow(id) {
  try {
    updateRow(await getJson(`/api/v1/messages/${id}`));
  } catch {
    // The reason already shown is the one that matters.
  }
}

// ---- Allocate ------------------------------------------------------------------

async function loadAgents() {
  if (!state.agents) state.agents = (await getJson('/console/api/agents')).agents;
  return state.agents;
}

function renderAgents(filter) {
  const list = $('agent-list');
  const needle = filter.trim().toLowerCase();
  const legend = list.querySelector('legend');
  const checked = list.querySelector('input:checked')?.value;
  const items = state.agents
    .filter((a) => !needle || [a.employee_id, a.name, a.business_account].some((v) => v.toLowerCase().includes(needle)))
    .map((a) => el('label', {class: 'agent'},
      el('input', {type: 'radio', name: 'agent', value: a.employee_id, checked: a.employee_id === checked}),
      el('span', {class: 'agent-id', text: a.employee_id}),
      el('span', {class: 'agent-name', text: a.name || '(no name)'}),
      el('span', {class: 'agent-meta', text: `account ${a.business_account} · ${a.agent_type} · ${a.ou}`})));
  list.replaceChildren(legend, ...items);
  if (!items.length) list.append(el('p', {class: 'empty', text: 'No agent matches.'}));
  $('allocate-complete').disabled = !list.querySelector('input:checked');
}

async function openAllocate(m) {
  const dialog = $('allocate-dialog');
  showError($('allocate-error'), '');
  $('allocate-subject').textContent = `Message ${m.id} from ${m.contact_number} (${channelLabel(m.channel_type)})`;
  $('agent-search').value = '';
  try {
    await loadAgents();
  } catch (e) {
    banner(reason(e));
    return;
  }
  $('agent-list').querySelectorAll('input').forEach((i) => { i.checked = false; });
  renderAgents('');
  dialog.dataset.id = String(m.id);
  openDialog(dialog, {focus: $('agent-search')});
}

async function completeAllocate() {
  const dialog = $('allocate-dialog');
  const id = Number(dialog.dataset.id);
  const chosen = $('agent-list').querySelector('input:checked');
  if (!chosen) return;
  $('allocate-complete').disabled = true;
  try {
    const m = await postJson(`/api/v1/messages/${id}/allocate`, {employee_id: chosen.value});
    dialog.close('done');
    updateRow(m);
    banner(`Message ${id} allocated to ${m.employee_id} (${m.business_account}).`, 'notice');
  } catch (e) {
    showError($('allocate-error'), reason(e));
    $('allocate-complete').disabled = false;
    if (e instanceof ApiError && e.status === 409) refreshRow(id);
  }
}

// ---- Process and submit ------------------------------------------------------------

function details(node, m) {
  const item = (term, value) => [el('dt', {text: term}), el('dd', {text: value || '—'})];
  node.replaceChildren(
    ...item('Message', String(m.id)),
    ...item('Status', STATUS_LABELS[m.status] || m.status),
    ...item('Contact number', m.contact_number_type === 'phone' ? m.contact_number
      : `${m.contact_number} (${m.contact_number_type === 'visitor_id' ? 'visitor id' : 'customer id'}, no phone)`),
    ...item('Name', m.display_name),
    ...item('Channel', `${channelLabel(m.channel_type)} (${m.channel_id || '—'})`),
    ...item('Skill queue', m.skill_queue),
    ...item('Text', m.text),
    ...item('Employee ID', m.employee_id),
    ...item('Business account', m.business_account),
    ...item('Handling comments', m.handling_comments));
}

// Whether the signed-in agent is idle now (the server's rule and reason).
async function agentIdle() {
  const session = await getJson('/console/api/session');
  return {idle: session.idle !== false, reason: session.idle_reason};
}

function openSubmit(m) {
  const dialog = $('process-dialog');
  dialog.dataset.id = String(m.id);
  details($('process-details'), m);
  callBack.show(m, can('process') && state.session.dialer, state.session.role === 'agent' ? agentIdle : null);
  showError($('process-error'), '');
  $('handling-comments').value = '';
  $('process-submit').disabled = !can('submit');
  openDialog(dialog, {focus: $('handling-comments')});
}

async function process(m) {
  try {
    const updated = await postJson(`/api/v1/messages/${m.id}/process`);
    updateRow(updated);
    banner(`Message ${m.id} is being processed.`, 'notice');
    openSubmit(updated);
  } catch (e) {
    banner(reason(e));
    if (e instanceof ApiError && e.status === 409) refreshRow(m.id);
  }
}

async function submitComments() {
  const dialog = $('process-dialog');
  const id = Number(dialog.dataset.id);
  const comments = $('handling-comments').value;
  if (!comments.trim()) {
    showError($('process-error'), 'Enter the handling comments.');
    $('handling-comments').setAttribute('aria-invalid', 'true');
    $('handling-comments').focus();
    return;
  }
  $('handling-comments').removeAttribute('aria-invalid');
  $('process-submit').disabled = true;
  try {
    const m = await postJson(`/api/v1/messages/${id}/submit`, {handling_comments: comments});
    dialog.close('done');
    updateRow(m);
    banner(`Message ${id} processed.`, 'notice');
  } catch (e) {
    showError($('process-error'), reason(e));
    if (e instanceof ApiError && e.status === 409) refreshRow(id);
  } finally {
    $('process-submit').disabled = false;
  }
}

// ---- View ------------------------------------------------------------------------

async function view(m) {
  try {
    const full = await getJson(`/api/v1/messages/${m.id}`);
    details($('view-details'), full);
    $('view-history').replaceChildren(...full.history.map((h) => el('li', {},
      el('time', {text: formatTime(h.at_ms)}), ' ',
      el('strong', {text: h.action}), ` by ${h.actor}: `,
      `${h.from ? STATUS_LABELS[h.from] || h.from : '—'} → ${STATUS_LABELS[h.to] || h.to}`,
      h.detail ? ` (${h.detail})` : '')));
    openDialog($('view-dialog'));
  } catch (e) {
    banner(reason(e));
  }
}

// ---- Voice: playback and download --------------------------------------------------------

let player = null;
let callBack = null;

// `purpose` is 'play' or 'download': the server records them as different
// actions in the message's history.
async function fetchVoice(id, purpose) {
  const response = await request(`/api/v1/messages/${id}/${purpose}`);
  const disposition = response.headers.get('Content-Disposition') || '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] || `leave-message-${id}`;
  return {blob: await response.blob(), name};
}

async function play(m) {
  const dialog = $('voice-dialog');
  showError($('voice-error'), '');
  $('voice-subject').textContent = `Message ${m.id} from ${m.contact_number}`;
  dialog.dataset.id = String(m.id);
  $('voice-download').hidden = !can('download');
  player.unload();
  openDialog(dialog, {focus: $('player-toggle')});
  try {
    const {blob} = await fetchVoice(m.id, 'play');
    player.load(blob);
    $('player-toggle').focus();
  } catch (e) {
    showError($('voice-error'), reason(e));
  }
}

async function download(id) {
  if (!(await confirmDialog($('download-dialog')))) return;
  try {
    const {blob, name} = await fetchVoice(id, 'download');
    const url = URL.createObjectURL(blob);
    const a = el('a', {href: url, download: name, hidden: true});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    banner(`Message ${id} downloaded as ${name}.`, 'notice');
  } catch (e) {
    banner(reason(e));
  }
}

// ---- Wiring ----------------------------------------------------------------------------

function onAction(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const m = state.rows.get(Number(button.dataset.id));
  if (!m) return;
  switch (button.dataset.action) {
    case 'view': return view(m);
    case 'allocate': return openAllocate(m);
    case 'process': return process(m);
    case 'submit': return openSubmit(m);
    case 'play': return play(m);
    case 'download': return download(m.id);
  }
}

function fillChannelTypes(kinds) {
  const select = $('q-channel');
  for (const kind of kinds) select.append(el('option', {value: kind, text: channelLabel(kind)}));
}

function toggleRange() {
  const custom = $('q-time').value === 'custom';
  $('q-range').hidden = !custom;
  $('q-range-to').hidden = !custom;
}

async function init() {
  state.session = await requireSession();
  fillHeader(state.session);
  fillChannelTypes(state.session.channel_types);
  player = new AudioPlayer($('player'));
  if (state.session.role === 'agent') {
    // An agent sees only its own messages; the server enforces it too.
    $('q-employee').value = state.session.employee_id;
    $('q-employee').readOnly = true;
  }
  if (!can('query')) {
    banner('This token may not query leave messages.');
    $('query-form').querySelector('button[type=submit]').disabled = true;
    return;
  }
  $('q-time').addEventListener('change', toggleRange);
  $('query-form').addEventListener('submit', (event) => {
    event.preventDefault();
    runQuery();
  });
  $('query-form').addEventListener('reset', () => {
    setTimeout(() => {
      if (state.session.role === 'agent') $('q-employee').value = state.session.employee_id;
      toggleRange();
      runQuery();
    });
  });
  $('page-size').addEventListener('change', runQuery);
  $('prev-page').addEventListener('click', () => {
    if (state.page === 0) return;
    state.page -= 1;
    loadPage();
  });
  $('next-page').addEventListener('click', () => {
    if (!state.nextCursor) return;
    state.cursors[state.page + 1] = state.nextCursor;
    state.page += 1;
    loadPage();
  });
  $('messages-body').addEventListener('click', onAction);
  $('agent-search').addEventListener('input', (e) => renderAgents(e.target.value));
  $('agent-list').addEventListener('change', () => {
    $('allocate-complete').disabled = !$('agent-list').querySelector('input:checked');
  });
  $('allocate-form').addEventListener('submit', (event) => {
    event.preventDefault();
    completeAllocate();
  });
  $('process-form').addEventListener('submit', (event) => {
    event.preventDefault();
    submitComments();
  });
  $('voice-dialog').addEventListener('close', () => player.unload());
  $('voice-dialog').addEventListener('keydown', (event) => player.handleKey(event));
  callBack = new CallBack($('process-dialog'), {
    describe: reason,
    onConflict: (id) => refreshRow(id),
  });
  $('voice-download').addEventListener('click', () => download(Number($('voice-dialog').dataset.id)));
  toggleRange();
  await runQuery();
}

init().catch((e) => banner(reason(e)));
