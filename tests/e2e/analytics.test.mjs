// The Analytics (Flink) tab end-to-end (semantics.md §5).
//
// 1. A one-shard stream feeds a Flink SQL application created with the form (the prefilled 10 s
//    tumbling COUNT/SUM per customer, 2 s checkpoints): 20 in-order records, then one record 20 s
//    ahead of the watermark fires their windows; after a checkpoint the rows are in the
//    exactly-once table. A record 20 s behind the watermark is previewed as side output and lands in
//    the late side output with its lateness.
// 2. With no checkpoint completed (60 s interval), killing the task manager shows RESTARTING, then
//    RUNNING; the job replays from the initial positions and the at-least-once log shows the
//    re-fired panes as duplicates.
//
// Relies on the foundation contract (see foundation.test.mjs) plus:
//   tab-analytics, an-panel             the tab and its panel
//   an-form: an-name an-sql an-ckpt an-parallelism an-lateness an-idle an-create an-start;
//            an-create-ok / an-create-error; an-sql-error (data-line, data-column) / an-sql-ok
//   an-status                           status pill: READY STARTING RUNNING … or RESTARTING
//   an-kill, an-batch, an-batch-result (data-equal)
//   an-fire-20, an-event-offset (range, ms vs the watermark), an-preview (data-side-output),
//   an-fire-btn, an-fire-result
//   an-results > an-result-row; an-alo > an-alo-row (data-duplicate); an-late > an-late-row
//   (data-lateness-ms); an-checkpoint (data-status); an-plot (canvas), an-keygroups,
//   an-graph (data-records-in: records the source read)

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

async function oneShardStream(page, name) {
  await page.click(tid('stream-new'));
  await page.fill(tid('create-name'), name);
  await page.fill(tid('create-count'), '1');
  await page.click(tid('create-submit'));
  await page.waitForSelector(`${tid('stream-status')}:text("ACTIVE")`, { timeout: 30_000 });
  await poll(async () => (await page.$eval(tid('stream-select'), (s) => s.value)) === name, { what: `${name} shown` });
}

async function createAndStart(page, { name, ckpt }) {
  await page.click(tid('tab-analytics'));
  await page.waitForSelector(tid('an-form'));
  await page.fill(tid('an-name'), name);
  await page.fill(tid('an-ckpt'), String(ckpt));
  await page.fill(tid('an-parallelism'), '2');
  await page.click(tid('an-create'));
  const outcome = await Promise.race([
    page.waitForSelector(tid('an-create-ok'), { timeout: 10_000 }).then(() => null),
    page.waitForSelector(tid('an-create-error'), { timeout: 10_000 }).then((e) => e.textContent()),
  ]);
  assert.equal(outcome, null, `CreateApplication failed: ${outcome}`);
  await page.waitForSelector(`${tid('an-status')}:text("READY")`);
  await page.click(tid('an-start'));
  await page.waitForSelector(`${tid('an-status')}:text("RUNNING")`, { timeout: 30_000 });
}

