// The call-back of a message in the process dialog: the Call button (a
// message in Processing with a phone number, a tenant with a telephony, a
// token that may process; whether the agent is idle the server decides, and
// its reason is shown), then the call's state as the telephony reports it,
// read from the message's history until a final one.
import {ApiError, getJson, postJson} from './api.js';
import {showError} from './dialogs.js';

const CALL_STATES = {
  call_requested: 'Call requested', call_ringing: 'Ringing', call_connected: 'Connected',
  call_failed: 'Call failed', call_no_answer: 'No answer',
};
const FINAL_CALL_STATES = ['call_connected', 'call_failed', 'call_no_answer'];

// The latest state the history holds of call `callId`.
function callState(history, callId) {
  for (let i = history.length - 1; i >= 0; --i) {
    const h = history[i];
    if (h.action.startsWith('call_') && h.detail.split(' ').includes(`call_id=${callId}`)) return h;
  }
  return null;
}

export class CallBack {
  // `describe(error)`: the text for a failure; `onConflict(id)`: a 409 came back.
  constructor(dialog, {describe, onConflict}) {
    this.dialog = dialog;
    this.panel = dialog.querySelector('#call-panel');
    this.button = dialog.querySelector('#call-button');
    this.status = dialog.querySelector('#call-state');
    this.error = dialog.querySelector('#process-error');
    this.describe = describe;
    this.onConflict = onConflict;
    this.timer = null;
    this.button.addEventListener('click', () => this.call());
    dialog.addEventListener('close', () => this.stop());
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  // `offered`: the token may process and the tenant has a telephony.
  // `idleNow()`, for an agent: resolves to {idle, reason}; the button stays
  // disabled, with the reason shown, while the agent is not idle.
  async show(m, offered, idleNow = null) {
    this.stop();
    this.panel.hidden = !(offered && m.status === 'processing' && m.contact_number_type === 'phone');
    this.setState('', '');
    this.button.disabled = !this.panel.hidden && idleNow !== null;
    if (this.panel.hidden || idleNow === null) return;
    try {
      const {idle, reason} = await idleNow();
      if (Number(this.dialog.dataset.id) !== m.id) return;
      this.button.disabled = !idle;
      if (!idle) this.setState(reason, 'not_idle');
    } catch {
      // Unknown: let the server decide when the button is pressed.
      this.button.disabled = false;
    }
  }

  setState(text, action) {
    this.status.textContent = text;
    this.status.dataset.state = action;
  }

  async call() {
    const id = Number(this.dialog.dataset.id);
    this.stop();
    this.button.disabled = true;
    showError(this.error, '');
    try {
      const r = await postJson(`/api/v1/messages/${id}/call`);
      this.setState(CALL_STATES.call_requested, 'call_requested');
      this.timer = setTimeout(() => this.follow(id, r.call_id), 300);
    } catch (e) {
      showError(this.error, this.describe(e));
      this.button.disabled = false;
      if (e instanceof ApiError && e.status === 409) this.onConflict(id);
    }
  }

  // Polls the message until the telephony reports a final state (or the
  // dialog moves on to another message or closes).
  async follow(id, callId) {
    this.timer = null;
    try {
      const m = await getJson(`/api/v1/messages/${id}`);
      const h = callState(m.history, callId);
      if (h) {
        const said = h.detail.split(' ').filter((w) => !w.startsWith('call_id=')).join(' ');
        const extra = said && h.action !== 'call_requested' ? ` (${said})` : '';
        this.setState(`${CALL_STATES[h.action] || h.action}${extra}`, h.action);
        if (FINAL_CALL_STATES.includes(h.action)) {
          this.button.disabled = false;
          return;
        }
      }
    } catch {
      // A failed poll is tried again.
    }
    if (!this.dialog.open || Number(this.dialog.dataset.id) !== id) return;
    this.timer = setTimeout(() => this.follow(id, callId), 1000);
  }
}
