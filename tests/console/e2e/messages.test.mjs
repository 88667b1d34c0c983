// The leave-message page in Chromium against the real daemon:
// querying with each filter, allocating from the searchable dialog, a 409
// shown with the server's reason (a message allocated meanwhile, a web
// message offered to a voice agent), process and submit, masked contact
// numbers for agents, and the voice player (rewind and fast forward by a
// chosen step, by button and key) and download.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {
  DESKTOP, Daemon, PHONE, TOKENS, launchBrowser, openPage, screenshot, signIn, takeExpectedError, wavTone,
} from './harness.mjs';

const ANA = 'v-+8613800001234';  // general, to be allocated
const BEN = 'v-+8613800005678';  // general: allocated in the dialog
const CAI = 'v-+4930123456';     // general: allocated behind the page's back (409)
const DEE = 'v-+8613800009999';  // general: processed by agent 10001
const ORPHAN = 'v-+1555000111';  // orphans: automatic allocation finds no agent
const CALLER = '+8613800007777'; // a voice message

let daemon, browser, audio, voice;

before(async () => {
  daemon = await Daemon.start();
  browser = await launchBrowser();
  for (const [visitor, name, text] of [[ANA, 'Ana', 'please call me back'], [BEN, 'Ben', 'about my order'],
                                       [CAI, 'Cai', 'where is my parcel'], [DEE, 'Dee', 'refund please']]) {
    await daemon.webEvent('acme-web', 'leave_message', visitor, name, text);
  }
  await daemon.webEvent('acme-orphans', 'leave_message', ORPHAN, 'Orla', 'anyone there?');
  audio = wavTone(20);
  voice = await daemon.voiceMessage(CALLER, audio);
  await daemon.waitForMessages('', (m) => m.length === 6 &&
    m.find((x) => x.contact_number === ORPHAN)?.status === 'allocation_failed');
});

after(async () => {
  await browser?.close();
  const stopped = await daemon?.stop();
  assert.deepEqual(stopped, {code: 0, signal: null});
});

const row = (page, contact) => page.locator('#messages-body tr', {hasText: contact});
const cellText = async (r, label) => (await r.locator(`td[data-label="${label}"]`).textContent()).trim();
const contacts = async (page) =>
  (await page.locator('#messages-body td[data-label="Contact number"]').allTextContents()).map((t) => t.trim());

// Clicks Query and returns the query parameters the page sent.
async function query(page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/messages?')),
    page.getByRole('button', {name: 'Query'}).click(),
  ]);
  await page.locator('#messages-table:not([aria-busy])').waitFor();
  return Object.fromEntries(new URL(response.url()).searchParams);
}

async function adminPage(viewport = DESKTOP) {
  const page = await openPage(browser, viewport);
  await signIn(page, daemon, TOKENS.admin);
  await page.waitForURL('**/console/messages');
  await page.locator('#messages-body tr').first().waitFor();
  return page;
}

