// Personal settings in Chromium against the real daemon: an agent sees its
// effective cap and where it comes from, sets its own within the tenant's
// range (an out-of-range value is refused with the server's reason), clears
// it, and keeps it across a reload of the page; an administrator is told the
// page is for agents. Desktop and phone layouts.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {Daemon, PHONE, TOKENS, launchBrowser, openPage, screenshot, signIn, takeExpectedError} from './harness.mjs';

let daemon, browser;
before(async () => {
  daemon = await Daemon.start();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  const stopped = await daemon?.stop();
  assert.deepEqual(stopped, {code: 0, signal: null});
});

test('an agent sets and clears its own cap within the tenant range', async () => {
  const page = await openPage(browser);
  await signIn(page, daemon, TOKENS.agent10001);
  await page.waitForURL('**/console/messages');
  await page.getByRole('link', {name: 'Personal settings'}).click();
  await page.waitForURL('**/console/settings');
  const value = page.locator('#cap-value');
  const origin = page.locator('#cap-origin');
  await page.getByText('organization unit support').waitFor();
  assert.equal(await value.textContent(), '2');
  assert.equal(await page.locator('#cap-help').textContent(),
               'From 1 to 8. “Use the default” lets your organization unit or tenant decide.');
  await screenshot(page, 'settings-desktop');

  const input = page.getByLabel('Your own cap');
  await input.fill('5');
  await input.press('Enter');  // the keyboard submits the form
  await page.getByRole('status').filter({hasText: 'Saved: you take up to 5 sessions at once.'}).waitFor();
  assert.equal(await value.textContent(), '5');
  assert.equal(await origin.textContent(), 'your own setting');

  await input.fill('9');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('alert').filter({hasText: 'Invalid request: max_concurrent_sessions = 9 is outside the range'})
      .waitFor();
  takeExpectedError(page, /status of 400/);
  assert.equal(await value.textContent(), '5', 'a refused value changes nothing');

  await page.reload();  // stored, not just shown
  await page.getByText('your own setting').waitFor();
  assert.equal(await input.inputValue(), '5');

  await page.getByRole('button', {name: 'Use the default'}).click();
  await page.getByRole('status').filter({hasText: 'Your own cap is cleared'}).waitFor();
  assert.equal(await value.textContent(), '2');
  assert.equal(await origin.textContent(), 'your organization unit support');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the page fits a phone, and an administrator is told it is for agents', async () => {
  const phone = await openPage(browser, PHONE);
  await signIn(phone, daemon, TOKENS.agent10002);
  await phone.waitForURL('**/console/messages');
  await phone.waitForLoadState('networkidle');  // the messages page's own query first
  await phone.goto(`${daemon.base}/console/settings`);
  await phone.getByText('an administrator’s setting for you').waitFor();  // 10002 has its own cap in the file
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'no horizontal scrolling on a phone');
  await screenshot(phone, 'settings-phone');
  assert.deepEqual(phone.errors, []);
  await phone.context().close();

  const admin = await openPage(browser);
  await signIn(admin, daemon, TOKENS.admin);
  await admin.waitForURL('**/console/messages');
  await admin.waitForLoadState('networkidle');
  assert.equal(await admin.getByRole('link', {name: 'Personal settings'}).isVisible(), false);
  await admin.goto(`${daemon.base}/console/settings`);
  await admin.getByRole('status').filter({hasText: 'Personal settings belong to agents'}).waitFor();
  assert.equal(await admin.locator('#cap-section').isVisible(), false);
  assert.deepEqual(admin.errors, []);
  await admin.context().close();
});
