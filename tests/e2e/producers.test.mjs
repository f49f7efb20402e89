// The Producers & Lambda tab end-to-end: an SDK producer over a shard's capacity is throttled and
// retries, a KPL producer aggregates, a Lambda mapping with a poison key bisects, exhausts its
// retries and sends an invocation record to the on-failure destination.
//
// Relies on the foundation contract (see foundation.test.mjs) plus:
//   tab-apps                      the tab button; apps-panel its panel
//   apps-producer-form            name (apps-producer-name), apps-workload, apps-client
//                                 (SDK_PUT_RECORD | SDK_PUT_RECORDS | KPL | AGENT | DIRECT), apps-rate,
//                                 apps-keys (UNIFORM | ZIPF | HOT_KEY | EVEN_HASH_KEYS), apps-shape,
//                                 submit apps-producer-start; apps-producer-error on failure
//   apps-producer-NAME            a producers-table row: data-mode, data-sent, data-throttles, data-retries;
//                                 apps-stop-NAME its Stop button
//   apps-esm-form                 apps-esm-function, apps-esm-position, apps-esm-batch, apps-esm-retries,
//                                 apps-esm-poison, apps-esm-duration, apps-esm-bisect, apps-esm-report,
//                                 submit apps-esm-create
//   apps-esm                      a mapping card (data-uuid): apps-esm-toggle, apps-esm-fix,
//                                 apps-esm-stats, apps-invocations (rows carry data-outcome), apps-dlq

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSession, withPage, tid, setRunning, poll } from './helpers.mjs';

const TEST_TIMEOUT = 120_000;

let session;

before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

function noErrors() {
  assert.deepEqual(session.log.pageErrors, [], `no page errors: ${session.report()}`);
  assert.deepEqual(session.log.consoleErrors, [], `no console errors: ${session.report()}`);
  assert.deepEqual(session.log.foreignRequests, [], `offline: ${session.report()}`);
}

/** Running at speed 8 with the Producers & Lambda tab open. */
async function openTab(page) {
  await setRunning(page, 'play-pause', true);
  await page.selectOption(tid('speed'), '8');
  await page.click(tid('tab-apps'));
  await page.waitForSelector(tid('apps-panel'));
}

async function startProducer(page, { name, client, workload = 'CLICKSTREAM', rate, keys = 'UNIFORM' }) {
  await page.fill(tid('apps-producer-name'), name);
  await page.selectOption(tid('apps-workload'), workload);
  await page.selectOption(tid('apps-client'), client);
  await page.fill(tid('apps-rate'), String(rate));
  await page.selectOption(tid('apps-keys'), keys);
  await page.click(tid('apps-producer-start'));
  await page.waitForSelector(tid(`apps-producer-${name}`));
  assert.equal(await page.$(tid('apps-producer-error')), null);
}

async function row(page, name) {
  const el = await page.$(tid(`apps-producer-${name}`));
  const n = async (a) => Number(await el.getAttribute(a));
  return {
    mode: await el.getAttribute('data-mode'),
    sent: await n('data-sent'),
    throttles: await n('data-throttles'),
    retries: await n('data-retries'),
    text: await el.textContent(),
  };
}

test('an SDK producer over a hot shard is throttled, retries, and can be stopped', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await openTab(page);
    await startProducer(page, { name: 'sdk-1', client: 'SDK_PUT_RECORD', rate: 3000, keys: 'HOT_KEY' });
    const r = await poll(async () => {
      const r = await row(page, 'sdk-1');
      return r.throttles > 100 && r.retries > 100 ? r : null;
    }, { what: 'throttles and retries', timeout: 30_000 });
    assert.equal(r.mode, 'SDK');
    assert.ok(r.sent > 0);
    assert.match(r.text, /SDK PutRecord/);
    assert.match(r.text, /awaiting retry/);
    await page.click(tid('apps-stop-sdk-1'));
    await poll(async () => /stopped/.test((await row(page, 'sdk-1')).text), { what: 'stopped pill' });
    noErrors();
  });
});

test('a KPL producer packs many user records into each Kinesis record', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await openTab(page);
    await startProducer(page, { name: 'kpl-1', client: 'KPL', rate: 2000, workload: 'IOT_TELEMETRY' });
    const ratio = await poll(async () => {
      const r = await row(page, 'kpl-1');
      const m = r.text.match(/([\d.]+) user records per Kinesis record/);
      return r.sent > 2000 && m ? Number(m[1]) : null;
    }, { what: 'KPL sends', timeout: 30_000 });
    assert.ok(ratio > 10, `aggregation ratio ${ratio}`);
    assert.equal((await row(page, 'kpl-1')).mode, 'KPL');
    noErrors();
  });
});

test('a Lambda mapping bisects a poison record, exhausts retries and reports to its destination', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await openTab(page);
    // The sandbox's clickstream producer writes keys user-0 … user-49; user-13 is the poison.
    await page.selectOption(tid('apps-esm-position'), 'TRIM_HORIZON');
    await page.fill(tid('apps-esm-batch'), '8');
    await page.fill(tid('apps-esm-retries'), '1');
    await page.fill(tid('apps-esm-poison'), 'user-13');
    await page.fill(tid('apps-esm-duration'), '100');
    await page.check(tid('apps-esm-bisect'));
    await page.click(tid('apps-esm-create'));
    await page.waitForSelector(tid('apps-esm'));
    // The form kept what was typed (re-renders never reset it).
    assert.equal(await page.inputValue(tid('apps-esm-batch')), '8');
    assert.equal(await page.isChecked(tid('apps-esm-bisect')), true);
    await poll(async () => (await page.$(`${tid('apps-invocations')} tr[data-outcome="FunctionError"]`)) !== null, {
      what: 'a failed invocation',
      timeout: 60_000,
    });
    await page.waitForSelector(tid('apps-dlq'), { timeout: 60_000 });
    await page.click(`${tid('apps-dlq')} summary`);
    const record = JSON.parse(await page.$eval(`${tid('apps-dlq')} pre`, (p) => p.textContent));
    assert.equal(record.requestContext.condition, 'RetryAttemptsExhausted');
    assert.equal(record.KinesisBatchInfo.batchSize, 1, 'bisected down to the poison record');
    assert.equal(record.version, '1.0');
    assert.match(record.KinesisBatchInfo.streamArn, /stream\/orders$/);
    const stats = await page.$eval(tid('apps-esm-stats'), (e) => e.textContent);
    assert.match(stats, /[1-9]\d* batches \(\d+ records\) discarded/);
    // Disable, then enable again.
    await page.click(tid('apps-esm-toggle'));
    await poll(async () => /Disabled/.test(await page.$eval(tid('apps-esm'), (e) => e.textContent)), { what: 'Disabled' });
    await page.click(tid('apps-esm-toggle'));
    await poll(async () => /Enabled/.test(await page.$eval(tid('apps-esm'), (e) => e.textContent)), { what: 'Enabled' });
    noErrors();
  });
});
