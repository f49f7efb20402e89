// The Metrics, Lineage and Cost tabs end-to-end: charts fill and follow the producer, the lineage
// graph follows a split, the cost meter runs.
//
// Relies on the foundation contract (see foundation.test.mjs) plus:
//   tab-metrics, tab-lineage, tab-cost        the tab buttons
//   metrics-panel      figure[data-testid=metric-chart] per metric, attributes data-metric (the
//                      stream-level CloudWatch name), data-last-value (last complete period, an
//                      integer), data-max-value (largest value in the window)
//   metrics-shard      <select>: "" = stream level, or a shard index
//   metrics-per-second / metrics-per-minute   period buttons (aria-pressed)
//   lineage-panel      g[data-testid=lineage-node] per listed shard: data-shard-id, data-state
//                      (OPEN | CLOSED); edges are path.edge[data-from][data-to]
//   cost-panel         cost-total[data-dollars], cost-line rows, cost-other[data-dollars],
//                      cost-projection
//   producer-keys      <select> UNIFORM | HOT_KEY (80% of records use key user-0)
//   stream-status      data-open-shards / data-closed-shards, text = StreamStatus

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSession, withPage, tid, setRunning, poll, shardIndexFor, shardId } from './helpers.mjs';

const SHARDS = 4;
const LABEL_W = 196;
const TEST_TIMEOUT = 120_000;
const REQUIRED_METRICS = [
  'IncomingRecords',
  'IncomingBytes',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'GetRecords.IteratorAgeMilliseconds',
];

let session;

before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

async function streamStatus(page) {
  const el = await page.$(tid('stream-status'));
  return {
    status: (await el.textContent()).trim(),
    open: Number(await el.getAttribute('data-open-shards')),
    closed: Number(await el.getAttribute('data-closed-shards')),
  };
}

/** Running at speed 8 with stream `orders` ACTIVE. */
async function readyFast(page) {
  await setRunning(page, 'play-pause', true);
  await page.selectOption(tid('speed'), '8');
  await poll(async () => (await streamStatus(page)).status === 'ACTIVE', { what: 'stream ACTIVE', timeout: 20_000 });
}

/** {last, max, name} of the chart of `metric` (stream-level name). */
async function chart(page, metric) {
  const sel = `${tid('metric-chart')}[data-metric="${metric}"]`;
  const el = await page.$(sel);
  if (!el) return null;
  return {
    last: Number(await el.getAttribute('data-last-value')),
    max: Number(await el.getAttribute('data-max-value')),
    name: (await el.$eval('.metric-name', (n) => n.textContent)).trim(),
  };
}

function noErrors() {
  assert.deepEqual(session.log.pageErrors, [], `no page errors: ${session.report()}`);
  assert.deepEqual(session.log.consoleErrors, [], `no console errors: ${session.report()}`);
}

test('Metrics: charts follow the producer, throttling shows on the hot shard only', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await readyFast(page);
    await setRunning(page, 'producer-toggle', true);
    await page.fill(tid('producer-rate'), '1500');
    await page.press(tid('producer-rate'), 'Tab');
    await page.selectOption(tid('producer-keys'), 'HOT_KEY');

    await page.click(tid('tab-metrics'));
    await page.waitForSelector(tid('metrics-panel'));
    const metrics = await page.$$eval(tid('metric-chart'), (cs) => cs.map((c) => c.getAttribute('data-metric')));
    for (const m of REQUIRED_METRICS) assert.ok(metrics.includes(m), `a chart for ${m}: ${metrics}`);
    for (const m of metrics) {
      const v = await page.getAttribute(`${tid('metric-chart')}[data-metric="${m}"]`, 'data-last-value');
      assert.match(v, /^\d+$/, `${m} data-last-value is an integer`);
    }

    // 1,500 records/s with 80% on one key: > 1,000/s into one shard, so it throttles.
    await poll(async () => (await chart(page, 'IncomingRecords')).last > 500, { what: 'IncomingRecords > 500/s', timeout: 20_000 });
    await poll(async () => (await chart(page, 'WriteProvisionedThroughputExceeded')).max > 0, {
      what: 'WriteProvisionedThroughputExceeded > 0',
      timeout: 20_000,
    });
    const bytes = await chart(page, 'IncomingBytes');
    assert.ok(bytes.last > 0, `IncomingBytes last value > 0: ${JSON.stringify(bytes)}`);
    const age = await chart(page, 'GetRecords.IteratorAgeMilliseconds');
    assert.equal(age.last, 0, 'no GetRecords calls: no iterator age');

    // Shard level: the hot key's shard throttles, another shard does not.
    const hot = shardIndexFor('user-0', SHARDS);
    const cold = (hot + 1) % SHARDS;
    await page.selectOption(tid('metrics-shard'), String(hot));
    await poll(async () => (await chart(page, 'GetRecords.IteratorAgeMilliseconds'))?.name === 'IteratorAgeMilliseconds', {
      what: 'shard-level metric names',
    });
    await poll(async () => (await chart(page, 'WriteProvisionedThroughputExceeded')).max > 0, {
      what: `${shardId(hot)} throttled`,
    });
    await page.selectOption(tid('metrics-shard'), String(cold));
    await poll(async () => (await chart(page, 'IncomingRecords')).last > 0, { what: `${shardId(cold)} takes records` });
    assert.equal((await chart(page, 'WriteProvisionedThroughputExceeded')).max, 0, `${shardId(cold)} is not throttled`);
    await page.selectOption(tid('metrics-shard'), '');

    // Per minute: the minute's Sum holds many seconds' worth.
    const perSecondMax = (await chart(page, 'IncomingRecords')).max;
    await page.click(tid('metrics-per-minute'));
    assert.equal(await page.getAttribute(tid('metrics-per-minute'), 'aria-pressed'), 'true');
    await poll(async () => (await chart(page, 'IncomingRecords')).max > perSecondMax, { what: 'per-minute sum > per-second max' });
    await page.click(tid('metrics-per-second'));

    // The charts update: stop the producer and the last value falls to 0.
    await setRunning(page, 'producer-toggle', false);
    await poll(async () => (await chart(page, 'IncomingRecords')).last === 0, { what: 'IncomingRecords back to 0', timeout: 20_000 });
    noErrors();
  });
});

