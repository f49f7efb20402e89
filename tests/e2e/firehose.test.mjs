// The Firehose tab end-to-end (semantics.md §4).
//
// 1. A Kinesis data stream feeds a delivery stream into S3 with small buffering (1 MiB / 60 s,
//    GZIP): records put with the put form come out, after an INTERVAL flush, as one object in the
//    bucket browser, and its downloaded bytes gunzip to exactly the records sent.
// 2. A Direct PUT delivery stream into an HTTP endpoint whose destination is down for 10 minutes:
//    deliveries retry (attempt counts climb) until the 60 s retry duration runs out, then the
//    data is backed up under http-endpoint-failed/ in the backup bucket.
//
// Relies on the foundation contract (see foundation.test.mjs) plus:
//   tab-firehose, fh-panel            the tab and its panel
//   fh-form: fh-name fh-source fh-dest fh-bucket fh-size fh-interval fh-compression fh-retry
//            fh-create; fh-create-ok / fh-create-error after submitting
//   fh-status                         the shown delivery stream's status pill (CREATING / ACTIVE)
//   fh-flush                          one per flush, newest first; data-reason SIZE | INTERVAL | …
//   fh-delivery                       one per pending delivery; data-attempts
//   fh-ledger                         data-delivered, data-backed-up
//   fh-object                         one per object at the browsed prefix; data-key; fh-download
//   fh-folder                         one per sub-prefix; data-prefix; fh-object-open, fh-preview-text
//   fh-outage-600, fh-fire-100        destination outage of 10 min; PutRecordBatch of 100 JSON lines

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { startSession, withPage, tid, setRunning, poll, putRecord } from './helpers.mjs';

let session;

before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

async function createDeliveryStream(page, fields) {
  await page.click(tid('tab-firehose'));
  await page.waitForSelector(tid('fh-form'));
  if (fields.dest) await page.selectOption(tid('fh-dest'), fields.dest);
  for (const [id, value] of Object.entries(fields.inputs)) await page.fill(tid(id), value);
  for (const [id, value] of Object.entries(fields.selects || {})) await page.selectOption(tid(id), value);
  await page.click(tid('fh-create'));
  const outcome = await Promise.race([
    page.waitForSelector(tid('fh-create-ok'), { timeout: 10_000 }).then(() => null),
    page.waitForSelector(tid('fh-create-error'), { timeout: 10_000 }).then((e) => e.textContent()),
  ]);
  assert.equal(outcome, null, `CreateDeliveryStream failed: ${outcome}`);
  await page.waitForSelector(`${tid('fh-detail')}[data-stream="${fields.inputs['fh-name']}"]`);
  await page.waitForSelector(`${tid('fh-status')}:text("ACTIVE")`, { timeout: 30_000 });
}

test('Kinesis stream → Firehose → S3: an INTERVAL flush writes one GZIP object that downloads to the records sent', { timeout: 120_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.selectOption(tid('speed'), '8');

    // A fresh one-shard data stream, shown in the main view (so the put form writes to it).
    await page.click(tid('stream-new'));
    await page.fill(tid('create-name'), 'fh-src');
    await page.fill(tid('create-count'), '1');
    await page.click(tid('create-submit'));
    await page.waitForSelector(`${tid('stream-status')}:text("ACTIVE")`, { timeout: 30_000 });
    await poll(async () => (await page.$eval(tid('stream-select'), (s) => s.value)) === 'fh-src', { what: 'fh-src shown' });

    await createDeliveryStream(page, {
      inputs: { 'fh-name': 'fh-e2e', 'fh-bucket': 'fh-e2e-data', 'fh-size': '1', 'fh-interval': '60' },
      selects: { 'fh-source': 'fh-src', 'fh-compression': 'GZIP' },
    });

    const records = Array.from({ length: 6 }, (_, i) => `{"customer":"c-${i % 3}","n":${i}}`);
    for (const [i, data] of records.entries()) await putRecord(page, { key: `k-${i}`, data });

    await page.selectOption(tid('speed'), '64');
    const key = await poll(
      async () => page.$eval(tid('fh-bucket-browser'), (b) => {
        const obj = b.querySelector('[data-testid="fh-object"]');
        if (obj) return obj.getAttribute('data-key');
        const folder = b.querySelector('[data-testid="fh-folder"] button');
        if (folder) folder.click(); // walk down YYYY/MM/dd/HH/
        return null;
      }),
      { what: 'an object in the bucket browser', timeout: 60_000, interval: 200 },
    );
    assert.match(key, /^\d{4}\/\d{2}\/\d{2}\/\d{2}\/fh-e2e-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]+\.gz$/, key);

    // The flush that wrote it was due to the 60 s interval (6 small records never reach 1 MiB).
    const flush = await page.waitForSelector(`${tid('fh-flush')}[data-reason="INTERVAL"]`);
    const text = await flush.textContent();
    assert.match(text, /INTERVAL/);
    assert.match(text, /6 records/);

    // Preview: decompressed in the page.
    await page.click(`${tid('fh-object')}[data-key="${key}"] ${tid('fh-object-open')}`);
    const preview = await page.waitForSelector(tid('fh-preview-text'));
    assert.equal((await preview.textContent()).trim(), records.join(''));

    // Download: the real object bytes.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 10_000 }),
      page.click(`${tid('fh-object')}[data-key="${key}"] ${tid('fh-download')}`),
    ]);
    assert.equal(download.suggestedFilename(), key.split('/').pop());
    const bytes = await readFile(await download.path());
    assert.equal(bytes[0], 0x1f, 'gzip magic');
    assert.equal(gunzipSync(bytes).toString('utf8'), records.join(''));
  });
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});

test('Direct PUT → HTTP endpoint in an outage: retries, then http-endpoint-failed/ backup objects', { timeout: 120_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.selectOption(tid('speed'), '8');
    await createDeliveryStream(page, {
      dest: 'http',
      inputs: { 'fh-name': 'fh-http', 'fh-bucket': 'fh-http-backup', 'fh-size': '1', 'fh-interval': '10', 'fh-retry': '60' },
    });
    await page.click(tid('fh-outage-600'));
    await page.waitForSelector(tid('fh-outage'));
    await page.click(tid('fh-fire-100'));
    await page.waitForSelector(`${tid('fh-send-result')}:text("100 records, 0 failed")`);
    await page.selectOption(tid('speed'), '16');

    // Retries are visible as attempt counts on the pending delivery.
    await poll(
      async () => (await page.$$eval(tid('fh-delivery'), (rows) => rows.map((r) => Number(r.getAttribute('data-attempts'))))).some((n) => n >= 2),
      { what: 'a delivery retried', timeout: 60_000, interval: 100 },
    );
    await page.selectOption(tid('speed'), '64');
    // After the retry duration the records go to the backup bucket under http-endpoint-failed/.
    await page.waitForSelector(`${tid('fh-folder')}[data-prefix="http-endpoint-failed/"]`, { timeout: 60_000 });
    await poll(async () => Number(await page.getAttribute(tid('fh-ledger'), 'data-backed-up')) === 100, {
      what: '100 records backed up',
      timeout: 30_000,
    });
    assert.equal(await page.getAttribute(tid('fh-ledger'), 'data-delivered'), '0');
  });
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});
