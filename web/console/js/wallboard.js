// The live wallboard: per skill queue the waiting sessions (with a sparkline
// of the last minutes), the oldest wait and the agents' readiness and room;
// per agent its state, load and effective cap. The server pushes a snapshot
// over a WebSocket whenever something changes (at most a few a second) and a
// heartbeat every few seconds; the page never polls. The token goes in the
// first frame, never in the URL.
import {fillHeader, moveToOwner, requireSession, token} from './api.js';
import {el, formatDuration, formatTime} from './format.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

let latest = null;       // the last snapshot
let receivedAt = 0;      // performance.now() when it came
let retryMs = 1000;
let stopped = false;

function setLive(text, kind) {
  $('live-text').textContent = text;
  $('live').dataset.state = kind;
}

function showError(text) {
  $('page-error').textContent = text;
  $('page-error').hidden = !text;
}

// ---- Rendering ----------------------------------------------------------------

function sparkline(values, label) {
  const width = 240, height = 48, pad = 3;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  const known = values.filter((v) => v !== null);
  const max = Math.max(1, ...known);
  const recent = known.length ? known[known.length - 1] : 0;
  svg.setAttribute('aria-label', `${label}: waiting sessions over the last ${Math.round(values.length * latest.history.bucket_ms / 60000)} minutes, at most ${Math.max(0, ...known)}, now ${recent}`);
  const title = document.createElementNS(SVG, 'title');
  title.textContent = svg.getAttribute('aria-label');
  svg.append(title);
  const x = (i) => pad + (i * (width - 2 * pad)) / Math.max(1, values.length - 1);
  const y = (v) => height - pad - (v * (height - 2 * pad)) / max;
  // One path per run of known values; gaps (no sample) stay gaps.
  let d = '', area = '', runStart = -1;
  values.forEach((v, i) => {
    if (v === null) {
      if (runStart >= 0) area += `L${x(i - 1)},${height - pad}Z`;
      runStart = -1;
      return;
    }
    if (runStart < 0) {
      runStart = i;
      d += `M${x(i)},${y(v)}`;
      area += `M${x(i)},${height - pad}L${x(i)},${y(v)}`;
    } else {
      d += `L${x(i)},${y(v)}`;
      area += `L${x(i)},${y(v)}`;
    }
  });
  if (runStart >= 0) area += `L${x(values.length - 1)},${height - pad}Z`;
  const base = document.createElementNS(SVG, 'line');
  base.setAttribute('x1', String(pad));
  base.setAttribute('x2', String(width - pad));
  base.setAttribute('y1', String(height - pad));
  base.setAttribute('y2', String(height - pad));
  base.setAttribute('class', 'spark-base');
  const fill = document.createElementNS(SVG, 'path');
  fill.setAttribute('d', area);
  fill.setAttribute('class', 'spark-area');
  const line = document.createElementNS(SVG, 'path');
  line.setAttribute('d', d);
  line.setAttribute('class', 'spark-line');
  svg.append(base, fill, line);
  // The newest value as a dot, so that a lone sample shows too.
  const last = values.length - 1 - [...values].reverse().findIndex((v) => v !== null);
  if (last < values.length) {
    const dot = document.createElementNS(SVG, 'circle');
    dot.setAttribute('cx', String(x(last)));
    dot.setAttribute('cy', String(y(values[last])));
    dot.setAttribute('r', '3');
    dot.setAttribute('class', 'spark-dot');
    svg.append(dot);
  }
  svg.dataset.max = String(Math.max(0, ...known));
  svg.dataset.now = String(recent);
  return svg;
}

function stat(label, value, name) {
  return el('div', {class: 'stat'}, el('dt', {text: label}), el('dd', {text: String(value), dataset: {stat: name}}));
}

function queueCard(q, history) {
  return el('article', {class: `queue ${q.waiting > 0 ? 'has-waiting' : ''}`, dataset: {queue: q.id},
                        'aria-labelledby': `queue-${q.id}`},
    el('header', {},
      el('h3', {id: `queue-${q.id}`, text: q.id}),
      el('span', {class: `badge media-${q.media}`, text: q.media})),
    el('div', {class: 'waiting'},
      el('span', {class: 'big', text: String(q.waiting), dataset: {stat: 'waiting'}}),
      el('span', {class: 'big-label', text: 'waiting'})),
    el('p', {class: 'oldest'}, 'Oldest wait ',
      el('span', {class: 'mono', dataset: {stat: 'oldest', base: String(q.oldest_wait_ms), waiting: String(q.waiting)},
                  text: q.waiting ? formatDuration(q.oldest_wait_ms) : '—'})),
    history ? sparkline(history.waiting, q.id) : null,
    history ? el('p', {class: 'spark-caption', 'aria-hidden': 'true',
                       text: `Most waiting per ${latest.history.bucket_ms / 1000} s, last ${Math.round(history.waiting.length * latest.history.bucket_ms / 60000)} min`}) : null,
    el('dl', {class: 'stats'},
      stat('Signed in', q.agents_signed_in, 'signed_in'),
      stat('Ready', q.agents_ready, 'ready'),
      stat('At cap', q.agents_at_cap, 'at_cap'),
      stat('After-contact work', q.agents_in_wrap_up, 'in_wrap_up'),
      stat('Free capacity', q.free_capacity, 'free_capacity'),
      stat(`Service level (${q.statistics.service_level_seconds} s)`, serviceLevel(q.statistics), 'service_level'),
      stat('Avg wait', q.statistics.wait_ms.average === null ? '—' : formatDuration(q.statistics.wait_ms.average),
           'average_wait'),
      stat('Abandoned', q.statistics.abandoned, 'abandoned')));
}

