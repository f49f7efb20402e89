// The Kafka (MSK) tab end-to-end (semantics.md §6).
//
// 1. Create a 6-partition topic with the form, start a producer client and a consumer group of two
//    members (range assignor): each member owns three partitions. Add a third member: the group
//    rebalances (generation goes up) and every partition is owned by exactly one of the three.
// 2. Replay: with committed offsets well past 0, "reset to earliest" seeks every member to the
//    beginning: committed offsets drop, lag jumps, and the group reads the log again.
// 3. Fail a broker: no partition keeps its leader there; recover it.
//
// Relies on the foundation contract (see foundation.test.mjs) plus:
//   tab-kafka, kf-panel; kf-topic-form: kf-topic-name kf-topic-partitions kf-topic-policy
//   kf-topic-create; kf-topic-chip (data-name); kf-partition (data-partition data-hw data-leo
//   data-lso data-records); kf-producer-form: kf-producer-rate kf-producer-start;
//   kf-consumer-form: kf-group-name kf-group-members kf-group-assignor kf-group-start;
//   kf-group (data-group data-state data-generation data-members) > kf-member (data-member) >
//   kf-owned ("P0 P1 …"); kf-add-member; kf-lag-row (data-partition data-lag data-committed);
//   kf-replay-to, kf-replay; kf-broker (data-broker data-online) > kf-broker-fail / -recover;
//   kf-replica (data-broker data-partition data-role leader|follower|oos|down)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSession, withPage, tid, setRunning, poll, screenshot } from './helpers.mjs';

let session;

before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

async function group(page, name) {
  return page.$eval(`${tid('kf-group')}[data-group="${name}"]`, (g) => ({
    state: g.dataset.state,
    generation: Number(g.dataset.generation),
    members: Number(g.dataset.members),
    owned: [...g.querySelectorAll('[data-testid="kf-owned"]')].map((o) =>
      o.textContent.split(/\s+/).filter((s) => /^P\d+$/.test(s)).map((s) => Number(s.slice(1)))),
    reprocessed: Number(g.dataset.reprocessed),
    committed: [...g.querySelectorAll('[data-testid="kf-lag-row"]')].map((r) => Number(r.dataset.committed)),
    lag: [...g.querySelectorAll('[data-testid="kf-lag-row"]')].map((r) => Number(r.dataset.lag)),
  }));
}

function assertPartitionsOwnedOnce(owned, partitions) {
  const all = owned.flat().sort((a, b) => a - b);
  assert.deepEqual(all, [...Array(partitions).keys()], `every partition owned exactly once: ${JSON.stringify(owned)}`);
}

async function setup(page) {
  await page.click(tid('tab-kafka'));
  await page.waitForSelector(tid('kf-topic-form'));
  await page.fill(tid('kf-topic-name'), 'orders');
  await page.fill(tid('kf-topic-partitions'), '6');
  await page.click(tid('kf-topic-create'));
  await page.waitForSelector(`${tid('kf-topic-chip')}[data-name="orders"]`);
  assert.equal(await page.locator(tid('kf-partition')).count(), 6);
  await page.fill(tid('kf-producer-rate'), '30');
  await page.fill(tid('kf-producer-keys'), '40'); // 12 keys leave partition 4 of 6 empty (murmur2)
  await page.click(tid('kf-producer-start'));
  await page.fill(tid('kf-group-name'), 'billing');
  await page.fill(tid('kf-group-members'), '2');
  await page.click(tid('kf-group-start'));
  await page.selectOption(tid('speed'), '4');
  await setRunning(page, 'play-pause', true);
}

test('a group of two, then a third member: the group rebalances and each partition has one owner', { timeout: 120_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setup(page);
    let g;
    await poll(async () => {
      g = await group(page, 'billing');
      return g.state === 'Stable' && g.members === 2 && g.owned.flat().length === 6;
    }, { what: 'a stable group of two owning all six partitions', timeout: 30_000, interval: 100 });
    assert.deepEqual(g.owned.map((o) => o.length), [3, 3]);
    assertPartitionsOwnedOnce(g.owned, 6);
    const before = g.generation;

    await page.click(`${tid('kf-group')}[data-group="billing"] ${tid('kf-add-member')}`);
    await poll(async () => {
      g = await group(page, 'billing');
      return g.state === 'Stable' && g.members === 3 && g.generation > before && g.owned.flat().length === 6;
    }, { what: 'a stable group of three after the rebalance', timeout: 30_000, interval: 100 });
    assert.deepEqual(g.owned.map((o) => o.length), [2, 2, 2]);
    assertPartitionsOwnedOnce(g.owned, 6);
    await screenshot(page, 'kafka-rebalanced');

    // Replay: wait until every partition has committed records, then reset to earliest. The
    // members seek to the beginning and process the whole log again: the app's "again" count
    // (records processed more than once) jumps by at least what had been committed.
    await poll(async () => {
      g = await group(page, 'billing');
      return g.committed.length === 6 && g.committed.every((c) => c >= 5);
    }, { what: 'committed offsets past 5 on every partition', timeout: 40_000, interval: 200 });
    const committedBefore = g.committed;
    const againBefore = g.reprocessed;
    const replayable = committedBefore.reduce((a, b) => a + b, 0);
    await page.selectOption(`${tid('kf-group')}[data-group="billing"] ${tid('kf-replay-to')}`, 'earliest');
    await page.click(`${tid('kf-group')}[data-group="billing"] ${tid('kf-replay')}`);
    await poll(async () => {
      g = await group(page, 'billing');
      return g.reprocessed - againBefore >= replayable;
    }, { what: `the group reads the log again (${replayable} records re-processed)`, timeout: 40_000, interval: 100 });
    // …and its committed offsets end up past where they were.
    await poll(async () => {
      g = await group(page, 'billing');
      return g.committed.every((c, i) => c >= committedBefore[i]);
    }, { what: 'the group caught up again after replaying', timeout: 40_000, interval: 200 });
    await screenshot(page, 'kafka-replayed');
  });
});

test('failing a broker moves its leaders to in-sync followers; recovering brings it back', { timeout: 90_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setup(page);
    await page.click(`${tid('kf-broker')}[data-broker="1"] ${tid('kf-broker-fail')}`);
    await page.waitForSelector(`${tid('kf-broker')}[data-broker="1"][data-online="false"]`);
    const leadersOn1 = await page.locator(`${tid('kf-replica')}[data-broker="1"][data-role="leader"]`).count();
    assert.equal(leadersOn1, 0, 'no leader left on the failed broker');
    const leaders = await page.locator(`${tid('kf-replica')}[data-role="leader"]`).count();
    assert.equal(leaders, 6, 'every partition has a leader on the two live brokers');
    await screenshot(page, 'kafka-broker-failed');
    await page.click(`${tid('kf-broker')}[data-broker="1"] ${tid('kf-broker-recover')}`);
    await page.waitForSelector(`${tid('kf-broker')}[data-broker="1"][data-online="true"]`);
  });
});
