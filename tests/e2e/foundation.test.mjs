// Foundation end-to-end tests: the built app in headless Chromium, served from a sub-path.
//
// DOM contract these tests rely on (the UI implements exactly these data-testid hooks):
//   app-ready        present once the app mounted and the first frame drew
//   clock            virtual time; attribute data-now-ms = current virtual ms (integer)
//   play-pause       button toggling run/pause; data-running="true|false"
//   step             advances 100 ms of virtual time while paused
//   speed            <select> with values 0.25 0.5 1 2 4 8 16 32 64
//   reset            resets the sandbox
//   producer-toggle  button; data-running="true|false" (producer `clickstream`, 5 records/s
//                    into stream `orders`, running at start)
//   producer-rate    number input
//   put-key, put-data, put-ehk (optional explicit hash key), put-submit
//   put-result       after a put: data-shard-id, data-sequence-number
//   put-error        on error: the AWS error type + message
//   records-table    the most recent records (up to 200), rows tr[data-testid=record-row] with
//                    data-shard-id, data-sequence-number, data-partition-key
//   inspector        opened by clicking a row; insp-partition-key, insp-hash-key (decimal),
//                    insp-shard, insp-seq, insp-arrival, insp-data-text, insp-data-bytes
//   stream-canvas    the canvas with the shard lanes
//   theme-toggle     flips document.documentElement.dataset.theme between dark and light
// Stream `orders` has 4 shards with the AWS even split of the 128-bit hash key space, and a key
// routes by MD5(utf8 key) read big-endian (recomputed here with node:crypto).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSession,
  withPage,
  tid,
  nowMs,
  setRunning,
  recordRows,
  putRecord,
  poll,
  sleep,
  hashKey,
  shardIndexFor,
  shardId,
  utf8Hex,
} from './helpers.mjs';

const SHARDS = 4;
const TEST_TIMEOUT = 120_000;

let session;

before(async () => {
  session = await startSession();
});

after(async () => {
  await session?.close();
});

/** Clock running and the producer's first record in the table: the stream is ACTIVE. */
async function sandboxActive(page) {
  await setRunning(page, 'play-pause', true);
  await page.waitForSelector(`${tid('records-table')} tr${tid('record-row')}`, { timeout: 30_000 });
}

test('(a) the app loads: ready, canvas and controls present, nothing logged as an error', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    // Let it run a little: errors often show up on the first frames, not at mount.
    await sleep(2_000);

    const canvas = await page.$(tid('stream-canvas'));
    assert.ok(canvas, 'stream-canvas is present');
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 0 && box.height > 0, `stream-canvas has a size: ${JSON.stringify(box)}`);
    assert.equal(await canvas.evaluate((c) => c.tagName), 'CANVAS');

    for (const id of ['clock', 'play-pause', 'step', 'speed', 'reset', 'producer-toggle', 'producer-rate',
      'put-key', 'put-data', 'put-ehk', 'put-submit', 'records-table', 'theme-toggle']) {
      assert.ok(await page.$(tid(id)), `[data-testid=${id}] is present`);
    }
    await nowMs(page); // throws unless data-now-ms is an integer
    const speeds = await page.$$eval(`select${tid('speed')} option`, (os) => os.map((o) => o.value));
    assert.deepEqual(speeds.map(Number), [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64]);

    // Theme toggle flips dark <-> light and back.
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const t0 = await theme();
    assert.ok(t0 === 'dark' || t0 === 'light', `initial theme is dark or light, got ${t0}`);
    const flipped = t0 === 'dark' ? 'light' : 'dark';
    await page.click(tid('theme-toggle'));
    await poll(async () => (await theme()) === flipped, { what: `theme ${flipped}` });
    await page.click(tid('theme-toggle'));
    await poll(async () => (await theme()) === t0, { what: `theme back to ${t0}` });

    assert.deepEqual(session.log.consoleErrors, [], 'no console errors');
    assert.deepEqual(session.log.pageErrors, [], 'no page errors');
    assert.deepEqual(session.log.foreignRequests, [], 'no requests to other origins');
  });
});

