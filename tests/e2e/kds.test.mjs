// Kinesis Data Streams end-to-end: split a shard and merge two from the UI, fire records from the
// API console, watch an iterator advance with GetRecords.
//
// Relies on the foundation contract (see foundation.test.mjs) plus:
//   stream-status    data-open-shards / data-closed-shards, text = StreamStatus
//   stream-canvas    ruler at y 30..52 from x 196 to width-16; lane i label at x < 196,
//                    y = 92 + i*54 .. +44 (lanes in shard-index order)
//   split-button, merge-button, console-input, console-run, console-entry[data-ok]
//   tab-iterators, iter-shard, iter-type, iter-create, iterator-row[data-total-records],
//   iter-get-records, page[data-records]

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSession, withPage, tid, setRunning, recordRows, poll } from './helpers.mjs';

const LABEL_W = 196;
const LANES_TOP = 92;
const LANE_STRIDE = 54;
let session;

before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

async function shardCounts(page) {
  const el = await page.$(tid('stream-status'));
  return {
    status: (await el.textContent()).trim(),
    open: Number(await el.getAttribute('data-open-shards')),
    closed: Number(await el.getAttribute('data-closed-shards')),
  };
}

async function readyFast(page) {
  await setRunning(page, 'play-pause', true);
  await page.selectOption(tid('speed'), '8');
  await setRunning(page, 'producer-toggle', false);
  await poll(async () => (await shardCounts(page)).status === 'ACTIVE', { what: 'stream ACTIVE', timeout: 20_000 });
}

test('split a shard at the ruler, then merge the two children, from the UI', { timeout: 120_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await readyFast(page);
    assert.deepEqual(await shardCounts(page), { status: 'ACTIVE', open: 4, closed: 0 });
    const box = await (await page.$(tid('stream-canvas'))).boundingBox();
    const width = box.width - LABEL_W - 16;
    // A point in the middle of shard 1's range: [1/4, 2/4) of the key space.
    await page.mouse.click(box.x + LABEL_W + width * 0.375, box.y + 41);
    await page.waitForSelector(`${tid('split-button')}:not([disabled])`);
    assert.match(await page.textContent(tid('split-button')), /SplitShard 1/);
    await page.click(tid('split-button'));
    await poll(async () => {
      const c = await shardCounts(page);
      return c.status === 'ACTIVE' && c.open === 5 && c.closed === 1;
    }, { what: 'split applied (5 open, 1 closed)', timeout: 30_000 });

    // Lanes are in index order: 0, 1 (closed), 2, 3, 4, 5; children 4 and 5 are adjacent.
    for (const lane of [4, 5]) {
      await page.mouse.click(box.x + 40, box.y + LANES_TOP + lane * LANE_STRIDE + 20);
    }
    await page.waitForSelector(`${tid('merge-button')}:not([disabled])`);
    assert.match(await page.textContent(tid('merge-button')), /MergeShards 4 \+ 5/);
    await page.click(tid('merge-button'));
    await poll(async () => {
      const c = await shardCounts(page);
      return c.status === 'ACTIVE' && c.open === 4 && c.closed === 3;
    }, { what: 'merge applied (4 open, 3 closed)', timeout: 30_000 });
  });
});

test('records fired from the API console land in the table', { timeout: 90_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await readyFast(page);
    await page.fill(
      tid('console-input'),
      'kinesis.put_records(StreamName="orders", Records=[{"Data": "a", "PartitionKey": "e2e-batch-1"}, {"Data": b"b", "PartitionKey": "e2e-batch-2"}])',
    );
    await page.click(tid('console-run'));
    await page.waitForSelector(`${tid('console-entry')}[data-ok="true"]`);
    const text = await page.textContent(tid('console-output'));
    assert.match(text, /"FailedRecordCount": 0/);
    await poll(async () => {
      const keys = (await recordRows(page)).map((r) => r.partitionKey);
      return keys.includes('e2e-batch-1') && keys.includes('e2e-batch-2');
    }, { what: 'console records in the table' });
  });
});

test('an iterator advances page by page with GetRecords', { timeout: 90_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.selectOption(tid('speed'), '8');
    await page.waitForSelector(`${tid('records-table')} tr${tid('record-row')}`, { timeout: 30_000 });
    // Let the producer (5 records/s) write for a few virtual seconds, then read shard by shard.
    await poll(async () => (await recordRows(page)).length >= 30, { what: '30 records', timeout: 30_000 });
    await page.click(tid('tab-iterators'));
    const rows = await recordRows(page).catch(() => []);
    void rows;
    await page.selectOption(tid('iter-type'), 'TRIM_HORIZON');
    await page.fill(tid('iter-limit'), '3');
    await page.click(tid('iter-create'));
    const row = `${tid('iterator-row')}`;
    await page.waitForSelector(row);
    const totals = [];
    for (let i = 0; i < 3; i++) {
      await page.click(`${row} ${tid('iter-get-records')}`);
      await poll(async () => (await page.$$(`${row} ${tid('page')}`)).length === i + 1, { what: `page ${i + 1}` });
      totals.push(Number(await page.getAttribute(row, 'data-total-records')));
    }
    assert.ok(totals[0] >= 1 && totals[0] <= 3, `first page holds 1..3 records (Limit 3): ${totals}`);
    assert.ok(totals[2] > totals[0], `the iterator moved forward: ${totals}`);
    assert.ok(totals.every((v, i) => i === 0 || v >= totals[i - 1]), `never backwards: ${totals}`);
  });
});
