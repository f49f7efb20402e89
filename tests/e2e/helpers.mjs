// Shared harness for the browser end-to-end tests (run by `node --test tests/e2e/`).
//
// It drives Debian's Chromium (/usr/bin/chromium) through playwright-core; it never downloads a
// browser. The app under test is the built dist/ served on loopback; its URL comes from E2E_URL
// (scripts/test sets it). Every page opened through a session is watched for console errors,
// uncaught page errors, failed same-origin responses and requests to any other origin, so a
// test file can assert that a whole run stayed clean and offline.

import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Headless and runnable as root; the networking flags keep Chromium from calling home (which
// would show up as refused connections, and is not our app's traffic anyway).
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const OUT_DIR = fileURLToPath(new URL('./out/', import.meta.url));

/** `[data-testid="name"]` */
export const tid = (name) => `[data-testid="${name}"]`;

export function appUrl() {
  const url = process.env.E2E_URL;
  if (!url) {
    throw new Error('E2E_URL is not set: run scripts/test, or serve dist/ and set E2E_URL to its URL');
  }
  return url;
}

/**
 * Starts Chromium and returns a session. `session.openPage()` opens the app in a fresh browser
 * context (fresh storage) and, by default, waits for it to be ready. `session.log` collects the
 * problems seen on every page of the session.
 */
export async function startSession(url = appUrl()) {
  const origin = new URL(url).origin;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const log = {
    consoleErrors: [], // console.error and browser-reported errors, e.g. failed resource loads
    pageErrors: [], // uncaught exceptions, unhandled rejections (wasm panics end up here or above)
    foreignRequests: [], // any request whose origin is not the app's (data:/blob: allowed)
    badResponses: [], // same-origin responses with status >= 400
  };
  const contexts = [];

  const isOwn = (u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return true;
    try {
      return new URL(u).origin === origin;
    } catch {
      return false;
    }
  };

  async function openPage({ waitReady = true, viewport = { width: 1440, height: 900 } } = {}) {
    const context = await browser.newContext({ viewport, serviceWorkers: 'block' });
    contexts.push(context);
    // Context-level: also sees requests made before the page object's listeners exist.
    context.on('request', (req) => {
      if (!isOwn(req.url())) log.foreignRequests.push(`${req.method()} ${req.url()}`);
    });
    // And never let one leave the machine: the request is recorded above, then aborted.
    await context.route((u) => !isOwn(u.href), (route) => route.abort('blockedbyclient'));
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        const loc = msg.location();
        const where = loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : '';
        log.consoleErrors.push(`${msg.text()}${where}`);
      }
    });
    page.on('pageerror', (err) => log.pageErrors.push(String(err && err.stack ? err.stack : err)));
    page.on('crash', () => log.pageErrors.push('page crashed'));
    page.on('response', (res) => {
      if (res.status() >= 400 && isOwn(res.url())) log.badResponses.push(`${res.status()} ${res.url()}`);
    });
    page.on('websocket', (ws) => {
      // Same host:port (e.g. trunk serve's live reload) is ours; anything else is foreign.
      const host = new URL(ws.url()).host;
      if (host !== new URL(origin).host) log.foreignRequests.push(`WEBSOCKET ${ws.url()}`);
    });
    await page.goto(url, { waitUntil: 'load' });
    if (waitReady) await waitForApp(page);
    return page;
  }

  async function close() {
    for (const c of contexts) await c.close().catch(() => {});
    await browser.close().catch(() => {});
  }

  /** Human-readable summary of everything collected, for assertion messages. */
  function report() {
    return JSON.stringify(log, null, 2);
  }

  return { browser, url, origin, log, openPage, close, report };
}

/** Waits until the app mounted and drew its first frame (`[data-testid=app-ready]` present). */
export async function waitForApp(page, timeout = 60_000) {
  await page.waitForSelector(tid('app-ready'), { state: 'attached', timeout });
}