test('(b) puts route by MD5 to the predicted shard, sequence numbers increase per shard', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await sandboxActive(page);
    await setRunning(page, 'producer-toggle', false);

    const keys = Array.from({ length: 20 }, (_, i) => `e2e-${i}`);
    const results = [];
    for (const [i, key] of keys.entries()) {
      results.push(await putRecord(page, { key, data: `payload ${i}` }));
    }

    // The table may refresh at a lower rate than the put result: wait for all 20 rows, then
    // compare (on a timeout too, so the failure says which keys are missing).
    const mineOf = async () => (await recordRows(page)).filter((r) => r.partitionKey.startsWith('e2e-'));
    await poll(async () => (await mineOf()).length >= keys.length, { timeout: 10_000 }).catch(() => {});
    const all = await recordRows(page);
    const mine = all.filter((r) => r.partitionKey.startsWith('e2e-'));
    const found = mine.map((r) => r.partitionKey);
    assert.deepEqual(
      [...found].sort(),
      [...keys].sort(),
      `exactly one row per key e2e-0..e2e-19; missing: [${keys.filter((k) => !found.includes(k))}]; ` +
        `newest rows' keys: [${all.slice(0, 30).map((r) => r.partitionKey)}] ` +
        '(a put that went out with another key means the form sent something other than what was typed)',
    );

    const byKey = new Map(mine.map((r) => [r.partitionKey, r]));
    const lastSeqByShard = new Map();
    for (const [i, key] of keys.entries()) {
      const row = byKey.get(key);
      const expected = shardId(shardIndexFor(key, SHARDS));
      assert.equal(row.shardId, expected, `${key} (hash ${hashKey(key)}) is on ${expected}`);
      assert.match(row.sequenceNumber, /^\d+$/, `${key} sequence number is decimal`);
      assert.deepEqual(results[i], { shardId: row.shardId, sequenceNumber: row.sequenceNumber },
        `put-result for ${key} matches its row`);

      const seq = BigInt(row.sequenceNumber);
      const prev = lastSeqByShard.get(row.shardId);
      if (prev !== undefined) {
        assert.ok(seq > prev, `${key}: sequence number ${seq} > previous on ${row.shardId} (${prev})`);
      }
      lastSeqByShard.set(row.shardId, seq);
    }

    // What the put-result shows now is the last put's.
    const last = byKey.get(keys.at(-1));
    assert.equal(await page.getAttribute(tid('put-result'), 'data-shard-id'), last.shardId);
    assert.equal(await page.getAttribute(tid('put-result'), 'data-sequence-number'), last.sequenceNumber);
  });
});

test('(c) pause stops virtual time, step adds 100 ms, resume continues', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await setRunning(page, 'play-pause', false);
    // The clock display may lag one UI refresh behind the pause; let it settle.
    await sleep(500);
    const paused = await nowMs(page);
    await sleep(1_500);
    assert.equal(await nowMs(page), paused, 'virtual time does not move while paused');

    await page.click(tid('step'));
    const stepped = await poll(async () => {
      const n = await nowMs(page);
      return n !== paused ? n : null;
    }, { timeout: 5_000, what: 'the clock to change after step' });
    assert.equal(stepped, paused + 100, 'step advances exactly 100 ms');
    await sleep(300);
    assert.equal(await nowMs(page), stepped, 'still paused after the step');
    assert.equal(await page.getAttribute(tid('play-pause'), 'data-running'), 'false');

    await setRunning(page, 'play-pause', true);
    await poll(async () => (await nowMs(page)) > stepped, { timeout: 5_000, what: 'time to grow after resume' });
  });
});

test('(d) clicking a record row opens the inspector with its key and decoded data', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await sandboxActive(page);
    await setRunning(page, 'producer-toggle', false);

    const key = 'e2e-inspect';
    const data = 'héllo → kinesis ✓ {"n":1}'; // multi-byte UTF-8 on purpose
    const put = await putRecord(page, { key, data });

    const rowSel = `${tid('records-table')} tr${tid('record-row')}[data-partition-key="${key}"]`;
    await page.waitForSelector(rowSel, { timeout: 10_000 });
    assert.equal(await page.getAttribute(rowSel, 'data-sequence-number'), put.sequenceNumber);
    // By selector, not element handle: the table re-renders, and a locator click re-resolves.
    await page.click(rowSel);

    const insp = tid('inspector');
    await page.waitForSelector(`${insp} ${tid('insp-partition-key')}`, { timeout: 10_000 });
    const text = async (id) => (await page.textContent(`${insp} ${tid(id)}`))?.trim();

    assert.equal(await text('insp-partition-key'), key);
    assert.equal(await text('insp-data-text'), data);
    const hex = (await text('insp-data-bytes')).replace(/\s+/g, '').toLowerCase();
    assert.ok(hex.includes(utf8Hex(data)), `insp-data-bytes shows the UTF-8 bytes (${utf8Hex(data)}), got ${hex}`);
    assert.equal(await text('insp-hash-key'), hashKey(key).toString(10));
    assert.equal(await text('insp-shard'), put.shardId);
    assert.equal(await text('insp-shard'), shardId(shardIndexFor(key, SHARDS)));
    assert.equal(await text('insp-seq'), put.sequenceNumber);
    assert.ok((await text('insp-arrival'))?.length > 0, 'arrival time shown');
  });
});

// Runs last (node:test runs a file's tests in order): covers every page opened above.
test('(a) the whole run: no console errors, page errors or foreign requests', async () => {
  assert.deepEqual(session.log.consoleErrors, [], `console errors:\n${session.report()}`);
  assert.deepEqual(session.log.pageErrors, [], `page errors:\n${session.report()}`);
  assert.deepEqual(session.log.foreignRequests, [], `foreign requests:\n${session.report()}`);
  assert.deepEqual(session.log.badResponses, [], `same-origin HTTP errors:\n${session.report()}`);
});
