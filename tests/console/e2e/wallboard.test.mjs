// The live wallboard in Chromium against the real daemon: a webhook makes a
// session wait and the wallboard shows it without the page asking (pushed
// over the WebSocket, no polling); an agent taking it shows too; agents are
// refused; the daemon drains and exits while a wallboard is open.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {Daemon, PHONE, TOKENS, launchBrowser, openPage, screenshot, signIn} from './harness.mjs';

let daemon, browser, openWallboard;

before(async () => {
  daemon = await Daemon.start();
  browser = await launchBrowser();
});

after(async () => {
  // Stopped with a wallboard still open: the daemon must close it and exit 0.
  const stopped = await daemon?.stop();
  await browser?.close();
  assert.deepEqual(stopped, {code: 0, signal: null});
  assert.ok(openWallboard, 'a wallboard was open when the daemon stopped');
});

const stat = (page, queue, name) =>
  page.locator(`.queue[data-queue="${queue}"] [data-stat="${name}"]`);
const agentRow = (page, id) => page.locator(`#agents-body tr[data-agent="${id}"]`);

test('a webhook and an agent update the wallboard live, pushed without polling', async () => {
  const page = await openPage(browser);
  const snapshots = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => {
      const frame = JSON.parse(f.payload);
      if (frame.type === 'snapshot') snapshots.push(frame);
    });
  });
  await signIn(page, daemon, TOKENS.admin, 'wallboard');
  await page.waitForURL('**/console/wallboard');
  await page.getByRole('status').filter({hasText: 'Live'}).waitFor();
  assert.deepEqual(await page.locator('.queue h3').allTextContents(), ['general', 'orphans', 'hotline']);
  assert.equal(await stat(page, 'general', 'waiting').textContent(), '0');
  assert.equal(await agentRow(page, '10001').locator('td[data-label="State"]').textContent(), 'Signed out');
  assert.equal(await agentRow(page, '10001').locator('td[data-label="Cap from"]').textContent(), 'OU support');
  assert.equal(await agentRow(page, '10002').locator('td[data-label="Cap from"]').textContent(), 'Agent');
  assert.equal(await agentRow(page, '20001').locator('td[data-label="Cap from"]').textContent(), 'Tenant');

  // From here on the page may not ask the server for anything.
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const pushedBefore = snapshots.length;

  await daemon.webEvent('acme-web', 'message', 'v-42', 'Gus', 'is anyone there?');
  await stat(page, 'general', 'waiting').filter({hasText: /^1$/}).waitFor();
  assert.equal(await page.locator('.queue[data-queue="general"] .sparkline').getAttribute('data-now'), '1');
  assert.match(await stat(page, 'general', 'oldest').textContent(), /^\d+:\d\d$/);
  await screenshot(page, 'wallboard-waiting');

  // Agent 10001 signs in and goes ready (as its softphone would): it gets
  // the session.
  for (const state of ['signed_in', 'ready']) {
    const r = await daemon.api('PUT', '/api/v1/agents/10001/state', {token: TOKENS.agent10001, json: {state}});
    assert.equal(r.status, 200, r.text);
  }
  await stat(page, 'general', 'waiting').filter({hasText: /^0$/}).waitFor();
  const ana = agentRow(page, '10001');
  await ana.locator('td[data-label="State"]').filter({hasText: 'Ready'}).waitFor();
  assert.equal(await ana.locator('[data-stat="load"]').textContent(), '1 / 2');
  assert.equal(await stat(page, 'general', 'signed_in').textContent(), '1');
  assert.equal(await stat(page, 'general', 'ready').textContent(), '1');
  assert.equal(await stat(page, 'general', 'at_cap').textContent(), '0');
  assert.equal(await stat(page, 'general', 'free_capacity').textContent(), '1');
  // Answered well within 20 s of arriving: a service level of 100 %.
  assert.equal(await stat(page, 'general', 'service_level').textContent(), '100 %');
  assert.equal(await stat(page, 'general', 'abandoned').textContent(), '0');
  assert.equal(await stat(page, 'orphans', 'service_level').textContent(), '—');
  // The sparkline keeps the peak of its bucket.
  assert.equal(await page.locator('.queue[data-queue="general"] .sparkline').getAttribute('data-max'), '1');
  await screenshot(page, 'wallboard-desktop');

  assert.deepEqual(requests, []);
  assert.ok(snapshots.length > pushedBefore);
  // Coalesced: a handful of pushes for these changes, not one per event.
  assert.ok(snapshots.length - pushedBefore <= 8, `${snapshots.length - pushedBefore} snapshots`);

  await page.setViewportSize(PHONE);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
  await screenshot(page, 'wallboard-phone');
  assert.deepEqual(page.errors, []);
  openWallboard = page;  // left open for the shutdown in after()
});

test('a not-ready reason and after-contact work show on the wallboard', async () => {
  // 10001 holds the session the first test gave it.
  const page = await openPage(browser);
  await signIn(page, daemon, TOKENS.admin, 'wallboard');
  await page.waitForURL('**/console/wallboard');
  const ana = agentRow(page, '10001');
  await ana.locator('[data-stat="load"]').filter({hasText: '1 / 2'}).waitFor();

  let r = await daemon.api('GET', '/api/v1/agents/10001/sessions', {token: TOKENS.agent10001});
  assert.equal(r.status, 200, r.text);
  const id = r.json.sessions[0].session_id;
  r = await daemon.api('POST', `/api/v1/sessions/${id}/close`, {token: TOKENS.agent10001});
  assert.equal(r.status, 200, r.text);
  // Closed, but its unit is still taken by the write-up.
  await ana.locator('[data-stat="state"]').filter({hasText: 'Ready · 1 after-contact'}).waitFor();
  assert.equal(await ana.locator('[data-stat="load"]').textContent(), '1 / 2');
  await stat(page, 'general', 'in_wrap_up').filter({hasText: /^1$/}).waitFor();

  r = await daemon.api('PUT', '/api/v1/agents/10001/state',
                       {token: TOKENS.agent10001, json: {state: 'not_ready', reason: 'lunch'}});
  assert.equal(r.status, 200, r.text);
  await ana.locator('[data-stat="state"]').filter({hasText: 'Not ready: lunch · 1 after-contact'}).waitFor();

  r = await daemon.api('DELETE', '/api/v1/agents/10001/wrap-ups', {token: TOKENS.agent10001});
  assert.equal(r.status, 200, r.text);
  await ana.locator('[data-stat="state"]').filter({hasText: /^Not ready: lunch$/}).waitFor();
  assert.equal(await ana.locator('[data-stat="load"]').textContent(), '0 / 2');
  await stat(page, 'general', 'in_wrap_up').filter({hasText: /^0$/}).waitFor();
  await screenshot(page, 'wallboard-agent-states');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an agent token gets no wallboard', async () => {
  const page = await openPage(browser);
  await signIn(page, daemon, TOKENS.agent10002);
  await page.waitForURL('**/console/messages');
  // Let the messages page finish its own requests: leaving mid-request
  // aborts them (net::ERR_ABORTED), which is not an error of the page.
  await page.waitForLoadState('networkidle');
  await page.goto(`${daemon.base}/console/wallboard`);
  await page.getByRole('alert').filter({hasText: 'The wallboard needs a tenant administrator token.'}).waitFor();
  assert.equal(await page.locator('.queue').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
