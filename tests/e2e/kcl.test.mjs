// The KCL tab end-to-end: start a KCL consumer application with two workers on the sandbox stream,
// kill one, and watch its leases move to the survivor (after the 10 s lease plus up to one 20 s
// taker period, semantics.md §2.3) and its unacknowledged work come back as duplicates in the
// anomaly ledger (§2.5).
//
// Relies on the foundation contract (see foundation.test.mjs) plus:
//   tab-kcl            the tab button
//   kcl-panel          the panel; kcl-start (form submit), kcl-workers, kcl-checkpoint (<select>)
//   lease-row          one per lease: data-lease-key, data-owner ("" = none)
//   worker-chip        one per worker: data-worker-id, data-alive, data-state, data-processed;
//                      kcl-kill / kcl-pause buttons inside
//   ledger-entry       one per anomaly run: data-kind (DUPLICATE | OUT_OF_ORDER), data-worker-id,
//                      its text ends with the cause in words
//   ledger-filter-duplicate / ledger-filter-out_of_order / ledger-filter-all   ledger filters

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

async function leases(page) {
  return page.$$eval(tid('lease-row'), (rows) =>
    rows.map((r) => ({ key: r.getAttribute('data-lease-key'), owner: r.getAttribute('data-owner') })),
  );
}

async function chip(page, id) {
  const el = await page.$(`${tid('worker-chip')}[data-worker-id="${id}"]`);
  return {
    alive: (await el.getAttribute('data-alive')) === 'true',
    state: await el.getAttribute('data-state'),
    processed: Number(await el.getAttribute('data-processed')),
  };
}

test('kill a KCL worker: its leases move to the other and its re-read records are duplicates', { timeout: 120_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await page.selectOption(tid('speed'), '32');
    await page.click(tid('tab-kcl'));
    await page.waitForSelector(tid('kcl-panel'));
    await page.fill(tid('kcl-workers'), '2');
    await page.selectOption(tid('kcl-checkpoint'), 'n:100');
    await page.click(tid('kcl-start'));

    // Both workers start; worker-1 takes every lease, worker-2 steals to balance (§2.3).
    await poll(async () => (await page.$$(tid('worker-chip'))).length === 2, { what: 'two worker chips' });
    await poll(async () => {
      const owners = new Set((await leases(page)).map((l) => l.owner));
      return owners.has('worker-1') && owners.has('worker-2');
    }, { what: 'leases spread over both workers', timeout: 30_000 });
    await poll(async () => (await chip(page, 'worker-1')).processed > 0, { what: 'worker-1 processed records', timeout: 30_000 });
    const held = (await leases(page)).filter((l) => l.owner === 'worker-1').map((l) => l.key);
    assert.ok(held.length >= 1, 'worker-1 holds a lease');

    await page.click(`${tid('worker-chip')}[data-worker-id="worker-1"] ${tid('kcl-kill')}`);
    await poll(async () => !(await chip(page, 'worker-1')).alive, { what: 'worker-1 dead' });
    assert.equal((await chip(page, 'worker-1')).state, 'DEAD');
    assert.equal(await page.$(`${tid('worker-chip')}[data-worker-id="worker-1"] ${tid('kcl-kill')}`), null);
    // Right after the kill the dead worker still owns its leases: nothing is released (§2.5).
    const right = await leases(page);
    assert.ok(held.some((k) => right.find((l) => l.key === k)?.owner === 'worker-1'), JSON.stringify(right));

    await poll(async () => (await leases(page)).every((l) => l.owner === 'worker-2'), {
      what: 'every lease owned by worker-2 after failover',
      timeout: 30_000,
    });

    // The records worker-1 processed after its last checkpoint are processed again by worker-2.
    await page.click(tid('ledger-filter-duplicate'));
    const cause = await poll(async () => {
      const entries = await page.$$eval(`${tid('ledger-entry')}[data-kind="DUPLICATE"]`, (es) =>
        es.map((e) => ({ worker: e.getAttribute('data-worker-id'), text: e.textContent })),
      );
      return entries.find((e) => e.worker === 'worker-2' && e.text.includes('worker-1 died'));
    }, { what: 'a duplicate caused by the kill in the ledger', timeout: 30_000 });
    assert.match(cause.text, /last checkpoint/);
    assert.match(cause.text, /worker-2 took the expired lease/);
    assert.match(cause.text, /re-read/);

    await page.click(tid('ledger-filter-all'));
    await poll(async () => (await page.$$(tid('ledger-entry'))).length >= 1, { what: 'ledger entries under All' });
    assert.deepEqual(session.log.pageErrors, [], session.report());
    assert.deepEqual(session.log.consoleErrors, [], session.report());
  });
});
