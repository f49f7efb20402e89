// The long-session soak (issue: a class leaves the tab open). The sandbox (4 shards, its producer
// writing 5 records/s, 24 h retention) runs for SOAK_HOURS virtual hours (default 26: past the
// first retention trim) through the "+1 h" button, the page re-rendering after each hour. After
// every hour the test samples the wasm linear memory, the JS heap, DOM nodes and event listeners
// (Chromium's Performance.getMetrics) and prints the curve. It checks: DOM nodes and listeners do
// not grow with time; once retention trims, the wasm memory stops growing (the last two hours'
// growth is ≤ 5 %).
//
// Relies on the foundation contract plus skip-1h, clock[data-now-ms].

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSession, withPage, tid, setRunning, poll, sleep } from './helpers.mjs';

const HOURS = Number(process.env.SOAK_HOURS || 26);
let session;

before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

test(`soak: ${HOURS} virtual hours of the sandbox, memory and DOM sampled every hour`, { timeout: 60_000 + HOURS * 20_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', false);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const sample = async (hour) => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
      const wasm = await page.evaluate(() => window.wasmBindings?.wasm_memory_bytes?.() ?? 0);
      return { hour, wasmMiB: +(wasm / 1048576).toFixed(1), heapMiB: +(m.JSHeapUsedSize / 1048576).toFixed(1), nodes: m.Nodes, listeners: m.JSEventListeners };
    };
    const curve = [];
    for (let h = 1; h <= HOURS; h++) {
      const before = Number(await page.getAttribute(tid('clock'), 'data-now-ms'));
      await page.click(tid('skip-1h'));
      await poll(async () => Number(await page.getAttribute(tid('clock'), 'data-now-ms')) >= before + 3_600_000, { what: `hour ${h}`, timeout: 20_000 });
      await sleep(400); // panels re-render at their own rate
      curve.push(await sample(h));
    }
    console.log('soak curve (virtual hour, wasm MiB, JS heap MiB, DOM nodes, listeners):');
    for (const c of curve) console.log(`  ${c.hour}\t${c.wasmMiB}\t${c.heapMiB}\t${c.nodes}\t${c.listeners}`);
    const first = curve[Math.min(1, curve.length - 1)];
    const last = curve[curve.length - 1];
    assert.ok(last.nodes <= first.nodes * 1.1 + 50, `DOM nodes grew: ${first.nodes} → ${last.nodes}`);
    assert.ok(last.listeners <= first.listeners * 1.1 + 20, `event listeners grew: ${first.listeners} → ${last.listeners}`);
    if (HOURS >= 26 && last.wasmMiB > 0) {
      const prev = curve[curve.length - 3];
      assert.ok(last.wasmMiB <= prev.wasmMiB * 1.05, `wasm memory still growing after retention trims: ${prev.wasmMiB} → ${last.wasmMiB} MiB`);
    }
  });
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});
