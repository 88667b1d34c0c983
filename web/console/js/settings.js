// Personal settings of an agent: its own concurrency cap (the agent-level
// cap, the same an administrator sets; the latest wins), within the range its
// tenant allows. Stored by routerd before it answers.
import {ApiError, fillHeader, getJson, request, requireSession} from './api.js';

const $ = (id) => document.getElementById(id);

function originText(state) {
  switch (state.cap_origin) {
    case 'personal': return 'your own setting';
    case 'agent': return 'an administrator’s setting for you';
    case 'ou': return `your organization unit ${state.cap_origin_ou}`;
    default: return 'your tenant’s default';
  }
}

function show(node, text) {
  node.textContent = text;
  node.hidden = !text;
}

async function refresh(session) {
  const state = await getJson(`/api/v1/agents/${encodeURIComponent(session.employee_id)}/state`);
  $('cap-value').textContent = String(state.effective_cap);
  $('cap-origin').textContent = originText(state);
  $('cap-input').value = state.cap_origin === 'personal' ? String(state.effective_cap) : '';
}

async function change(session, method, body, done) {
  show($('page-error'), '');
  show($('page-notice'), '');
  try {
    await request(`/api/v1/agents/${encodeURIComponent(session.employee_id)}/cap`, {method, body});
    await refresh(session);
    show($('page-notice'), done());
  } catch (e) {
    show($('page-error'), e instanceof ApiError ? e.describe() : `Cannot reach routerd: ${e.message}`);
  }
}

async function init() {
  const session = await requireSession();
  fillHeader(session);
  if (session.role !== 'agent') {
    show($('page-notice'), 'Personal settings belong to agents: sign in with an agent token to change yours.');
    return;
  }
  const rules = session.personal_settings;
  const input = $('cap-input');
  input.min = String(rules.agent_cap_min);
  input.max = String(rules.agent_cap_max);
  $('cap-help').textContent = rules.agent_sets_cap
    ? `From ${rules.agent_cap_min} to ${rules.agent_cap_max}. “Use the default” lets your organization unit or tenant decide.`
    : 'Your tenant does not let agents set their own cap; an administrator sets it.';
  for (const control of [input, $('cap-save'), $('cap-clear')]) control.disabled = !rules.agent_sets_cap;
  $('cap-section').hidden = false;
  await refresh(session);

  $('cap-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = Number(input.value);
    if (!Number.isInteger(value) || input.value.trim() === '') {
      show($('page-error'), 'Enter a whole number of sessions.');
      input.focus();
      return;
    }
    change(session, 'PUT', {max_concurrent_sessions: value}, () => `Saved: you take up to ${value} sessions at once.`);
  });
  $('cap-clear').addEventListener('click', () => {
    change(session, 'DELETE', undefined, () => 'Your own cap is cleared: the default applies.');
  });
}

init().catch((e) => show($('page-error'), e instanceof ApiError ? e.describe() : e.message));
