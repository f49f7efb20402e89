// The Sources tab end-to-end (issue: every source in the notes, wired end to end).
//
// 1. Build CloudWatch Logs → Firehose (with the decompress + message-extraction processors) → S3
//    from the UI: a Direct PUT delivery stream from the Firehose form, then a logging application
//    and a subscription filter from the Sources tab. The path shows its counters moving, the
//    inspector shows the DATA_MESSAGE envelope the destination receives, and the object that
//    lands in S3 holds the ERROR log messages alone, one per line (control message dropped).
// 2. An EventBridge rule and an AWS IoT rule into the sandbox's Kinesis stream: both paths show
//    up, the inspector shows the EventBridge envelope and the IoT rule's SELECT result.
//
// 3. SDK and Kinesis Agent producers writing to a Firehose delivery stream (Direct PUT) from the
//    Producers & Lambda tab: records are sent and delivered; the KPL is refused with the reason.
//
// Relies on the foundation contract plus: apps-target (the producer's destination), apps-client,
// apps-producer-start, apps-producer-<name>[data-sent], apps-producer-error, fh-ledger; tab-sources, src-panel; src-form-logs/-events/-iot;
// src-log-group, src-log-rate, src-filter-pattern, src-log-dest, src-logs-create; src-rule-name,
// src-rule-dest, src-rule-create, src-event-send-10; src-iot-sql, src-iot-dest, src-iot-create,
// src-fleet-start; src-pipeline, src-row[data-kind][data-id], src-count, src-inspector,
// src-inspector-json, src-error; fh-cwl-on in the Firehose form.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSession, withPage, tid, setRunning, poll, screenshot, sleep } from './helpers.mjs';

let session;

before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

const counts = (page, id) => page.$$eval(`${tid('src-row')}[data-id="${id}"] ${tid('src-count')}`, (els) => els.map((e) => Number(e.textContent)));

async function noError(page) {
  const err = await page.$(tid('src-error'));
  assert.equal(err ? await err.textContent() : null, null);
}

test('CloudWatch Logs → Firehose (decompress, extract messages) → S3, built from the UI', { timeout: 150_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.selectOption(tid('speed'), '8');
    await page.click(tid('tab-firehose'));
    await page.waitForSelector(tid('fh-form'));
    for (const [id, value] of Object.entries({ 'fh-name': 'logs-fh', 'fh-bucket': 'logs-data', 'fh-size': '1', 'fh-interval': '60' })) await page.fill(tid(id), value);
    await page.check(tid('fh-cwl-on'));
    await page.click(tid('fh-create'));
    await page.waitForSelector(tid('fh-create-ok'), { timeout: 10_000 });
    await page.waitForSelector(`${tid('fh-status')}:text("ACTIVE")`, { timeout: 30_000 });

    await page.click(tid('tab-sources'));
    await page.waitForSelector(tid('src-logs-form'));
    await page.fill(tid('src-log-rate'), '40');
    await page.selectOption(tid('src-log-dest'), 'arn:aws:firehose:us-east-1:123456789012:deliverystream/logs-fh');
    await sleep(700); // panels re-render several times: the choice must stay
    assert.equal(await page.$eval(tid('src-log-dest'), (s) => s.value), 'arn:aws:firehose:us-east-1:123456789012:deliverystream/logs-fh');
    await page.click(tid('src-logs-create'));
    await noError(page);
    const id = 'logs:/app/web:errors';
    await page.waitForSelector(`${tid('src-row')}[data-id="${id}"]`);
    // app lines, group events, matched, delivered: all move, and matched < events.
    const c = await poll(async () => {
      const n = await counts(page, id);
      return n.length === 4 && n[3] > 0 ? n : null;
    }, { what: 'records delivered on the logs path', timeout: 30_000, interval: 200 });
    assert.ok(c[2] < c[1], `the filter matches some events, not all: ${c}`);
    await page.click(`${tid('src-row')}[data-id="${id}"]`);
    const shape = JSON.parse(await page.textContent(tid('src-inspector-json')));
    assert.equal(shape.messageType, 'DATA_MESSAGE');
    assert.equal(shape.logGroup, '/app/web');
    assert.deepEqual(shape.subscriptionFilters, ['errors']);
    assert.ok(shape.logEvents.length > 0 && shape.logEvents.every((e) => JSON.parse(e.message).level === 'ERROR'));
    assert.match(await page.textContent(tid('src-inspector')), /gzip-compressed \(\d+ bytes on the wire/);
    assert.ok((await page.$$(`${tid('src-row')}[data-id="${id}"] .src-edge.active`)).length > 0, 'records flow on the edges');
    await screenshot(page, 'sources-logs');

    // After the 60 s interval the messages alone land in S3.
    await page.selectOption(tid('speed'), '64');
    await page.click(tid('tab-firehose'));
    const key = await poll(
      async () => page.$eval(tid('fh-bucket-browser'), (b) => {
        const obj = b.querySelector('[data-testid="fh-object"]');
        if (obj) return obj.getAttribute('data-key');
        const folder = b.querySelector('[data-testid="fh-folder"] button');
        if (folder) folder.click();
        return null;
      }),
      { what: 'an object in the bucket', timeout: 60_000, interval: 200 },
    );
    await page.click(`${tid('fh-object')}[data-key="${key}"] ${tid('fh-object-open')}`);
    const raw = await (await page.waitForSelector(tid('fh-preview-text'))).textContent();
    const text = raw.replace(/\n…$/, '');
    const lines = text.split('\n').filter((l) => l.length > 0);
    if (raw.endsWith('…')) lines.pop(); // a cut preview ends mid-line
    assert.ok(lines.length > 0);
    for (const l of lines) {
      const v = JSON.parse(l);
      assert.equal(v.level, 'ERROR', l);
    }
    assert.ok(!text.includes('CONTROL_MESSAGE') && !text.includes('logEvents'), 'no envelope, no control message');
  });
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});