/** Saves a full-page screenshot to tests/e2e/out/NAME.png (git-ignored) and returns its path. */
export async function screenshot(page, name) {
  await mkdir(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${name.replace(/[^a-z0-9._-]+/gi, '_').slice(0, 100)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs `fn(page)` on a freshly opened app page and always takes a screenshot named after the
 * test (also when it fails, which is when it is most useful), then closes the page's context.
 */
export async function withPage(session, t, fn, openOpts) {
  const page = await session.openPage(openOpts);
  try {
    return await fn(page);
  } finally {
    await screenshot(page, t.name).catch((e) => console.error(`screenshot failed: ${e}`));
    await page.context().close().catch(() => {});
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value (returned), or throws after `timeout` ms. */
export async function poll(fn, { timeout = 10_000, interval = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(interval);
  }
}

// ---------------------------------------------------------------------------------------------
// The DOM contract (see foundation.test.mjs for the full list).

/** Current virtual time in ms: `[data-testid=clock]`'s `data-now-ms`, an integer. */
export async function nowMs(page) {
  const v = await page.getAttribute(tid('clock'), 'data-now-ms');
  if (v === null || !/^\d+$/.test(v)) throw new Error(`clock data-now-ms is not an integer: ${v}`);
  return Number(v);
}

/**
 * Makes a `data-running` toggle (`play-pause`, `producer-toggle`) reach `running` (boolean),
 * clicking it only if needed, and waits until the attribute says so.
 */
export async function setRunning(page, testid, running) {
  const want = String(running);
  const cur = await page.getAttribute(tid(testid), 'data-running');
  if (cur !== 'true' && cur !== 'false') throw new Error(`${testid} data-running is ${cur}`);
  if (cur !== want) await page.click(tid(testid));
  await page.waitForSelector(`${tid(testid)}[data-running="${want}"]`, { timeout: 10_000 });
}

/** All rows of the records table as {shardId, sequenceNumber, partitionKey}. */
export async function recordRows(page) {
  return page.$$eval(`${tid('records-table')} tr${tid('record-row')}`, (rows) =>
    rows.map((r) => ({
      shardId: r.getAttribute('data-shard-id'),
      sequenceNumber: r.getAttribute('data-sequence-number'),
      partitionKey: r.getAttribute('data-partition-key'),
    })),
  );
}

/**
 * Fills the put form and submits it, then waits until `put-result` shows a new sequence number
 * (or `put-error` appears). Returns {shardId, sequenceNumber}; throws with the error's text.
 */
export async function putRecord(page, { key, data, ehk = '' }) {
  const before = await page.evaluate(
    ([r, e]) => ({
      seq: document.querySelector(r)?.getAttribute('data-sequence-number') ?? null,
      err: document.querySelector(e)?.textContent ?? null,
    }),
    [tid('put-result'), tid('put-error')],
  );
  await page.fill(tid('put-key'), key);
  await page.fill(tid('put-data'), data);
  await page.fill(tid('put-ehk'), ehk);
  await page.click(tid('put-submit'));
  const handle = await page.waitForFunction(
    ([r, e, before]) => {
      const res = document.querySelector(r);
      const seq = res?.getAttribute('data-sequence-number');
      if (res && seq && seq !== before.seq) {
        return { shardId: res.getAttribute('data-shard-id'), sequenceNumber: seq };
      }
      const err = document.querySelector(e);
      if (err && (before.err === null || err.textContent !== before.err)) {
        return { error: err.textContent.trim() };
      }
      return null;
    },
    [tid('put-result'), tid('put-error'), before],
    { timeout: 10_000 },
  );
  const out = await handle.jsonValue();
  if (out.error) throw new Error(`put ${key} failed: ${out.error}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Kinesis routing, computed independently of the app.

const TWO_128 = 1n << 128n;

/** MD5 of the UTF-8 partition key, read big-endian as an unsigned 128-bit integer. */
export function hashKey(partitionKey) {
  return BigInt('0x' + createHash('md5').update(partitionKey, 'utf8').digest('hex'));
}

/**
 * Index of the shard owning `partitionKey` in a fresh stream of `shardCount` shards laid out as
 * AWS does: shard i covers [i*w, (i+1)*w - 1] with w = 2^128 / n, the last one up to 2^128 - 1.
 */
export function shardIndexFor(partitionKey, shardCount) {
  const w = TWO_128 / BigInt(shardCount);
  const i = hashKey(partitionKey) / w;
  return Number(i < BigInt(shardCount) ? i : BigInt(shardCount - 1));
}

/** `shardId-000000000003` */
export const shardId = (index) => `shardId-${String(index).padStart(12, '0')}`;

/** Hex of a string's UTF-8 bytes, e.g. "hi" -> "6869". */
export const utf8Hex = (s) => Buffer.from(s, 'utf8').toString('hex');
