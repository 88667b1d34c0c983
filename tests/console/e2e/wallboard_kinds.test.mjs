// The wallboard of a tenant in per-channel-kind access, in Chromium against
// the real daemon: each agent's load shows per channel kind, against that
// kind's cap and where the cap comes from; the agent API says the same.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {Daemon, PHONE, TOKENS, launchBrowser, openPage, screenshot, signIn} from './harness.mjs';

let daemon, browser;

before(async () => {
  daemon = await Daemon.start({perChannelKind: true});
  browser = await launchBrowser();
});

after(async () => {
  const stopped = await daemon?.stop();
  await browser?.close();
  assert.deepEqual(stopped, {code: 0, signal: null});
});

const agentRow = (page, id) => page.locator(`#agents-body tr[data-agent="${id}"]`);

test('each channel kind shows its own load and cap', async () => {
  const page = await openPage(browser);
  await signIn(page, daemon, TOKENS.admin, 'wallboard');
  await page.waitForURL('**/console/wallboard');
  await page.getByRole('status').filter({hasText: 'Live'}).waitFor();
  const ana = agentRow(page, '10001');
  assert.equal(await ana.locator('[data-kind="web"] [data-stat="load"]').textContent(), 'web 0 / 1');
  assert.equal(await ana.locator('td[data-label="Cap from"]').textContent(), 'web: OU support');

  for (const state of ['signed_in', 'ready']) {
    const r = await daemon.api('PUT', '/api/v1/agents/10001/state', {token: TOKENS.agent10001, json: {state}});
    assert.equal(r.status, 200, r.text);
  }
  await daemon.webEvent('acme-web', 'message', 'v-1', 'Gus', 'hello');
  await daemon.webEvent('acme-web', 'message', 'v-2', 'Ida', 'hello too');
  // Web is full at 1: the second customer waits although the unified cap (2) has room.
  await ana.locator('[data-stat="load"]').filter({hasText: 'web 1 / 1'}).waitFor();
  assert.equal(await ana.locator('[data-stat="load"]').getAttribute('class'), 'mono full');
  await page.locator('.queue[data-queue="general"] [data-stat="waiting"]').filter({hasText: /^1$/}).waitFor();

  const r = await daemon.api('GET', '/api/v1/agents/10001/state', {token: TOKENS.admin});
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.channel_kinds,
                   [{kind: 'web', in_use: 1, effective_cap: 1, cap_origin: 'ou', cap_origin_ou: 'support'}]);
  await screenshot(page, 'wallboard-per-channel-kind');
  await page.setViewportSize(PHONE);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
