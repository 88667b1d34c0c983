// Calling a leave message's contact back from the console, in Chromium
// against the real daemon and a local telephony (a node HTTP server here) that
// checks routerd's signature and reports the call's states, signed, to
// routerd's callback route: the Call button of a message in Processing, the
// states as they come, the refusal when the agent is not idle (by the server,
// and the button disabled with the reason), and no button for a visitor who
// left no phone.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import {after, before, test} from 'node:test';

import {DIALER_SECRET, Daemon, TOKENS, launchBrowser, openPage, screenshot, signIn, takeExpectedError} from './harness.mjs';

const PHONE_NUMBER = '+34600111222';

const sign = (timestamp, body) =>
  'sha256=' + crypto.createHmac('sha256', DIALER_SECRET).update(`${timestamp}.${body}`).digest('hex');

// The telephony: takes routerd's call requests, then reports "ringing" at
// once and each later state when the test releases it.
class Telephony {
  constructor() {
    this.requests = [];
    this.pending = [];
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const timestamp = req.headers['x-routerd-timestamp'];
        const valid = req.headers['x-routerd-signature'] === sign(timestamp, body);
        this.requests.push({path: req.url, body: JSON.parse(body), valid});
        res.writeHead(valid ? 202 : 401, {'Content-Type': 'application/json'});
        res.end(valid ? '{"status":"requested"}' : '{"error":"bad signature"}');
        if (valid) this.report(JSON.parse(body), 'ringing', 'dialing');
      });
    });
  }

  async listen() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${this.server.address().port}/originate`;
  }

  async report(call, state, detail) {
    const body = JSON.stringify({call_id: call.call_id, message_id: call.message_id, state, detail});
    const timestamp = String(Math.floor(Date.now() / 1000));
    const r = await fetch(`${this.daemon.base}/callbacks/dialer/acme`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-Routerd-Timestamp': timestamp,
                'X-Routerd-Signature': sign(timestamp, body)},
      body,
    });
    this.answers = [...(this.answers || []), r.status];
  }

  close() {
    return new Promise((resolve) => this.server.close(resolve));
  }
}

let daemon, browser, telephony, withPhone, withoutPhone;

async function leaveMessage(visitor, phone) {
  await daemon.webEvent('acme-web', 'leave_message', visitor, 'Caller', 'please call me back', phone);
  const [m] = await daemon.waitForMessages(`?contact_number=${encodeURIComponent(phone || visitor)}`,
                                           (list) => list.length === 1);
  const allocated = await daemon.api('POST', `/api/v1/messages/${m.id}/allocate`, {json: {employee_id: '10001'}});
  assert.equal(allocated.status, 200, allocated.text);
  return m;
}

before(async () => {
  telephony = new Telephony();
  const url = await telephony.listen();
  daemon = await Daemon.start({dialerUrl: url});
  telephony.daemon = daemon;
  browser = await launchBrowser();
  withPhone = await leaveMessage('v-call-1', PHONE_NUMBER);
  withoutPhone = await leaveMessage('v-call-2', undefined);
  assert.equal(withPhone.contact_number_type, 'phone');
  assert.equal(withoutPhone.contact_number_type, 'visitor_id');
  const signedIn = await daemon.api('PUT', '/api/v1/agents/10001/state',
                                    {token: TOKENS.agent10001, json: {state: 'signed_in'}});
  assert.equal(signedIn.status, 200, signedIn.text);
});

after(async () => {
  await browser?.close();
  const stopped = await daemon?.stop();
  await telephony?.close();
  assert.deepEqual(stopped, {code: 0, signal: null});
});

async function agentPage() {
  const page = await openPage(browser);
  await signIn(page, daemon, TOKENS.agent10001);
  await page.waitForURL('**/console/messages');
  await page.locator('#messages-body tr').first().waitFor();
  return page;
}

const rowOf = (page, id) => page.locator(`#messages-body tr[data-id="${id}"]`);