function isoPlusDays(days) {
  const d = new Date(Date.now() + days * 86400000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

test('query with each filter', async () => {
  const page = await adminPage();
  assert.equal(await page.locator('#total').textContent(), '(6)');
  assert.equal((await contacts(page)).length, 6);
  // The admin has view_contact: numbers whole.
  assert.ok((await contacts(page)).includes(ANA));
  await screenshot(page, 'messages-desktop');

  // Time: the presets and a custom range.
  await page.getByLabel('Time').selectOption('1d');
  let sent = await query(page);
  assert.equal(sent.window, '1d');
  assert.equal((await contacts(page)).length, 6);
  await page.getByLabel('Time').selectOption('custom');
  await page.getByLabel('From').fill(isoPlusDays(1));
  sent = await query(page);
  assert.equal(sent.window, undefined);
  assert.equal(sent.from, String(new Date(isoPlusDays(1)).getTime()));
  assert.equal((await contacts(page)).length, 0);
  assert.equal(await page.getByText('No messages match.').isVisible(), true);
  await page.getByLabel('From').fill(isoPlusDays(-1));
  await page.getByLabel('To', {exact: true}).fill(isoPlusDays(1));
  sent = await query(page);
  assert.equal(sent.to, String(new Date(isoPlusDays(1)).getTime()));
  assert.equal((await contacts(page)).length, 6);
  await page.getByLabel('From').fill(isoPlusDays(1));
  await page.getByRole('button', {name: 'Query'}).click();
  assert.equal(await page.locator('#query-error').textContent(), 'The start must be before the end.');
  await page.getByRole('button', {name: 'Reset'}).click();
  await page.locator('#q-range').waitFor({state: 'hidden'});

  // Contact number (exact), status, channel type.
  await page.getByLabel('Contact number').fill(ANA);
  sent = await query(page);
  assert.equal(sent.contact_number, ANA);
  assert.deepEqual(await contacts(page), [ANA]);
  await page.getByLabel('Contact number').fill('');

  await page.getByLabel('Message status').selectOption({label: 'Allocation failed'});
  sent = await query(page);
  assert.equal(sent.status, 'allocation_failed');
  assert.deepEqual(await contacts(page), [ORPHAN]);
  assert.equal(await cellText(row(page, ORPHAN), 'Status'), 'Allocation failed');
  await page.getByLabel('Message status').selectOption('');

  await page.getByLabel('Channel type').selectOption({label: 'Voice'});
  sent = await query(page);
  assert.equal(sent.channel_type, 'voice');
  assert.deepEqual(await contacts(page), [CALLER]);
  const voiceRow = row(page, CALLER);
  assert.deepEqual(await voiceRow.getByRole('button').allTextContents(), ['View', 'Allocate', 'Play', 'Download']);
  await page.getByLabel('Channel type').selectOption({label: 'WEB'});
  sent = await query(page);
  assert.equal(sent.channel_type, 'web');
  assert.equal((await contacts(page)).length, 5);

  // Employee ID: nobody has messages yet.
  await page.getByLabel('Channel type').selectOption('');
  await page.getByLabel('Employee ID').fill('10002');
  sent = await query(page);
  assert.equal(sent.employee_id, '10002');
  assert.equal((await contacts(page)).length, 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('allocate from the searchable dialog, by keyboard', async () => {
  const page = await adminPage();
  const ben = row(page, BEN);
  const updatedBefore = await ben.locator('td[data-label="Updated"] time').getAttribute('datetime');
  // Only messages waiting for an agent offer Allocate.
  assert.deepEqual(await ben.getByRole('button').allTextContents(), ['View', 'Allocate']);

  // Escape closes the dialog and gives focus back to its button.
  const anaAllocate = row(page, ANA).getByRole('button', {name: /^Allocate/});
  await anaAllocate.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', {name: 'Allocate'}).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'agent-search');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', {name: 'Allocate'}).waitFor({state: 'hidden'});
  assert.equal(await anaAllocate.evaluate((b) => b === document.activeElement), true);

  await ben.getByRole('button', {name: /^Allocate/}).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', {name: 'Allocate'});
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('radio').count(), 3);  // every agent of the tenant
  await page.keyboard.type('bo');
  assert.equal(await dialog.getByRole('radio').count(), 1);
  assert.equal(await dialog.getByRole('button', {name: 'Complete'}).isDisabled(), true);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.equal(await dialog.getByRole('radio', {name: /Bo Chen/}).isChecked(), true);
  await screenshot(page, 'allocate-dialog');
  await dialog.getByRole('button', {name: 'Complete'}).click();
  await dialog.waitFor({state: 'hidden'});

  assert.equal(await cellText(ben, 'Status'), 'Unprocessed');
  assert.equal(await cellText(ben, 'Employee ID'), '10002');
  assert.equal(await cellText(ben, 'Business account'), 'bo.chen');
  const updatedAfter = await ben.locator('td[data-label="Updated"] time').getAttribute('datetime');
  assert.ok(updatedAfter > updatedBefore, `${updatedAfter} > ${updatedBefore}`);
  assert.equal(await page.locator('#page-notice').textContent(), `Message ${
    (await daemon.waitForMessages(`?contact_number=${encodeURIComponent(BEN)}`, () => true))[0].id
  } allocated to 10002 (bo.chen).`);
  // Unprocessed: the admin may process it now, not allocate it again.
  assert.deepEqual(await ben.getByRole('button').allTextContents(), ['View', 'Process']);

  // An Allocation failed message is allocated by hand the same way.
  await row(page, ORPHAN).getByRole('button', {name: /^Allocate/}).click();
  await dialog.getByRole('radio', {name: /Ana Lima/}).check();
  await dialog.getByRole('button', {name: 'Complete'}).click();
  await dialog.waitFor({state: 'hidden'});
  assert.equal(await cellText(row(page, ORPHAN), 'Status'), 'Unprocessed');
  assert.equal(await cellText(row(page, ORPHAN), 'Employee ID'), '10001');

  await page.getByLabel('Employee ID').fill('10002');
  await query(page);
  assert.deepEqual(await contacts(page), [BEN]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a refused allocation (409) shows the server\'s reason', async () => {
  const page = await adminPage();
  const cai = row(page, CAI);
  assert.equal(await cellText(cai, 'Status'), 'To be allocated');
  // Someone else allocates it meanwhile: the page still shows it as waiting.
  const [message] = await daemon.waitForMessages(`?contact_number=${encodeURIComponent(CAI)}`, () => true);
  const first = await daemon.api('POST', `/api/v1/messages/${message.id}/allocate`, {json: {employee_id: '10001'}});
  assert.equal(first.status, 200);
  const again = await daemon.api('POST', `/api/v1/messages/${message.id}/allocate`, {json: {employee_id: '10002'}});
  assert.equal(again.status, 409);

  await cai.getByRole('button', {name: /^Allocate/}).click();
  const dialog = page.getByRole('dialog', {name: 'Allocate'});
  await dialog.getByRole('radio', {name: /Bo Chen/}).check();
  await dialog.getByRole('button', {name: 'Complete'}).click();
  const alert = dialog.getByRole('alert');
  await alert.filter({hasText: 'Conflict'}).waitFor();
  assert.equal(await alert.textContent(), `Conflict: ${again.json.detail}`);
  // The row shows what the server has now.
  await cai.filter({hasText: 'Unprocessed'}).waitFor();
  assert.equal(await cellText(cai, 'Employee ID'), '10001');
  await screenshot(page, 'allocate-409');
  await page.keyboard.press('Escape');
  takeExpectedError(page, /status of 409/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an agent processes and submits, and sees masked contact numbers only', async () => {
  const [dee] = await daemon.waitForMessages(`?contact_number=${encodeURIComponent(DEE)}`, () => true);
  assert.equal((await daemon.api('POST', `/api/v1/messages/${dee.id}/allocate`, {json: {employee_id: '10001'}})).status,
               200);
  // Processing needs the agent signed in and idle.
  assert.equal((await daemon.api('PUT', '/api/v1/agents/10001/state',
                                 {token: TOKENS.agent10001, json: {state: 'signed_in'}})).status, 200);
  const page = await openPage(browser);
  const bodies = [];
  page.on('response', async (r) => {
    if (r.url().includes('/api/v1/messages')) bodies.push(await r.text().catch(() => ''));
  });
  await signIn(page, daemon, TOKENS.agent10001);
  await page.waitForURL('**/console/messages');
  await page.locator('#messages-body tr').first().waitFor();
  // Only its own messages (CAI, DEE, ORPHAN), numbers masked by the server.
  assert.deepEqual((await contacts(page)).sort(),
                   ['************9999', '*********3456', '*********0111'].sort());
  assert.equal(await page.getByLabel('Employee ID').inputValue(), '10001');
  assert.equal(await page.getByRole('button', {name: /^Allocate/}).count(), 0);
  const masked = '************9999';
  const deeRow = row(page, masked);

  await deeRow.getByRole('button', {name: /^Process/}).click();
  const dialog = page.getByRole('dialog', {name: 'Process'});
  await dialog.waitFor();
  assert.equal(await cellText(deeRow, 'Status'), 'Processing');
  assert.match(await dialog.locator('#process-details').textContent(), /refund please/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'handling-comments');
  await dialog.getByRole('button', {name: 'Submit'}).click();
  assert.equal(await dialog.getByRole('alert').textContent(), 'Enter the handling comments.');
  assert.equal(await dialog.getByLabel(/Handling comments/).getAttribute('aria-invalid'), 'true');
  await dialog.getByLabel(/Handling comments/).fill('Called back, refund issued.');
  await screenshot(page, 'process-dialog');
  await dialog.getByRole('button', {name: 'Submit'}).click();
  await dialog.waitFor({state: 'hidden'});
  assert.equal(await cellText(deeRow, 'Status'), 'Processed');
  assert.deepEqual(await deeRow.getByRole('button').allTextContents(), ['View']);

  // The history, in the view dialog.
  await deeRow.getByRole('button', {name: /^View/}).click();
  const view = page.getByRole('dialog', {name: 'Message'});
  await view.waitFor();
  const history = await view.locator('#view-history li').allTextContents();
  assert.deepEqual(history.map((h) => h.replace(/^[^a-z]+/, '').split(' by ')[0]),
                   ['create', 'allocate', 'process', 'submit']);
  assert.match(history[3], /agent:10001: Processing → Processed/);
  assert.match(await view.locator('#view-details').textContent(), /Called back, refund issued\./);
  await view.getByRole('button', {name: 'Close'}).click();

  await page.setViewportSize(PHONE);
  await screenshot(page, 'messages-agent-phone');
  // Nothing the browser received holds a whole number.
  assert.ok(bodies.length >= 4);
  for (const body of bodies) {
    for (const whole of ['8613800009999', '4930123456', '1555000111']) assert.ok(!body.includes(whole), body);
  }
  assert.ok(!(await page.content()).includes('8613800009999'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a voice message plays with seek and speeds, and downloads after a personal-data warning', async () => {
  const page = await adminPage();
  const voiceRow = row(page, CALLER);
  await voiceRow.getByRole('button', {name: /^Play/}).click();
  const dialog = page.getByRole('dialog', {name: 'Voice message'});
  await dialog.waitFor();
  const toggle = dialog.getByRole('button', {name: 'Play'});
  await page.locator('#player-toggle:not([disabled])').waitFor();
  assert.equal(await dialog.locator('#player-time').textContent(), '0:00 / 0:20');
  assert.equal(await page.locator('#player-audio').evaluate((a) => a.duration), 20);

  const speeds = dialog.getByLabel('Speed');
  assert.deepEqual(await speeds.locator('option').evaluateAll((o) => o.map((x) => [x.value, x.textContent])),
                   [['0.75', '0.75×'], ['1', '1.0×'], ['1.25', '1.25×'], ['1.5', '1.5×'], ['1.75', '1.75×'],
                    ['2', '2.0×']]);
  for (const speed of ['0.75', '1.25', '1.5', '1.75', '2', '1']) {
    await speeds.selectOption(speed);
    assert.equal(await page.locator('#player-audio').evaluate((a) => a.playbackRate), Number(speed));
  }
  await speeds.selectOption('1.5');
  await dialog.getByLabel('Position').fill('0.5');
  assert.equal(await page.locator('#player-audio').evaluate((a) => a.currentTime), 0.5);
  assert.equal(await dialog.getByLabel('Position').getAttribute('aria-valuetext'), '0:00 of 0:20');

  // Rewind and fast forward: by the chosen step, by button and by key, within the recording.
  const at = () => page.locator('#player-audio').evaluate((a) => a.currentTime);
  await dialog.getByRole('button', {name: 'Fast forward 10 seconds'}).click();
  assert.equal(await at(), 10.5);
  await dialog.getByRole('button', {name: 'Rewind 10 seconds'}).click();
  assert.equal(await at(), 0.5);
  await dialog.getByRole('button', {name: 'Rewind 10 seconds'}).click();
  assert.equal(await at(), 0);
  await dialog.getByLabel('Skip').selectOption('5');
  await dialog.getByRole('button', {name: 'Fast forward 5 seconds'}).click();
  assert.equal(await at(), 5);
  await dialog.getByLabel('Position').focus();
  await page.keyboard.press('l');
  assert.equal(await at(), 10);
  await page.keyboard.press('j');
  assert.equal(await at(), 5);
  for (let i = 0; i < 4; ++i) await page.keyboard.press('l');
  assert.equal(await at(), 20);
  assert.equal(await dialog.getByLabel('Position').getAttribute('aria-valuetext'), '0:20 of 0:20');
  await dialog.getByLabel('Position').fill('0.5');
  assert.equal(await at(), 0.5);

  await toggle.click();
  await dialog.getByRole('button', {name: 'Pause'}).waitFor();
  assert.equal(await page.locator('#player-audio').evaluate((a) => a.paused), false);
  await screenshot(page, 'voice-player');
  await dialog.getByRole('button', {name: 'Pause'}).click();
  await dialog.getByRole('button', {name: 'Play'}).waitFor();
  assert.equal(await page.locator('#player-audio').evaluate((a) => a.paused), true);
  assert.equal(await page.locator('#player-audio').evaluate((a) => a.playbackRate), 1.5);

  // Download: a warning first; No downloads nothing.
  await dialog.getByRole('button', {name: 'Download'}).click();
  const confirm = page.getByRole('dialog', {name: 'Download message?'});
  await confirm.waitFor();
  assert.match(await confirm.textContent(), /contains personal data/);
  await screenshot(page, 'download-warning');
  await confirm.getByRole('button', {name: 'No'}).click();
  await confirm.waitFor({state: 'hidden'});
  await dialog.getByRole('button', {name: 'Close'}).click();

  await voiceRow.getByRole('button', {name: /^Download/}).click();
  await confirm.waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    confirm.getByRole('button', {name: 'Yes'}).click(),
  ]);
  assert.equal(download.suggestedFilename(), `leave-message-${voice.id}.wav`);
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  assert.ok(Buffer.concat(chunks).equals(audio));

  // Playing and the download each fetched the file: two different actions in the history.
  const history = await daemon.api('GET', `/api/v1/messages/${voice.id}`);
  assert.deepEqual(history.json.history.map((h) => h.action), ['create', 'play', 'download']);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a web message offered to a voice agent is refused (409) with the reason, and stays to be allocated',
     async () => {
  const page = await adminPage();
  const ana = row(page, ANA);
  assert.equal(await cellText(ana, 'Status'), 'To be allocated');
  await ana.getByRole('button', {name: /^Allocate/}).click();
  const dialog = page.getByRole('dialog', {name: 'Allocate'});
  await dialog.getByRole('radio', {name: /Eli Haddad/}).check();
  await dialog.getByRole('button', {name: 'Complete'}).click();
  const alert = dialog.getByRole('alert');
  await alert.filter({hasText: 'Conflict'}).waitFor();
  assert.match(await alert.textContent(),
               /^Conflict: leave message \d+: employee_id: agent 20001 is a voice agent and cannot take a web message/);
  await screenshot(page, 'allocate-voice-agent-409');
  await page.keyboard.press('Escape');
  await dialog.waitFor({state: 'hidden'});
  assert.equal(await cellText(ana, 'Status'), 'To be allocated');
  takeExpectedError(page, /status of 409/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('usable on a phone: cards instead of a table, dialogs fit', async () => {
  const page = await adminPage(PHONE);
  const first = page.locator('#messages-body tr').first();
  // Each row is a card as wide as the screen, no horizontal scrolling.
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
  assert.equal(await first.evaluate((r) => getComputedStyle(r).display), 'block');
  await screenshot(page, 'messages-phone');
  await row(page, ANA).getByRole('button', {name: /^Allocate/}).click();
  const dialog = page.getByRole('dialog', {name: 'Allocate'});
  await dialog.waitFor();
  const box = await dialog.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, JSON.stringify(box));
  await screenshot(page, 'allocate-dialog-phone');
  await page.keyboard.press('Escape');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
