// OUs added, moved and removed from the configuration page: a dialog with the
// id and parent of one [[tenants.ous]] table, sent to POST /api/v1/ous or
// PUT /api/v1/ous/{id}, and a confirmation before DELETE. The caps stay on the
// page (their own forms) and are sent back as they are, so that moving an OU
// changes only its place. routerd checks the change with the configuration
// file's rules (a parent of the tenant, no cycle; only an empty OU is
// removed) and stores it before it answers; its reason is shown as it gives it.
import {ApiError, keptCaps, request} from './api.js';
import {confirmDialog, openDialog, showError} from './dialogs.js';
import {el} from './format.js';

const $ = (id) => document.getElementById(id);

function describe(e) {
  return e instanceof ApiError ? e.describe() : `Cannot reach routerd: ${e.message}`;
}

// `ou` and every OU under it: none of them can be its parent.
function subtree(ous, id) {
  const out = new Set([id]);
  for (let grew = true; grew;) {
    grew = false;
    for (const o of ous) {
      if (out.has(o.parent) && !out.has(o.id)) {
        out.add(o.id);
        grew = true;
      }
    }
  }
  return out;
}

function bodyOf(ou) {
  const body = keptCaps(ou);
  const parent = $('ou-parent').value;
  if (parent) body.parent = parent;
  return body;
}

// Opens the dialog for a new OU (ou undefined) or to move one. `config` is
// GET /api/v1/config's answer; `done(message)` reloads the page.
export function editOu(config, ou, done) {
  const dialog = $('ou-dialog');
  $('ou-dialog-title').textContent = ou ? `Change OU ${ou.id}` : 'Add an OU';
  const id = $('ou-id');
  id.value = ou ? ou.id : '';
  id.readOnly = Boolean(ou);
  const excluded = ou ? subtree(config.ous, ou.id) : new Set();
  $('ou-parent').replaceChildren(el('option', {value: '', text: '(top level)'}),
    ...config.ous.filter((o) => !excluded.has(o.id)).map((o) => el('option', {value: o.id, text: o.id})));
  $('ou-parent').value = ou ? ou.parent : '';
  showError($('ou-error'), '');
  $('ou-form').onsubmit = async (event) => {
    event.preventDefault();
    const name = ou ? ou.id : id.value.trim();
    if (!name) {
      showError($('ou-error'), 'Enter the OU ID.');
      id.focus();
      return;
    }
    try {
      if (ou) {
        await request(`/api/v1/ous/${encodeURIComponent(ou.id)}`, {method: 'PUT', body: bodyOf(ou)});
      } else {
        await request('/api/v1/ous', {method: 'POST', body: {id: name, ...bodyOf(undefined)}});
      }
    } catch (e) {
      showError($('ou-error'), describe(e));
      return;
    }
    dialog.close('saved');
    await done(ou ? `OU ${name} changed.` : `OU ${name} added.`);
  };
  openDialog(dialog, {focus: ou ? $('ou-parent') : id});
}

// Asks, then removes the OU; `fail(text)` shows a refusal (an OU with
// employees or OUs in it).
export async function removeOu(ou, done, fail) {
  $('remove-title').textContent = 'Remove the OU?';
  $('remove-subject').textContent = `OU ${ou.id} will be removed. Only an OU without employees or OUs under it can be.`;
  if (!(await confirmDialog($('remove-dialog')))) return;
  try {
    await request(`/api/v1/ous/${encodeURIComponent(ou.id)}`, {method: 'DELETE'});
  } catch (e) {
    fail(describe(e));
    return;
  }
  await done(`OU ${ou.id} removed.`);
}
