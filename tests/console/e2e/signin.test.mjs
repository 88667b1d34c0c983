// Sign-in with a tenant token: refused tokens say why; the token lives in
// sessionStorage only (not localStorage, not a cookie, not another tab);
// sign-out forgets it.
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

test('the root redirects to the sign-in page, which refuses a bad token', async () => {
  const page = await openPage(browser);
  await page.goto(`${daemon.base}/`);
  assert.equal(new URL(page.url()).pathname, '/console/');
  await assert.doesNotReject(page.getByRole('heading', {name: 'routerd console'}).waitFor());
  await screenshot(page, 'signin-desktop');

  await page.getByRole('button', {name: 'Sign in'}).click();
  assert.equal(await page.getByRole('alert').textContent(), 'Enter a token.');

  await page.getByLabel('Tenant token').fill('not-a-token');
  await page.getByRole('button', {name: 'Sign in'}).click();
  await page.getByRole('alert').filter({hasText: 'This token is not valid.'}).waitFor();
  assert.equal(new URL(page.url()).pathname, '/console/');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await screenshot(page, 'signin-refused');
  takeExpectedError(page, /status of 401/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a valid token is kept for this tab only and sign-out forgets it', async () => {
  const page = await openPage(browser);
  await signIn(page, daemon, TOKENS.admin);
  await page.waitForURL('**/console/messages');
  await page.getByText('e2e-admin · acme').waitFor();
  const stored = await page.evaluate(() => ({
    session: Object.entries(sessionStorage), local: localStorage.length, cookie: document.cookie,
  }));
  assert.deepEqual(stored, {session: [['routerd.console.token', TOKENS.admin]], local: 0, cookie: ''});
  // The admin sees the wallboard link.
  assert.equal(await page.getByRole('link', {name: 'Wallboard'}).isVisible(), true);

  // A reload keeps the tab signed in; another tab (a new context) is not.
  await page.reload();
  await page.getByText('e2e-admin · acme').waitFor();
  const other = await openPage(browser);
  await other.goto(`${daemon.base}/console/messages`);
  await other.waitForURL(`${daemon.base}/console/`);
  assert.deepEqual(other.errors, []);
  await other.context().close();

  await page.getByRole('button', {name: 'Sign out'}).click();
  await page.waitForURL(`${daemon.base}/console/`);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an agent signs in to the leave messages without the wallboard link, on a phone too', async () => {
  const page = await openPage(browser, PHONE);
  await page.goto(`${daemon.base}/console/`);
  await screenshot(page, 'signin-phone');
  await signIn(page, daemon, TOKENS.agent10001);
  await page.waitForURL('**/console/messages');
  await page.getByText('agent:10001 · acme').waitFor();
  assert.equal(await page.getByRole('link', {name: 'Wallboard'}).isVisible(), false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