// Answered within the threshold, of those answered or abandoned since start.
function serviceLevel(s) {
  return s.service_level_percent === null ? '—' : `${s.service_level_percent} %`;
}

const STATE_LABELS = {ready: 'Ready', not_ready: 'Not ready', signed_out: 'Signed out'};

function capOrigin(a) {
  if (a.cap_origin === 'ou') return `OU ${a.cap_origin_ou}`;
  if (a.cap_origin === 'personal') return 'Agent (own setting)';
  return a.cap_origin === 'agent' ? 'Agent' : 'Tenant';
}

// "Not ready: lunch", and "· 1 after-contact" while the agent writes up sessions.
function stateText(a) {
  let text = STATE_LABELS[a.state] || a.state;
  if (a.not_ready_reason) text += `: ${a.not_ready_reason}`;
  if (a.wrap_ups > 0) text += ` · ${a.wrap_ups} after-contact`;
  return text;
}

// A meter of `taken` out of `cap` units; `kind` names the channel kind it
// counts in per-channel-kind access.
function loadMeter(taken, cap, kind) {
  const full = taken >= cap;
  const label = kind ? `${kind} ` : '';
  return el('span', {class: 'load', dataset: kind ? {kind} : {}},
    el('meter', {min: '0', max: String(cap), value: String(taken),
                 high: String(Math.max(0, cap - 0.5)), optimum: '0',
                 'aria-label': `${label}${taken} of ${cap} units taken`}),
    el('span', {class: `mono ${full ? 'full' : ''}`, dataset: {stat: 'load'},
                text: `${label}${taken} / ${cap}`}));
}

function agentRow(a) {
  const cell = (label, ...content) => el('td', {'data-label': label}, ...content);
  // After-contact work holds capacity like a session. In per-channel-kind
  // access each kind has its own cap: one meter per kind.
  const kinds = a.channel_kinds || [];
  const load = kinds.length
    ? kinds.map((k) => loadMeter(k.in_use, k.effective_cap, k.kind))
    : [loadMeter(a.active_sessions + (a.wrap_ups || 0), a.effective_cap)];
  const origin = kinds.length ? kinds.map((k) => `${k.kind}: ${capOrigin(k)}`).join(', ') : capOrigin(a);
  return el('tr', {dataset: {agent: a.employee_id, state: a.state}},
    cell('Employee ID', el('span', {class: 'mono', text: a.employee_id})),
    cell('Name', a.name || '—'),
    cell('OU', a.ou || '—'),
    cell('Type', a.agent_type),
    cell('State', el('span', {class: `state state-${a.state}`, dataset: {stat: 'state'}, text: stateText(a)})),
    cell('Sessions / cap', ...load),
    cell('Cap from', origin));
}

function render(snapshot) {
  latest = snapshot;
  receivedAt = performance.now();
  const history = new Map(snapshot.history.queues.map((h) => [h.id, h]));
  $('queues').replaceChildren(...snapshot.queues.map((q) => queueCard(q, history.get(q.id))));
  $('agents-body').replaceChildren(...snapshot.agents.map(agentRow));
  $('updated').textContent = `Updated ${formatTime(snapshot.at_ms)}`;
}

// Oldest waits keep growing between pushes: count them on locally.
function tick() {
  if (!latest) return;
  const elapsed = performance.now() - receivedAt;
  for (const node of document.querySelectorAll('[data-stat="oldest"]')) {
    if (node.dataset.waiting === '0') continue;
    node.textContent = formatDuration(Number(node.dataset.base) + elapsed);
  }
}

// ---- Feed --------------------------------------------------------------------

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/console/api/wallboard`);
  let refused = false;
  ws.addEventListener('open', () => {
    ws.send(JSON.stringify({type: 'auth', token: token()}));
  });
  ws.addEventListener('message', (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'snapshot') {
      retryMs = 1000;
      setLive('Live', 'live');
      showError('');
      render(frame);
    } else if (frame.type === 'error') {
      refused = true;
      showError(`The wallboard refused this token: ${frame.detail}`);
      setLive('Not connected', 'down');
    }
  });
  ws.addEventListener('close', (event) => {
    if (refused || stopped) return;
    // 4004: another instance routes this tenant now, and the reason is its
    // address (when known; otherwise reconnect here as usual).
    if (event.code === 4004 && /^https?:\/\//.test(event.reason)) {
      stopped = true;
      setLive('Moving to another instance…', 'down');
      moveToOwner(event.reason);
      return;
    }
    setLive('Reconnecting…', 'down');
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  });
}

async function init() {
  const session = await requireSession();
  fillHeader(session);
  if (!session.wallboard) {
    showError('The wallboard needs a tenant administrator token.');
    setLive('Not connected', 'down');
    return;
  }
  addEventListener('pagehide', () => { stopped = true; });
  connect();
  setInterval(tick, 1000);
}

init().catch((e) => showError(e.message));
