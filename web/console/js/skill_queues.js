// Skill queues added, changed and removed from the configuration page: a
// dialog with the keys of one [[tenants.skill_queues]] table, sent to POST
// /api/v1/skill_queues or PUT /api/v1/skill_queues/{id}, and a confirmation
// before DELETE. The keys the dialog does not show (aging, service level,
// sticky routing) are sent back as they are, so that an edit changes only
// what was edited. routerd checks the change with the configuration file's
// rules (a known strategy, an overflow target of the same media, required
// skills some employee has; a queue is removed only when nothing routes into
// it) and stores it before it answers; its reason is shown as it gives it.
import {ApiError, request} from './api.js';
import {confirmDialog, openDialog, showError} from './dialogs.js';
import {parseSkills, skillsText} from './employees.js';
import {el} from './format.js';

const $ = (id) => document.getElementById(id);

// The keys the dialog leaves as they are.
const KEPT = ['priority_aging_seconds', 'service_level_seconds', 'sticky_seconds', 'sticky_wait_seconds'];

function describe(e) {
  return e instanceof ApiError ? e.describe() : `Cannot reach routerd: ${e.message}`;
}

// A whole number from field `id` within [min, max], else null.
function wholeNumber(id, min, max) {
  const text = $(id).value.trim();
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

// The queue's table as the form says, or {error, field} for the first field
// the form can tell is wrong (routerd checks the rest).
function bodyOf(queue) {
  const body = {media: $('queue-media').value, strategy: $('queue-strategy').value.trim() || 'least_busy'};
  const numbers = [['queue-max-wait', 'max_wait_seconds', 1, 86400, 'Max wait: 1 to 86400 seconds.'],
                   ['queue-max-waiting', 'max_waiting', 1, 1000000, 'Max waiting: 1 to 1000000 sessions.'],
                   ['queue-priority', 'priority', 0, 9, 'Priority: 0 to 9.'],
                   ['queue-wrap-up', 'wrap_up_seconds', 0, 3600, 'After-contact work: 0 to 3600 seconds.']];
  for (const [id, key, min, max, says] of numbers) {
    const n = wholeNumber(id, min, max);
    if (n === null) return {error: says, field: $(id)};
    body[key] = n;
  }
  body.on_overflow = $('queue-overflow').value;
  body.auto_allocate = $('queue-auto-allocate').checked;
  const skills = parseSkills($('queue-skills').value);
  if (skills === null) return {error: 'Required skills: each skill with its level, as fr 2, en 3.', field: $('queue-skills')};
  if (Object.keys(skills).length) body.required_skills = skills;
  for (const key of KEPT) {
    if (queue && queue[key] !== undefined) body[key] = queue[key];
  }
  return {body};
}

// The overflow targets a queue of `media` may have: leave messages, or
// another queue of the same media.
function fillOverflow(config, queue, media) {
  const others = config.skill_queues.filter((q) => q.media === media && (!queue || q.id !== queue.id));
  $('queue-overflow').replaceChildren(el('option', {value: 'leave_message', text: 'Leave message'}),
    ...others.map((q) => el('option', {value: `queue:${q.id}`, text: `Queue ${q.id}`})));
  const wanted = queue ? queue.on_overflow : 'leave_message';
  $('queue-overflow').value = [...$('queue-overflow').options].some((o) => o.value === wanted) ? wanted : 'leave_message';
}

// Opens the dialog for a new queue (queue undefined) or to change one.
// `config` is GET /api/v1/config's answer; `done(message)` reloads the page.
export function editQueue(config, queue, done) {
  const dialog = $('queue-dialog');
  $('queue-dialog-title').textContent = queue ? `Change skill queue ${queue.id}` : 'Add a skill queue';
  const id = $('queue-id');
  id.value = queue ? queue.id : '';
  id.readOnly = Boolean(queue);
  // A queue's media does not change while routerd runs.
  $('queue-media').value = queue ? queue.media : 'multimedia';
  $('queue-media').disabled = Boolean(queue);
  $('queue-media').onchange = () => fillOverflow(config, queue, $('queue-media').value);
  $('queue-strategy').value = queue ? queue.strategy : 'least_busy';
  $('queue-max-wait').value = queue ? queue.max_wait_seconds : 60;
  $('queue-max-waiting').value = queue ? queue.max_waiting : 1000;
  $('queue-priority').value = queue ? queue.priority : 0;
  $('queue-wrap-up').value = queue ? queue.wrap_up_seconds : 0;
  $('queue-auto-allocate').checked = queue ? queue.auto_allocate : true;
  $('queue-skills').value = queue ? skillsText(queue.required_skills) : '';
  fillOverflow(config, queue, $('queue-media').value);
  showError($('queue-error'), '');
  $('queue-form').onsubmit = async (event) => {
    event.preventDefault();
    const name = queue ? queue.id : id.value.trim();
    if (!name) {
      showError($('queue-error'), 'Enter the skill queue ID.');
      id.focus();
      return;
    }
    const {body, error, field} = bodyOf(queue);
    if (error) {
      showError($('queue-error'), error);
      field.focus();
      return;
    }
    try {
      if (queue) {
        await request(`/api/v1/skill_queues/${encodeURIComponent(queue.id)}`, {method: 'PUT', body});
      } else {
        await request('/api/v1/skill_queues', {method: 'POST', body: {id: name, ...body}});
      }
    } catch (e) {
      showError($('queue-error'), describe(e));
      return;
    }
    dialog.close('saved');
    await done(queue ? `Skill queue ${name} changed.` : `Skill queue ${name} added.`);
  };
  openDialog(dialog, {focus: queue ? $('queue-strategy') : id});
}

// Asks, then removes the queue; `fail(text)` shows a refusal (channels,
// queues or employees still route into it, or sessions wait in it).
export async function removeQueue(queue, done, fail) {
  $('remove-title').textContent = 'Remove the skill queue?';
  $('remove-subject').textContent = `Skill queue ${queue.id} will be removed. Only a queue that no channel, queue ` +
    'or employee routes into and in which no session waits can be.';
  if (!(await confirmDialog($('remove-dialog')))) return;
  try {
    await request(`/api/v1/skill_queues/${encodeURIComponent(queue.id)}`, {method: 'DELETE'});
  } catch (e) {
    fail(describe(e));
    return;
  }
  await done(`Skill queue ${queue.id} removed.`);
}
