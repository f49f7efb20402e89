// How large can a streaming job's state grow while the page stays smooth? Drives the built site in
// Chromium (E2E_URL, as the e2e tests): a producer writes clickstream events for up to 1,000,000
// users into the sandbox stream at 2,000 records/s, a Flink application counts events per user in
// 1-hour tumbling windows (one pane per user: state grows with the users seen), the Analytics tab
// is open. Each step grows the state at GROW_SPEED (default 64×) for GROW_MS of real time, then measures at 1× (so the
// simulation itself costs little and what is measured is the page with that much state): the job's
// live panes and state bytes next to the frame times (p50/p95/max over 3 s of
// requestAnimationFrame). Usage:
//   E2E_URL=http://127.0.0.1:PORT/sub/ node scripts/ui-state-probe.mjs
import { startSession, tid, sleep } from '../tests/e2e/helpers.mjs';

const SQL = "CREATE TABLE clicks (`user` STRING, action STRING, item BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'kinesis', 'stream' = 'orders', 'scan.stream.initpos' = 'LATEST'); SELECT window_start, window_end, `user`, COUNT(*) AS events, COUNT(DISTINCT item) AS items FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start, window_end, `user`;";

async function consoleCall(page, code) {
  const before = await page.$$eval(`${tid('console-output')} ${tid('console-entry')}`, (e) => e.length);
  await page.fill(tid('console-input'), code);
  await page.click(tid('console-run'));
  await page.waitForFunction(
    ([sel, n]) => document.querySelectorAll(sel).length > n,
    [`${tid('console-output')} ${tid('console-entry')}`, before],
  );
  const entries = await page.$$(`${tid('console-output')} ${tid('console-entry')}`);
  return entries[entries.length - 1].textContent();
}

async function frames(page, ms = 3000) {
  const ts = await page.evaluate((dur) => new Promise((res) => {
    const out = [];
    const end = performance.now() + dur;
    function f(t) { out.push(t); if (t < end) requestAnimationFrame(f); else res(out); }
    requestAnimationFrame(f);
  }), ms);
  const d = ts.slice(1).map((t, i) => t - ts[i]).sort((a, b) => a - b);
  const p = (q) => Math.round(d[Math.min(d.length - 1, Math.floor(q * d.length))] * 10) / 10;
  return { frames: d.length, p50_ms: p(0.5), p95_ms: p(0.95), max_ms: p(1) };
}

const session = await startSession();
try {
  const page = await session.openPage();
  await page.selectOption(tid('speed'), '1');
  const cfg = `{"ApplicationCodeConfiguration": {"CodeContentType": "PLAINTEXT", "CodeContent": {"TextContent": "${SQL}"}}, "FlinkApplicationConfiguration": {"CheckpointConfiguration": {"ConfigurationType": "CUSTOM", "CheckpointingEnabled": True, "CheckpointInterval": 10000, "MinPauseBetweenCheckpoints": 0}}}`;
  console.error(await consoleCall(page, `kinesisanalyticsv2.create_application(ApplicationName="big", RuntimeEnvironment="FLINK-1_20", ServiceExecutionRole="arn:aws:iam::123456789012:role/flink", ApplicationConfiguration=${cfg})`).then((t) => t.slice(-300)));
  console.error(await consoleCall(page, 'kinesisanalyticsv2.start_application(ApplicationName="big")').then((t) => t.slice(-300)));
  console.error(await consoleCall(page, 'playground.start_producer(ProducerName="big", StreamName="orders", RecordsPerSecond=2000, KeyDistribution={"Type": "UNIFORM", "KeyCount": 1000000})').then((t) => t.slice(-300)));
  await page.click(tid('tab-analytics'));
  for (let step = 0; step < Number(process.env.STEPS || 12); step++) {
    await page.selectOption(tid('speed'), process.env.GROW_SPEED || '64');
    await sleep(Number(process.env.GROW_MS || 1500));
    await page.selectOption(tid('speed'), '1');
    await sleep(500);
    const f = await frames(page);
    const text = await consoleCall(page, 'playground.describe_job(ApplicationName="big")');
    const panes = [...text.matchAll(/"Panes":\s*(\d+)/g)].map((m) => Number(m[1]));
    const bytes = text.match(/"StateBytes":\s*(\d+),\s*"OpenWindows"/);
    const now = text.match(/"Now":\s*(\d+)/);
    console.log(JSON.stringify({
      virtual_s: now ? Number(now[1]) / 1000 : null,
      subtask_panes: panes.slice(0, 1),
      state_bytes: bytes ? Number(bytes[1]) : null,
      ...f,
    }));
  }
  if (session.log.pageErrors.length || session.log.consoleErrors.length) console.log(session.report());
} finally {
  await session.close();
}
