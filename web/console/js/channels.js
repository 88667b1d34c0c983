// Channels added, replaced and removed from the configuration page: a dialog
// with the keys of one [[tenants.channels]] table, sent to POST
// /api/v1/channels or PUT /api/v1/channels/{id}, and a confirmation before
// DELETE. A channel's secrets are never shown: its kind's keys (secrets as
// values or as *_env / *_file references) are typed in, one "key = value" per
// line, every time the channel is saved. routerd builds the channel's adapter
// from them by the configuration file's rules and stores the change before it
// answers; its reason is shown as it gives it.
import {ApiError, request} from './api.js';
import {confirmDialog, openDialog, showError} from './dialogs.js';
import {parseSkills, skillsText} from './employees.js';
import {el} from './format.js';

const $ = (id) => document.getElementById(id);

function describe(e) {
  return e instanceof ApiError ? e.describe() : `Cannot reach routerd: ${e.message}`;
}

// "secret_env = WEB_SECRET" lines -> {"secret_env":"WEB_SECRET"}: whole
// numbers and true/false as such, the rest as text; null with the line that
// is not "key = value".
export function parseKeys(text) {
  const keys = {};
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const line of lines) {
    const m = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (!m) return {error: `Adapter keys: "${line}" is not key = value.`};
    const raw = m[2].replace(/^"(.*)"$/, '$1');
    keys[m[1]] = /^-?\d+$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  return {keys};
}

function bodyOf() {
  const body = {kind: $('channel-kind').value.trim(), skill_queue: $('channel-queue').value};
  const priority = $('channel-priority').value.trim();
  if (priority) {
    if (!/^\d$/.test(priority)) return {error: 'Priority: 0 to 9, or empty for the queue’s.', field: $('channel-priority')};
    body.priority = Number(priority);
  }
  const skills = parseSkills($('channel-skills').value);
  if (skills === null) return {error: 'Required skills: each skill with its level, as fr 2, en 3.', field: $('channel-skills')};
  if (Object.keys(skills).length) body.required_skills = skills;
  const {keys, error} = parseKeys($('channel-keys').value);
  if (error) return {error, field: $('channel-keys')};
  return {body: {...keys, ...body}};
}

// Opens the dialog for a new channel (channel undefined) or to replace one.
// `config` is GET /api/v1/config's answer; `done(message)` reloads the page.
export function editChannel(config, channel, done) {
  const dialog = $('channel-dialog');
  $('channel-dialog-title').textContent = channel ? `Change channel ${channel.id}` : 'Add a channel';
  const id = $('channel-id');
  id.value = channel ? channel.id : '';
  id.readOnly = Boolean(channel);
  $('channel-kind').value = channel ? channel.kind : 'web';
  $('channel-kind').readOnly = Boolean(channel);
  $('channel-queue').replaceChildren(...config.skill_queues.filter((q) => q.media === 'multimedia')
    .map((q) => el('option', {value: q.id, text: q.id})));
  $('channel-queue').value = channel ? channel.skill_queue : (config.skill_queues.find((q) => q.media === 'multimedia')?.id ?? '');
  $('channel-priority').value = channel && channel.priority !== null ? String(channel.priority) : '';
  $('channel-skills').value = channel ? skillsText(channel.required_skills) : '';
  $('channel-keys').value = '';
  showError($('channel-error'), '');
  $('channel-form').onsubmit = async (event) => {
    event.preventDefault();
    const name = channel ? channel.id : id.value.trim();
    if (!name) {
      showError($('channel-error'), 'Enter the channel ID.');
      id.focus();
      return;
    }
    const {body, error, field} = bodyOf();
    if (error) {
      showError($('channel-error'), error);
      field.focus();
      return;
    }
    try {
      if (channel) {
        await request(`/api/v1/channels/${encodeURIComponent(channel.id)}`, {method: 'PUT', body});
      } else {
        await request('/api/v1/channels', {method: 'POST', body: {id: name, ...body}});
      }
    } catch (e) {
      showError($('channel-error'), describe(e));
      return;
    }
    dialog.close('saved');
    await done(channel ? `Channel ${name} changed.` : `Channel ${name} added.`);
  };
  openDialog(dialog, {focus: channel ? $('channel-queue') : id});
}

// Asks, then removes the channel; `fail(text)` shows a refusal.
export async function removeChannel(channel, done, fail) {
  $('remove-title').textContent = 'Remove the channel?';
  $('remove-subject').textContent = `Channel ${channel.id} will be removed: its webhook answers 404 from then on. ` +
    'Sessions it brought end as usual.';
  if (!(await confirmDialog($('remove-dialog')))) return;
  try {
    await request(`/api/v1/channels/${encodeURIComponent(channel.id)}`, {method: 'DELETE'});
  } catch (e) {
    fail(describe(e));
    return;
  }
  await done(`Channel ${channel.id} removed.`);
}
