// The e2e harness: the real routerd binary on its own temporary configuration,
// data directory and port; signed web-widget webhooks and REST calls made the
// way a provider and an administrator would; headless Chromium driven through
// playwright-core, with every console error collected and screenshots saved
// under the build directory.
//
// Environment (set by ctest, tests/console/CMakeLists.txt):
//   ROUTERD_BINARY       the daemon to test
//   ROUTERD_SCREENSHOTS  where screenshots go
//   CHROMIUM             the browser (default /usr/bin/chromium)
import {spawn} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {chromium} from 'playwright-core';

export const BINARY = process.env.ROUTERD_BINARY;
export const SCREENSHOTS = process.env.ROUTERD_SCREENSHOTS ||
                           path.join(os.tmpdir(), 'routerd-console-screenshots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Bounded waits: a condition that does not come within this fails the test.
export const WAIT_MS = 15000;

export const DESKTOP = {width: 1280, height: 800};
export const PHONE = {width: 390, height: 844};

export const TOKENS = {
  admin: 'e2e-admin-token',
  agent10001: 'e2e-agent-10001-token',
  agent10002: 'e2e-agent-10002-token',
};
export const WEB_SECRET = 'e2e-web-secret';

const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');

// Tenant "acme": queue general (manual allocation, 10 minutes of after-contact
// work) served by 10001 and 10002;
// queue orphans (automatic allocation, no agent: its messages fail
// allocation); voice queue hotline. Agents lack view_contact, so they see
// masked contact numbers; the admin sees them whole.
export const DIALER_SECRET = 'e2e-dialer-secret-0123456789';

// With `dialerUrl`, acme asks that telephony for call-backs (DIALER_SECRET).
// With `perChannelKind`, acme caps each channel kind apart, and the support OU
// caps web sessions at 1 (its cap of 2 stays for the other kinds).
export function configToml(dataDir, {dialerUrl, perChannelKind} = {}) {
  return `
[server]
listen = "127.0.0.1:0"
io_threads = 1
router_shards = 1
log_level = "info"
shutdown_grace_seconds = 2

[storage]
data_dir = "${dataDir}"
allocation_poll_seconds = 1

[[tenants]]
id = "acme"
max_concurrent_sessions = 3
${perChannelKind ? 'multimedia_access_mode = "per_channel_kind"' : ''}

[tenants.personal_settings]
agent_cap_max = 8

[[tenants.ous]]
id = "support"
max_concurrent_sessions = 2
${perChannelKind ? 'max_concurrent_sessions_by_channel_kind = { web = 1 }' : ''}

[[tenants.ous]]
id = "voice-desk"

[[tenants.skill_queues]]
id = "general"
max_wait_seconds = 3600
auto_allocate = false
wrap_up_seconds = 600

[[tenants.skill_queues]]
id = "orphans"
max_wait_seconds = 3600

[[tenants.skill_queues]]
id = "hotline"
media = "voice"
auto_allocate = false

[[tenants.agents]]
employee_id = "10001"
name = "Ana Lima"
ou = "support"
type = "versatile"
skill_queues = ["general", "hotline"]

[[tenants.agents]]
employee_id = "10002"
name = "Bo Chen"
business_account = "bo.chen"
ou = "support"
type = "multimedia"
skill_queues = ["general"]
max_concurrent_sessions = 1

[[tenants.agents]]
employee_id = "20001"
name = "Eli Haddad"
business_account = "eli.h"
ou = "voice-desk"
type = "voice"
skill_queues = ["hotline"]

[[tenants.channels]]
id = "acme-web"
kind = "web"
skill_queue = "general"
secret = "${WEB_SECRET}"

[[tenants.channels]]
id = "acme-orphans"
kind = "web"
skill_queue = "orphans"
secret = "${WEB_SECRET}"

[[tenants.tokens]]
name = "e2e-admin"
role = "tenant_admin"
token_sha256 = "${sha256(TOKENS.admin)}"

[[tenants.tokens]]
role = "agent"
employee_id = "10001"
token_sha256 = "${sha256(TOKENS.agent10001)}"

[[tenants.tokens]]
role = "agent"
employee_id = "10002"
token_sha256 = "${sha256(TOKENS.agent10002)}"

[tenants.permissions]
agent = ["query", "process", "submit", "download"]
${dialerUrl ? `
[tenants.dialer]
url = "${dialerUrl}"
secret = "${DIALER_SECRET}"
timeout_ms = 3000
` : ''}`;
}

export class Daemon {
  static async start(options = {}) {
    if (!BINARY) throw new Error('ROUTERD_BINARY is not set (run through ctest)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routerd-console-e2e-'));
    const config = path.join(dir, 'routerd.toml');
    fs.writeFileSync(config, configToml(path.join(dir, 'data'), options));
    const d = new Daemon(dir, spawn(BINARY, ['--config', config], {stdio: ['ignore', 'pipe', 'pipe']}));
    await d.ready;
    return d;
  }

  constructor(dir, child) {
    this.dir = dir;
    this.child = child;
    this.output = '';
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({code, signal})));
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`routerd did not start:\n${this.output}`)), WAIT_MS);
      const onData = (chunk) => {
        this.output += chunk;
        const m = /routerd started: listening on [^:]+:(\d+)/.exec(this.output);
        if (m && !this.port) {
          this.port = Number(m[1]);
          this.base = `http://127.0.0.1:${this.port}`;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      this.exited.then(({code}) => reject(new Error(`routerd exited (${code}):\n${this.output}`)));
    });
  }

  // SIGTERM, and the daemon must drain and exit 0 (wallboard sockets included).
  async stop() {
    this.child.kill('SIGTERM');
    let timer;
    const result = await Promise.race([
      this.exited,
      new Promise((resolve) => { timer = setTimeout(() => resolve(null), WAIT_MS); }),
    ]);
    clearTimeout(timer);
    if (result === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    fs.rmSync(this.dir, {recursive: true, force: true});
    return result;
  }

  async api(method, target, {token = TOKENS.admin, json, body, headers = {}} = {}) {
    const init = {method, headers: {Authorization: `Bearer ${token}`, ...headers}};
    if (json !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(json);
    } else if (body !== undefined) {
      init.body = body;
    }
    const response = await fetch(this.base + target, init);
    const text = await response.text();
    let parsed = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return {status: response.status, json: parsed, text, headers: response.headers};
  }

  // A signed web-widget event ("message" or "leave_message"); must be accepted.
  async webEvent(channel, type, visitorId, name, text, phone = undefined) {
    const body = JSON.stringify({
      event_id: crypto.randomUUID(), type, visitor: {id: visitorId, name, ...(phone ? {phone} : {})}, text,
      sent_at: Date.now(),
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = 'sha256=' + crypto.createHmac('sha256', WEB_SECRET).update(`${timestamp}.${body}`).digest('hex');
    const response = await fetch(`${this.base}/webhooks/web/${channel}`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-Routerd-Timestamp': timestamp, 'X-Routerd-Signature': signature},
      body,
    });
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
  }

  // A voice message as the IVR posts it (multipart); returns the message.
  async voiceMessage(contactNumber, audio, queue = 'hotline') {
    const form = new FormData();
    form.set('contact_number', contactNumber);
    form.set('channel_type', 'voice');
    form.set('skill_queue', queue);
    form.set('file', new Blob([audio], {type: 'audio/wav'}), 'message.wav');
    const r = await fetch(`${this.base}/api/v1/messages`, {
      method: 'POST', headers: {Authorization: `Bearer ${TOKENS.admin}`}, body: form,
    });
    const json = await r.json();
    if (r.status !== 201) throw new Error(`voice upload answered ${r.status}: ${JSON.stringify(json)}`);
    return json;
  }

  // Polls the REST API until `done(messages)` holds (leave messages are
  // written by the journal a moment after the webhook's answer).
  async waitForMessages(query, done) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const r = await this.api('GET', `/api/v1/messages${query}`);
      if (r.status === 200 && done(r.json.messages)) return r.json.messages;
      if (Date.now() > deadline) throw new Error(`messages${query} never matched: ${r.text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

// A one-second 8 kHz mono 16-bit WAV: a 440 Hz tone.
export function wavTone(seconds = 1) {
  const rate = 8000, samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; ++i) {
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export async function launchBrowser() {
  const args = ['--autoplay-policy=no-user-gesture-required', '--mute-audio'];
  // Chromium's sandbox cannot start as root (CI containers).
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  return chromium.launch({executablePath: CHROMIUM, headless: true, args});
}

// A fresh context (its own sessionStorage) and page, collecting console
// errors, uncaught exceptions and failed requests: a test ends with
// assertNoErrors().
export async function openPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({viewport, acceptDownloads: true});
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') errors.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    // Aborted downloads of a closed dialog's audio are not failures.
    if (!r.url().startsWith('blob:')) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.errors = errors;
  return page;
}

export async function signIn(page, daemon, token, next = '') {
  await page.goto(`${daemon.base}/console/${next ? `?next=${next}` : ''}`);
  await page.getByLabel('Tenant token').fill(token);
  await page.getByRole('button', {name: 'Sign in'}).click();
}

// The whole page, or just the viewport while a modal dialog is open (a modal
// stays in the viewport, so a full-page capture would show it out of place).
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, {recursive: true});
  const modal = await page.evaluate(() => document.querySelector('dialog[open]') !== null);
  await page.screenshot({path: path.join(SCREENSHOTS, `${name}.png`), fullPage: !modal});
}

// Chromium logs every 4xx answer to fetch() as a console error ("Failed to
// load resource: ... status of 409"). A test that provokes one on purpose
// takes it out here (it must be there) before asserting that nothing else
// was logged.
export function takeExpectedError(page, pattern) {
  const i = page.errors.findIndex((e) => pattern.test(e));
  if (i < 0) throw new Error(`expected a console error matching ${pattern}; got ${JSON.stringify(page.errors)}`);
  page.errors.splice(i, 1);
}
