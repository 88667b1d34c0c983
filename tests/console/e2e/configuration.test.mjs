// The configuration pages in Chromium against the real daemon: an
// administrator reads the tenant parameters, the OU tree, employees with their
// effective caps and where they come from, skill queues and channels (never a
// secret), sets and clears caps at each level with the keyboard, and adds,
// changes and removes an OU, an employee and a skill queue (a refusal shown
// with routerd's reason); an agent gets no configuration; the phone layout has no sideways scrolling.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {
  Daemon, PHONE, TOKENS, WEB_SECRET, launchBrowser, openPage, screenshot, signIn, takeExpectedError,
} from './harness.mjs';

let daemon, browser;

before(async () => {
  daemon = await Daemon.start();
  browser = await launchBrowser();
});

after(async () => {
  const stopped = await daemon?.stop();
  await browser?.close();
  assert.deepEqual(stopped, {code: 0, signal: null});
});

const row = (page, kind, id) => page.locator(`tr[data-${kind}="${id}"]`);
const text = async (locator) => (await locator.textContent()).trim();

async function openConfiguration(page) {
  await signIn(page, daemon, TOKENS.admin, 'configuration');
  await page.waitForURL('**/console/configuration');
  await page.locator('#agents-section').waitFor();
}

test('an administrator reads every part of the configuration', async () => {
  const page = await openPage(browser);
  await openConfiguration(page);
  const params = page.locator('#tenant-params');
  assert.match(await text(params), /Unified channel access/);
  assert.equal(await text(page.locator('[data-stat="tenant-cap"]')), '3');
  assert.match(await text(params), /Yes, from 1 to 8/);
  // The tree: each OU after its parent.
  assert.deepEqual(await page.locator('#ous-body .ou-name').allTextContents(), ['support', 'voice-desk']);
  const ouCap = row(page, 'ou', 'support').getByRole('spinbutton', {name: 'Cap of OU support', exact: true});
  assert.equal(await ouCap.inputValue(), '2');
  // Employees: effective cap and where it comes from.
  assert.equal(await text(row(page, 'agent', '10001').locator('td[data-label="Effective cap"]')), '2 (OU support)');
  assert.equal(await text(row(page, 'agent', '10002').locator('td[data-label="Effective cap"]')),
               '1 (employee setting)');
  assert.match(await text(row(page, 'agent', '20001').locator('td[data-label="Own cap"]')), /Voice only/);
  assert.equal(await text(row(page, 'queue', 'general').locator('td[data-label="After-contact work"]')), '10 min');
  assert.equal(await text(row(page, 'queue', 'hotline').locator('td[data-label="Media"]')), 'voice');
  assert.equal(await text(row(page, 'channel', 'acme-web').locator('td[data-label="Skill queue"]')), 'general');
  assert.equal((await page.content()).includes(WEB_SECRET), false);
  await screenshot(page, 'configuration-desktop');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('caps are set and cleared at each level from the keyboard', async () => {
  const page = await openPage(browser);
  await openConfiguration(page);
  const notice = page.getByRole('status').filter({hasText: ':'});
  const effective = () => text(row(page, 'agent', '10001').locator('td[data-label="Effective cap"]'));

  // OU: typed and saved with Enter.
  const ou = row(page, 'ou', 'support').getByRole('spinbutton', {name: 'Cap of OU support', exact: true});
  await ou.fill('4');
  await ou.press('Enter');
  await notice.filter({hasText: 'OU support: cap set to 4.'}).waitFor();
  assert.equal(await effective(), '4 (OU support)');

  // Employee: its own cap wins over the OU's.
  const own = row(page, 'agent', '10001').getByRole('spinbutton', {name: 'Cap of employee 10001', exact: true});
  await own.fill('6');
  await own.press('Enter');
  await notice.filter({hasText: 'employee 10001: cap set to 6.'}).waitFor();
  assert.equal(await effective(), '6 (employee setting)');
  await row(page, 'agent', '10001').getByRole('button', {name: 'Clear: the cap of employee 10001'}).click();
  await notice.filter({hasText: 'employee 10001: cap cleared.'}).waitFor();
  assert.equal(await effective(), '4 (OU support)');

  // Without the OU's cap the tenant's applies; the tenant's can go back to the file's.
  await row(page, 'ou', 'support').getByRole('button', {name: 'Clear: the cap of OU support'}).click();
  await notice.filter({hasText: 'OU support: cap cleared.'}).waitFor();
  assert.equal(await effective(), '3 (tenant)');
  const tenantCap = page.getByRole('spinbutton', {name: 'Cap of the tenant', exact: true});
  await tenantCap.fill('2');
  await tenantCap.press('Enter');
  await notice.filter({hasText: 'the tenant: cap set to 2.'}).waitFor();
  assert.equal(await text(page.locator('[data-stat="tenant-cap"]')), '2 (the file says 3)');
  assert.equal(await effective(), '2 (tenant)');
  await page.getByRole('button', {name: 'Use the file’s: the cap of the tenant'}).click();
  await notice.filter({hasText: 'the tenant: cap cleared.'}).waitFor();
  assert.equal(await text(page.locator('[data-stat="tenant-cap"]')), '3');

  // A value out of range is refused before any request is made.
  await ou.fill('0');
  await ou.press('Enter');
  await page.getByRole('alert').filter({hasText: 'OU support: enter a whole number of sessions from 1 to 60.'}).waitFor();

  // Restored for the next test.
  const r = await daemon.api('PUT', '/api/v1/ous/support/cap', {token: TOKENS.admin, json: {max_concurrent_sessions: 2}});
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the phone layout stacks every table without sideways scrolling', async () => {
  const page = await openPage(browser, PHONE);
  await openConfiguration(page);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
  await screenshot(page, 'configuration-phone');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an agent gets no configuration', async () => {
  const page = await openPage(browser);
  await signIn(page, daemon, TOKENS.agent10001);
  await page.waitForURL('**/console/messages');
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('#nav-configuration').isHidden(), true);
  await page.goto(`${daemon.base}/console/configuration`);
  await page.getByRole('alert').filter({hasText: 'The configuration needs a tenant administrator token.'}).waitFor();
  assert.equal(await page.locator('#agents-section').isHidden(), true);
  const r = await daemon.api('GET', '/api/v1/config', {token: TOKENS.agent10001});
  assert.equal(r.status, 403, r.text);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an employee is added, changed and removed, and a refusal says why', async () => {
  const page = await openPage(browser);
  await openConfiguration(page);
  const notice = page.getByRole('status').filter({hasText: 'Employee'});
  const hired = row(page, 'agent', '10009');

  await page.getByRole('button', {name: 'Add an employee'}).click();
  const add = page.getByRole('dialog', {name: 'Add an employee'});
  await add.getByLabel('Employee ID', {exact: true}).fill('10009');
  await add.getByLabel('Name', {exact: true}).fill('Nia Lee');
  await add.getByLabel('OU', {exact: true}).selectOption('support');
  await add.getByRole('checkbox', {name: /general/}).check();
  await add.getByLabel('Skills', {exact: true}).fill('fr 2');
  await add.getByLabel('Skills', {exact: true}).press('Enter');
  await notice.filter({hasText: 'Employee 10009 added.'}).waitFor();
  assert.equal(await text(hired.locator('td[data-label="Name"]')), 'Nia Lee');
  assert.equal(await text(hired.locator('td[data-label="Skill queues"]')), 'general');
  assert.equal(await text(hired.locator('td[data-label="Skills"]')), 'fr 2');
  assert.equal(await text(hired.locator('td[data-label="Effective cap"]')), '2 (OU support)');

  // The file's rules refuse a bad one: the dialog says why, nothing is added.
  await page.getByRole('button', {name: 'Add an employee'}).click();
  await add.getByLabel('Employee ID', {exact: true}).fill('no spaces');
  await add.getByLabel('Employee ID', {exact: true}).press('Enter');
  await add.getByRole('alert').filter({hasText: 'Invalid request: '}).filter({hasText: 'employee_id'}).waitFor();
  await page.keyboard.press('Escape');
  assert.equal(await row(page, 'agent', 'no spaces').count(), 0);
  takeExpectedError(page, /status of 400/);

  await hired.getByRole('button', {name: 'Change employee 10009'}).click();
  const change = page.getByRole('dialog', {name: 'Change employee 10009'});
  assert.equal(await change.getByLabel('Employee ID', {exact: true}).inputValue(), '10009');
  assert.equal(await change.getByLabel('Name', {exact: true}).inputValue(), 'Nia Lee');
  await change.getByRole('checkbox', {name: /orphans/}).check();
  await change.getByRole('button', {name: 'Save'}).click();
  await notice.filter({hasText: 'Employee 10009 changed.'}).waitFor();
  assert.equal(await text(hired.locator('td[data-label="Skill queues"]')), 'general, orphans');
  assert.equal(await text(hired.locator('td[data-label="Skills"]')), 'fr 2');

  await hired.getByRole('button', {name: 'Remove employee 10009'}).click();
  await page.getByRole('dialog', {name: 'Remove the employee?'}).getByRole('button', {name: 'Remove', exact: true})
      .click();
  await notice.filter({hasText: 'Employee 10009 removed.'}).waitFor();
  assert.equal(await hired.count(), 0);
  const gone = await daemon.api('GET', '/api/v1/agents/10009/state');
  assert.equal(gone.status, 404, gone.text);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an OU is added, moved and removed, and a refusal says why', async () => {
  const page = await openPage(browser);
  await openConfiguration(page);
  const notice = page.getByRole('status').filter({hasText: 'OU'});
  const night = row(page, 'ou', 'night');
  const order = () => page.locator('#ous-body tr').evaluateAll((rows) => rows.map((r) => r.dataset.ou));

  await page.getByRole('button', {name: 'Add an OU'}).click();
  const add = page.getByRole('dialog', {name: 'Add an OU'});
  await add.getByLabel('OU ID', {exact: true}).fill('night');
  await add.getByLabel('Parent OU', {exact: true}).selectOption('support');
  await add.getByLabel('OU ID', {exact: true}).press('Enter');
  await notice.filter({hasText: 'OU night added.'}).waitFor();
  assert.equal(await text(night.locator('td[data-label="Employees"]')), '0');
  assert.deepEqual(await order(), ['support', 'night', 'voice-desk'], 'under its parent');

  // Moved to the top level; it cannot be its own parent.
  await night.getByRole('button', {name: 'Change OU night'}).click();
  const change = page.getByRole('dialog', {name: 'Change OU night'});
  assert.equal(await change.getByLabel('OU ID', {exact: true}).inputValue(), 'night');
  const parent = change.getByLabel('Parent OU', {exact: true});
  assert.equal(await parent.inputValue(), 'support');
  assert.deepEqual(await parent.locator('option').evaluateAll((os) => os.map((o) => o.value)),
                   ['', 'support', 'voice-desk']);
  await parent.selectOption('');
  await change.getByRole('button', {name: 'Save'}).click();
  await notice.filter({hasText: 'OU night changed.'}).waitFor();
  assert.deepEqual(await order(), ['support', 'voice-desk', 'night']);

  // An OU with employees is not removed: routerd's reason is shown.
  const remove = page.getByRole('dialog', {name: 'Remove the OU?'});
  await row(page, 'ou', 'support').getByRole('button', {name: 'Remove OU support'}).click();
  await remove.getByRole('button', {name: 'Remove', exact: true}).click();
  await page.locator('#page-error').filter({hasText: "OU 'support' has"}).waitFor();
  takeExpectedError(page, /status of 409/);
  assert.equal(await row(page, 'ou', 'support').count(), 1);

  await night.getByRole('button', {name: 'Remove OU night'}).click();
  await remove.getByRole('button', {name: 'Remove', exact: true}).click();
  await notice.filter({hasText: 'OU night removed.'}).waitFor();
  assert.equal(await night.count(), 0);
  const config = await daemon.api('GET', '/api/v1/config');
  assert.doesNotMatch(config.text, /"id":"night"/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a skill queue is added, changed and removed, and a refusal says why', async () => {
  const page = await openPage(browser);
  await openConfiguration(page);
  const notice = page.getByRole('status').filter({hasText: 'Skill queue'});
  const vip = row(page, 'queue', 'vip');

  await page.getByRole('button', {name: 'Add a skill queue'}).click();
  const add = page.getByRole('dialog', {name: 'Add a skill queue'});
  await add.getByLabel('Skill queue ID', {exact: true}).fill('vip');
  await add.getByLabel('Strategy', {exact: true}).fill('longest_idle');
  await add.getByLabel('Max wait (seconds)', {exact: true}).fill('abc');
  await add.getByRole('button', {name: 'Save'}).click();
  await add.getByText('Max wait: 1 to 86400 seconds.').waitFor();
  await add.getByLabel('Max wait (seconds)', {exact: true}).fill('120');
  // Only queues of its media are overflow targets: not the voice hotline.
  const overflow = add.getByLabel('On overflow', {exact: true});
  assert.deepEqual(await overflow.locator('option').evaluateAll((os) => os.map((o) => o.value)),
                   ['leave_message', 'queue:general', 'queue:orphans']);
  await overflow.selectOption('queue:general');
  await add.getByLabel('Max wait (seconds)', {exact: true}).press('Enter');
  await notice.filter({hasText: 'Skill queue vip added.'}).waitFor();
  assert.equal(await text(vip.locator('td[data-label="Strategy"]')), 'longest_idle');
  assert.equal(await text(vip.locator('td[data-label="On overflow"]')), 'Queue general');
  assert.equal(await text(vip.locator('td[data-label="Employees"]')), '0');

  // Changed: another priority; its media stays as it is.
  await vip.getByRole('button', {name: 'Change skill queue vip'}).click();
  const change = page.getByRole('dialog', {name: 'Change skill queue vip'});
  assert.equal(await change.getByLabel('Skill queue ID', {exact: true}).inputValue(), 'vip');
  assert.equal(await change.getByLabel('Media', {exact: true}).isDisabled(), true);
  assert.equal(await change.getByLabel('Max wait (seconds)', {exact: true}).inputValue(), '120');
  await change.getByLabel('Priority (0 to 9)', {exact: true}).fill('3');
  await change.getByRole('button', {name: 'Save'}).click();
  await notice.filter({hasText: 'Skill queue vip changed.'}).waitFor();
  assert.equal(await text(vip.locator('td[data-label="Priority"]')), '3');
  const stored = JSON.parse((await daemon.api('GET', '/api/v1/skill_queues/vip')).text);
  assert.equal(stored.skill_queue.on_overflow, 'queue:general', 'kept by the change');

  // A queue a channel routes to is not removed: routerd's reason is shown.
  const remove = page.getByRole('dialog', {name: 'Remove the skill queue?'});
  await row(page, 'queue', 'general').getByRole('button', {name: 'Remove skill queue general'}).click();
  await remove.getByRole('button', {name: 'Remove', exact: true}).click();
  await page.locator('#page-error').filter({hasText: "skill queue 'general' takes the sessions of"}).waitFor();
  takeExpectedError(page, /status of 409/);
  assert.equal(await row(page, 'queue', 'general').count(), 1);

  await vip.getByRole('button', {name: 'Remove skill queue vip'}).click();
  await remove.getByRole('button', {name: 'Remove', exact: true}).click();
  await notice.filter({hasText: 'Skill queue vip removed.'}).waitFor();
  assert.equal(await vip.count(), 0);
  const config = await daemon.api('GET', '/api/v1/config');
  assert.doesNotMatch(config.text, /"id":"vip"/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a channel is added with its secret, changed and removed, and a refusal says why', async () => {
  const page = await openPage(browser);
  await openConfiguration(page);
  const notice = page.getByRole('status').filter({hasText: 'Channel'});
  const web2 = row(page, 'channel', 'web-2');

  await page.getByRole('button', {name: 'Add a channel'}).click();
  const add = page.getByRole('dialog', {name: 'Add a channel'});
  await add.getByLabel('Channel ID', {exact: true}).fill('web-2');
  await add.getByLabel('Kind', {exact: true}).fill('fax');
  await add.getByLabel('Adapter keys', {exact: true}).fill('secret = x');
  await add.getByRole('button', {name: 'Save'}).click();
  await add.getByText('is not a registered channel kind').waitFor();
  takeExpectedError(page, /status of 400/);
  await add.getByLabel('Kind', {exact: true}).fill('web');
  await add.getByLabel('Skill queue', {exact: true}).selectOption('general');
  await add.getByLabel('Adapter keys', {exact: true}).fill(`secret = ${WEB_SECRET}`);
  await add.getByRole('button', {name: 'Save'}).click();
  await notice.filter({hasText: 'Channel web-2 added.'}).waitFor();
  assert.equal(await text(web2.locator('td[data-label="Skill queue"]')), 'general');
  await daemon.webEvent('web-2', 'message', 'visitor-web2', 'Visitor', 'hello');  // its webhook answers 200 at once
  const listed = await daemon.api('GET', '/api/v1/channels/web-2');
  assert.equal(listed.status, 200);
  assert.doesNotMatch(listed.text, new RegExp(WEB_SECRET), 'a secret is never shown');

  // Changed: a priority; its keys are typed in again, never shown.
  await web2.getByRole('button', {name: 'Change channel web-2'}).click();
  const change = page.getByRole('dialog', {name: 'Change channel web-2'});
  assert.equal(await change.getByLabel('Adapter keys', {exact: true}).inputValue(), '');
  await change.getByLabel('Priority (0 to 9)', {exact: true}).fill('4');
  await change.getByLabel('Adapter keys', {exact: true}).fill(`secret = ${WEB_SECRET}`);
  await change.getByRole('button', {name: 'Save'}).click();
  await notice.filter({hasText: 'Channel web-2 changed.'}).waitFor();
  assert.equal(await text(web2.locator('td[data-label="Priority"]')), '4');

  await web2.getByRole('button', {name: 'Remove channel web-2'}).click();
  await page.getByRole('dialog', {name: 'Remove the channel?'}).getByRole('button', {name: 'Remove', exact: true}).click();
  await notice.filter({hasText: 'Channel web-2 removed.'}).waitFor();
  assert.equal(await web2.count(), 0);
  assert.equal((await daemon.api('POST', '/webhooks/web/web-2', {body: '{}'})).status, 404);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