/** Moves the event-time slider to `ms` relative to the watermark. */
async function setOffset(page, ms) {
  await page.$eval(tid('an-event-offset'), (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
}

/** Fires 20 in-order records, then one 20 s ahead of the watermark (which fires their windows). */
async function fireAndAdvance(page) {
  await page.click(tid('an-fire-20'));
  await page.waitForSelector(`${tid('an-fire-result')}:text("20 records put, 0 failed")`);
  // Let the source read them (the watermark follows the largest event time minus 2 s).
  await poll(async () => Number(await page.getAttribute(tid('an-graph'), 'data-records-in')) >= 20, {
    what: 'the job read the 20 records', timeout: 30_000, interval: 100,
  });
  await setOffset(page, 20_000);
  await page.click(tid('an-fire-btn'));
  await page.waitForSelector(`${tid('an-fire-result')}:text("put event time")`);
}

test('Flink SQL tumbling window: fired rows commit on a checkpoint; a record behind the watermark goes to the late side output', { timeout: 150_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.selectOption(tid('speed'), '4');
    await oneShardStream(page, 'an-src');
    await page.click(tid('tab-analytics'));
    await page.waitForSelector(tid('an-panel'));

    // The editor is prefilled with a query over the shown stream, and it compiles.
    const sql = await page.$eval(tid('an-sql'), (t) => t.value);
    assert.match(sql, /'stream' = 'an-src'/);
    assert.match(sql, /TUMBLE\(TABLE orders, DESCRIPTOR\(ts\), INTERVAL '10' SECOND\)/);
    await page.waitForSelector(tid('an-sql-ok'));
    // Live validation points at the error.
    await page.fill(tid('an-sql'), sql.replace('GROUP BY window_start, window_end, customer', 'GROUP BY customer'));
    const err = await page.waitForSelector(tid('an-sql-error'));
    assert.match(await err.textContent(), /^line \d+, column \d+: /);
    await page.fill(tid('an-sql'), sql);
    await page.waitForSelector(tid('an-sql-ok'));

    await createAndStart(page, { name: 'counts-e2e', ckpt: 2000 });
    await fireAndAdvance(page);

    // Fired rows appear in the exactly-once table once a checkpoint completes.
    await poll(async () => (await page.$$(tid('an-result-row'))).length >= 3, {
      what: 'committed rows in an-results', timeout: 40_000, interval: 100,
    });
    await page.waitForSelector(`${tid('an-checkpoint')}[data-status="COMPLETED"]`);
    const rows = await page.$$eval(tid('an-result-row'), (rs) => rs.map((r) => r.textContent));
    assert.ok(rows.some((r) => /acme/.test(r)), rows.join('\n'));

    // A record 20 s behind the watermark: its window has fired; the preview says side output.
    await setOffset(page, -20_000);
    await page.waitForSelector(`${tid('an-preview')}[data-side-output="true"]`);
    assert.match(await page.textContent(tid('an-preview')), /side output \(late by \d+ ms\)/);
    await page.click(tid('an-fire-btn'));
    const late = await page.waitForSelector(tid('an-late-row'), { timeout: 30_000 });
    const lateness = Number(await late.getAttribute('data-lateness-ms'));
    assert.ok(lateness >= 15_000, `late by ${lateness} ms`);
    assert.match(await late.textContent(), /\d+ ms/);

    // The batch run over the same records: it keeps the late record the streaming job dropped,
    // so that one window differs.
    await page.click(tid('an-batch'));
    const batch = await page.waitForSelector(tid('an-batch-result'));
    assert.match(await batch.textContent(), /late records the streaming job dropped \(the batch keeps them\): 1/);

    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'analytics-light');
    await page.click(tid('theme-toggle'));
    await page.waitForTimeout(400);
    await screenshot(page, 'analytics-dark');
  });
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});

test('killing the task manager: RESTARTING, then RUNNING, and the replay shows duplicates in the at-least-once log', { timeout: 150_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.selectOption(tid('speed'), '4');
    await oneShardStream(page, 'an-kill');
    // No checkpoint completes before the kill: the job restarts from the initial positions.
    await createAndStart(page, { name: 'killed', ckpt: 600000 });
    await fireAndAdvance(page);
    await poll(async () => (await page.$$(tid('an-alo-row'))).length >= 3, {
      what: 'fired panes in the at-least-once log', timeout: 30_000, interval: 100,
    });
    assert.equal((await page.$$(`${tid('an-alo-row')}[data-duplicate="true"]`)).length, 0);

    await setRunning(page, 'play-pause', false);
    await page.click(tid('an-kill'));
    await page.waitForSelector(`${tid('an-status')}:text("RESTARTING")`, { timeout: 10_000 });
    await setRunning(page, 'play-pause', true);
    await page.waitForSelector(`${tid('an-status')}:text("RUNNING")`, { timeout: 30_000 });
    await page.waitForSelector(`${tid('an-alo-row')}[data-duplicate="true"]`, { timeout: 30_000 });
    const dups = Number(await page.getAttribute(tid('an-alo'), 'data-duplicates'));
    assert.ok(dups >= 1, `duplicates: ${dups}`);
  });
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});
