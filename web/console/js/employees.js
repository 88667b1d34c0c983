// Employees hired, changed and removed from the configuration page: a dialog
// with the fields of one [[tenants.agents]] table, sent to POST
// /api/v1/agents or PUT /api/v1/agents/{id}, and a confirmation before DELETE.
// routerd checks the fields with the configuration file's rules and stores
// the change before it answers; its reason is shown as it gives it.
import {ApiError, keptCaps, request} from './api.js';
import {confirmDialog, openDialog, showError} from './dialogs.js';
import {el} from './format.js';

const $ = (id) => document.getElementById(id);

function describe(e) {
  return e instanceof ApiError ? e.describe() : `Cannot reach routerd: ${e.message}`;
}

// "fr 2, en 3" <-> {"fr":2,"en":3}; null when a part is not "skill level".
export function parseSkills(text) {
  const skills = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\S+)\s+(\d+)$/.exec(part);
    if (!m) return null;
    skills[m[1]] = Number(m[2]);
  }
  return skills;
}
export const skillsText = (skills) => Object.entries(skills || {}).map(([k, v]) => `${k} ${v}`).join(', ');

// The agent's table as the form says; what the form does not show (its own
// caps) is sent as it is, so that an edit changes only what was edited.
function bodyOf(agent) {
  const body = {
    ou: $('agent-ou').value,
    type: $('agent-type').value,
    skill_queues: [...$('agent-queues').querySelectorAll('input:checked')].map((i) => i.value),
  };
  const name = $('agent-name').value.trim();
  if (name) body.name = name;
  const account = $('agent-account').value.trim();
  if (account) body.business_account = account;
  const skills = parseSkills($('agent-skills').value);
  if (skills && Object.keys(skills).length) body.skills = skills;
  return {...body, ...keptCaps(agent)};
}

// Opens the dialog for a new employee (agent undefined) or to change one.
// `config` is GET /api/v1/config's answer; `done(message)` reloads the page.
export function editEmployee(config, agent, done) {
  const dialog = $('agent-dialog');
  const form = $('agent-form');
  $('agent-dialog-title').textContent = agent ? `Change employee ${agent.employee_id}` : 'Add an employee';
  const id = $('agent-id');
  id.value = agent ? agent.employee_id : '';
  id.readOnly = Boolean(agent);
  $('agent-name').value = agent?.name ?? '';
  $('agent-type').value = agent?.agent_type ?? 'multimedia';
  $('agent-ou').replaceChildren(...config.ous.map((ou) => el('option', {value: ou.id, text: ou.id})));
  if (agent) $('agent-ou').value = agent.ou;
  $('agent-queues').replaceChildren(...config.skill_queues.map((q) => el('label', {class: 'check'},
    el('input', {type: 'checkbox', value: q.id, checked: agent?.skill_queues.includes(q.id)}),
    ` ${q.id} (${q.media})`)));
  $('agent-skills').value = skillsText(agent?.skills);
  $('agent-account').value = agent && agent.business_account !== agent.employee_id ? agent.business_account : '';
  showError($('agent-error'), '');
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!agent && !id.value.trim()) {
      showError($('agent-error'), 'Enter the employee ID.');
      id.focus();
      return;
    }
    if (parseSkills($('agent-skills').value) === null) {
      showError($('agent-error'), 'Skills: write each as a skill and a level, separated by commas: “fr 2, en 3”.');
      $('agent-skills').focus();
      return;
    }
    const body = bodyOf(agent);
    try {
      if (agent) {
        await request(`/api/v1/agents/${encodeURIComponent(agent.employee_id)}`, {method: 'PUT', body});
      } else {
        await request('/api/v1/agents', {method: 'POST', body: {employee_id: id.value.trim(), ...body}});
      }
    } catch (e) {
      showError($('agent-error'), describe(e));
      return;
    }
    dialog.close('saved');
    await done(agent ? `Employee ${agent.employee_id} changed.` : `Employee ${id.value.trim()} added.`);
  };
  openDialog(dialog, {focus: agent ? $('agent-name') : id});
}

// Asks, then removes the employee; `fail(text)` shows a refusal.
export async function removeEmployee(agent, done, fail) {
  $('remove-title').textContent = 'Remove the employee?';
  $('remove-subject').textContent =
    `Employee ${agent.employee_id}${agent.name ? ` (${agent.name})` : ''} will be signed out, and the sessions it ` +
    'holds go back to their queues in their original turn.';
  if (!(await confirmDialog($('remove-dialog')))) return;
  try {
    await request(`/api/v1/agents/${encodeURIComponent(agent.employee_id)}`, {method: 'DELETE'});
  } catch (e) {
    fail(describe(e));
    return;
  }
  await done(`Employee ${agent.employee_id} removed.`);
}