test('an idle agent calls the contact back and follows the call', async () => {
  const page = await agentPage();
  await rowOf(page, withPhone.id).getByRole('button', {name: /^Process/}).click();
  const dialog = page.getByRole('dialog', {name: 'Process'});
  await dialog.waitFor();
  const call = dialog.getByRole('button', {name: 'Call'});
  await dialog.locator('#call-button:not([disabled])').waitFor();
  const status = dialog.getByRole('status');

  await call.click();
  // The telephony got a signed request naming the agent, its account and the number.
  await status.filter({hasText: 'Ringing'}).waitFor();
  assert.equal(telephony.requests.length, 1);
  const [asked] = telephony.requests;
  assert.equal(asked.valid, true);
  assert.equal(asked.path, '/originate');
  assert.equal(asked.body.employee_id, '10001');
  assert.equal(asked.body.business_account, '10001');
  assert.equal(asked.body.contact_number, PHONE_NUMBER);
  assert.equal(asked.body.message_id, withPhone.id);
  assert.equal(await call.isDisabled(), true, 'one call at a time until it ends');
  await screenshot(page, 'call-ringing');

  await telephony.report(asked.body, 'connected', 'agent leg up');
  await status.filter({hasText: 'Connected'}).waitFor();
  assert.equal(await status.textContent(), 'Connected (agent leg up)');
  assert.equal(await call.isDisabled(), false);
  await screenshot(page, 'call-connected');
  assert.deepEqual(telephony.answers, [200, 200]);

  // The history keeps every state.
  const message = await daemon.api('GET', `/api/v1/messages/${withPhone.id}`);
  assert.deepEqual(message.json.history.map((h) => h.action).slice(-3),
                   ['call_requested', 'call_ringing', 'call_connected']);
  await dialog.getByRole('button', {name: 'Close'}).click();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a call is refused with the reason when the agent is not idle', async () => {
  const page = await agentPage();
  await rowOf(page, withPhone.id).getByRole('button', {name: /^Submit/}).click();
  const dialog = page.getByRole('dialog', {name: 'Process'});
  const call = dialog.getByRole('button', {name: 'Call'});
  await dialog.locator('#call-button:not([disabled])').waitFor();
  // The agent signs out (elsewhere) while the dialog is open: the server refuses.
  const out = await daemon.api('PUT', '/api/v1/agents/10001/state',
                               {token: TOKENS.agent10001, json: {state: 'signed_out'}});
  assert.equal(out.status, 200, out.text);
  await call.click();
  const alert = dialog.getByRole('alert');
  await alert.filter({hasText: 'Conflict'}).waitFor();
  assert.equal(await alert.textContent(), 'Conflict: agent 10001 is not idle: it is signed out (sign in first)');
  await screenshot(page, 'call-refused-not-idle');
  assert.equal(telephony.requests.length, 1, 'nothing asked of the telephony');
  takeExpectedError(page, /status of 409/);
  await dialog.getByRole('button', {name: 'Close'}).click();

  // Opened again, the button is disabled and says why.
  await rowOf(page, withPhone.id).getByRole('button', {name: /^Submit/}).click();
  await dialog.getByRole('status').filter({hasText: 'not idle'}).waitFor();
  assert.equal(await dialog.getByRole('status').textContent(),
               'agent 10001 is not idle: it is signed out (sign in first)');
  assert.equal(await call.isDisabled(), true);
  await screenshot(page, 'call-disabled-not-idle');
  assert.deepEqual(page.errors, []);
  await page.context().close();
  const back = await daemon.api('PUT', '/api/v1/agents/10001/state',
                                {token: TOKENS.agent10001, json: {state: 'signed_in'}});
  assert.equal(back.status, 200, back.text);
});

test('no Call button for a visitor who left no phone', async () => {
  const page = await agentPage();
  await rowOf(page, withoutPhone.id).getByRole('button', {name: /^Process/}).click();
  const dialog = page.getByRole('dialog', {name: 'Process'});
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('button', {name: 'Call'}).count(), 0);
  assert.match(await dialog.locator('#process-details').textContent(), /visitor id, no phone/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