test('EventBridge and AWS IoT rules into a Kinesis stream: paths, counters and record shapes', { timeout: 120_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.selectOption(tid('speed'), '4');
    await page.click(tid('tab-sources'));
    const stream = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';

    await page.click(tid('src-form-events'));
    await page.selectOption(tid('src-rule-dest'), stream);
    await page.click(tid('src-rule-create'));
    await noError(page);
    await page.click(tid('src-event-send-10'));
    await noError(page);
    const ev = 'events:big-orders:target-1';
    const c = await poll(async () => {
      const n = await counts(page, ev);
      return n.length === 3 && n[2] > 0 ? n : null;
    }, { what: 'events delivered', timeout: 20_000 });
    assert.equal(c[0], 10, 'ten events put');
    assert.ok(c[1] < 10 && c[1] === c[2], `the rule matched the big orders and each was delivered once: ${c}`);
    await page.click(`${tid('src-row')}[data-id="${ev}"]`);
    const envelope = JSON.parse(await page.textContent(tid('src-inspector-json')));
    for (const k of ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']) assert.ok(k in envelope, k);
    assert.ok(envelope.detail.amount > 100);

    await page.click(tid('src-form-iot'));
    await page.selectOption(tid('src-iot-dest'), stream);
    await page.click(tid('src-iot-create'));
    await noError(page);
    await page.click(tid('src-fleet-start'));
    await noError(page);
    const iot = 'iot:overheat:0';
    await poll(async () => (await counts(page, iot))[3] > 0, { what: 'hot readings delivered', timeout: 30_000, interval: 200 });
    await page.click(`${tid('src-row')}[data-id="${iot}"]`);
    const result = JSON.parse(await page.textContent(tid('src-inspector-json')));
    assert.deepEqual(Object.keys(result).sort(), ['deviceId', 'temperature']);
    assert.ok(result.temperature > 50);
    const n = await counts(page, iot);
    assert.ok(n[2] < n[1], `WHERE temperature > 50 selects some readings: ${n}`);
    await screenshot(page, 'sources-all');
  });
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});

test('SDK and Agent producers write to Firehose Direct PUT; the KPL is refused', { timeout: 120_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.selectOption(tid('speed'), '8');
    await page.click(tid('tab-firehose'));
    await page.waitForSelector(tid('fh-form'));
    for (const [id, value] of Object.entries({ 'fh-name': 'clicks-fh', 'fh-bucket': 'clicks-data', 'fh-size': '1', 'fh-interval': '60' })) await page.fill(tid(id), value);
    await page.click(tid('fh-create'));
    await page.waitForSelector(`${tid('fh-status')}:text("ACTIVE")`, { timeout: 30_000 });

    await page.click(tid('tab-apps'));
    await page.waitForSelector(tid('apps-producer-form'));
    for (const [name, client] of [['sdk-fh', 'SDK_PUT_RECORDS'], ['agent-fh', 'AGENT']]) {
      await page.fill(tid('apps-producer-name'), name);
      await page.selectOption(tid('apps-target'), 'firehose:clicks-fh');
      await page.selectOption(tid('apps-client'), client);
      await page.fill(tid('apps-rate'), '50');
      await sleep(500);
      assert.equal(await page.$eval(tid('apps-target'), (s) => s.value), 'firehose:clicks-fh', 'the choice survives re-renders');
      await page.click(tid('apps-producer-start'));
      await page.waitForSelector(tid(`apps-producer-${name}`));
      assert.equal(await page.$(tid('apps-producer-error')), null);
      assert.match(await page.textContent(tid(`apps-producer-${name}`)), /→ Firehose clicks-fh/);
    }
    await page.fill(tid('apps-producer-name'), 'kpl-fh');
    await page.selectOption(tid('apps-target'), 'firehose:clicks-fh');
    await page.selectOption(tid('apps-client'), 'KPL');
    await page.click(tid('apps-producer-start'));
    assert.match(await (await page.waitForSelector(tid('apps-producer-error'))).textContent(), /KPL writes to Kinesis data streams only/);

    await page.selectOption(tid('speed'), '64');
    await poll(async () => Number(await page.getAttribute(tid('apps-producer-agent-fh'), 'data-sent')) > 0, { what: 'the agent shipped a batch', timeout: 30_000, interval: 200 });
    assert.ok(Number(await page.getAttribute(tid('apps-producer-sdk-fh'), 'data-sent')) > 0);
    await page.click(tid('tab-firehose'));
    await poll(async () => Number(await page.getAttribute(tid('fh-ledger'), 'data-delivered')) > 0, { what: 'records delivered to S3', timeout: 30_000, interval: 200 });
  });
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});
