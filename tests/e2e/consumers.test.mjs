// Consumer applications and worker faults from the UI: an SDK polling consumer and an enhanced
// fan-out consumer started from the Producers & Lambda tab read the sandbox producer's records;
// a KCL worker can be slowed from its chip.
//
// Contract: tab-apps; apps-consumer-name, apps-consumer-start-sdk, apps-consumer-start-efo,
// apps-consumer[data-name] with apps-consumer-shards (first numeric column = records);
// tab-kcl, kcl-start, worker-chip[data-worker-id][data-state], kcl-slow.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSession, withPage, tid, setRunning, poll } from './helpers.mjs';

let session;
before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

async function recordsRead(page, name) {
  return page.$$eval(`${tid('apps-consumer')}[data-name="${name}"] ${tid('apps-consumer-shards')} tbody tr`, (rows) =>
    rows.reduce((sum, r) => sum + Number(r.children[1]?.textContent?.replace(/[^0-9]/g, '') || 0), 0),
  );
}

test('SDK and EFO consumer apps started from the UI read the stream', { timeout: 120_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.selectOption(tid('speed'), '16');
    await page.click(tid('tab-apps'));
    await page.fill(tid('apps-consumer-name'), 'poller');
    await page.click(tid('apps-consumer-start-sdk'));
    await page.fill(tid('apps-consumer-name'), 'fanout');
    await page.click(tid('apps-consumer-start-efo'));
    await page.waitForSelector(`${tid('apps-consumer')}[data-name="poller"]`);
    await page.waitForSelector(`${tid('apps-consumer')}[data-name="fanout"]`);
    await poll(async () => (await recordsRead(page, 'poller')) > 20, { what: 'SDK consumer reads records', timeout: 60_000 });
    await poll(async () => (await recordsRead(page, 'fanout')) > 20, { what: 'EFO consumer receives records', timeout: 60_000 });
    assert.equal(await page.$(tid('apps-consumer-error')), null, 'no error shown');
  });
});

test('a KCL worker can be slowed from its chip', { timeout: 90_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.click(tid('tab-kcl'));
    await page.click(tid('kcl-start'));
    await page.waitForSelector(`${tid('worker-chip')} ${tid('kcl-slow')}`);
    const before = await page.$$eval(tid('worker-chip'), (c) => c.length);
    await page.click(`${tid('worker-chip')} ${tid('kcl-slow')}`);
    const feed = await page.textContent(tid('action-feed'));
    assert.match(feed, /playground\.SlowKclWorker/);
    assert.ok(!/SlowKclWorker\s*\S*Exception/.test(feed), `the call succeeded: ${feed}`);
    assert.equal(await page.$$eval(tid('worker-chip'), (c) => c.length), before, 'the worker is still there');
  });
});