test('Lineage: 4 OPEN shards at start; a split closes the parent and adds two children', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await readyFast(page);
    await setRunning(page, 'producer-toggle', false);
    await page.click(tid('tab-lineage'));
    await page.waitForSelector(tid('lineage-panel'));
    const nodes = () =>
      page.$$eval(tid('lineage-node'), (ns) => ns.map((n) => `${n.getAttribute('data-shard-id')}=${n.getAttribute('data-state')}`));
    assert.deepEqual(await nodes(), [0, 1, 2, 3].map((i) => `${shardId(i)}=OPEN`));
    assert.equal((await page.$$('.lineage-svg path.edge')).length, 0, 'no edges before a reshard');

    // Split shard 1 in the middle of its range, as the kds tests do (ruler click + split button).
    const box = await (await page.$(tid('stream-canvas'))).boundingBox();
    await page.mouse.click(box.x + LABEL_W + (box.width - LABEL_W - 16) * 0.375, box.y + 41);
    await page.waitForSelector(`${tid('split-button')}:not([disabled])`);
    await page.click(tid('split-button'));
    await poll(async () => (await nodes()).length === 6, { what: '6 lineage nodes after the split', timeout: 30_000 });
    assert.deepEqual(await nodes(), [
      `${shardId(0)}=OPEN`,
      `${shardId(1)}=CLOSED`,
      `${shardId(2)}=OPEN`,
      `${shardId(3)}=OPEN`,
      `${shardId(4)}=OPEN`,
      `${shardId(5)}=OPEN`,
    ]);
    const edges = await page.$$eval('.lineage-svg path.edge', (es) =>
      es.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`).sort(),
    );
    assert.deepEqual(edges, [`${shardId(1)}>${shardId(4)}`, `${shardId(1)}>${shardId(5)}`]);
    // The closed parent's tooltip carries its EndingSequenceNumber.
    const tip = await page.$eval(`${tid('lineage-node')}[data-shard-id="${shardId(1)}"] title`, (n) => n.textContent);
    assert.match(tip, /EndingSequenceNumber/);
    noErrors();
  });
});

test('Cost: the meter runs, with line items, the other mode and projections', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await readyFast(page);
    await page.click(tid('tab-cost'));
    await page.waitForSelector(tid('cost-panel'));
    const total = async () => Number(await page.getAttribute(tid('cost-total'), 'data-dollars'));
    const first = await total();
    assert.ok(Number.isFinite(first) && first > 0, `a positive total: ${first}`);
    await poll(async () => (await total()) > first, { what: 'the total grows with virtual time' });
    const items = await page.$$eval(tid('cost-line'), (rs) => rs.map((r) => r.getAttribute('data-item')));
    assert.ok(items.includes('Shard-hours') && items.includes('PUT payload units'), `provisioned line items: ${items}`);
    const other = Number(await page.getAttribute(tid('cost-other'), 'data-dollars'));
    assert.ok(other > 0, `the other mode is priced: ${other}`);
    assert.match(await page.textContent(tid('cost-other')), /ON_DEMAND/);
    assert.match(await page.textContent(tid('cost-projection')), /per month[\s\S]*\$\d/);
    assert.match(await page.textContent(tid('cost-panel')), /as of \d{4}-\d{2}-\d{2}/);
    noErrors();
  });
});
