// Lessons end-to-end (issue: classroom and tutorial site).
//
// 1. Open #/lesson/partition-keys: the untouched start fails the check. Record the prediction,
//    put user-42 three times with the form, check: every goal passes on the lesson's seed and its
//    hidden seeds and a completion code appears. "Copy link" puts the run in the URL fragment.
// 2. Reload: the link reopens the same run and the lesson stays solved (localStorage).
// 3. A fresh browser profile opens the link: the check passes with the very same completion code
//    (same action log, same digest), so the link reproduced the run.
// 4. A damaged link opens the sandbox with a message, and nothing breaks.
//
// Relies on the foundation contract plus: lesson-panel (data-lesson), lesson-goal (data-state
// pass|fail|todo), lesson-predict-input, lesson-predict, lesson-check, lesson-verdict
// (data-passed), lesson-code, lesson-share, lesson-status; lesson-menu > lesson-link
// (data-lesson, data-solved); page-notice.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSession, withPage, tid, putRecord, poll, waitForApp, screenshot } from './helpers.mjs';

let session;

before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

async function verdict(page) {
  await page.click(tid('lesson-check'));
  const el = await page.waitForSelector(tid('lesson-verdict'));
  return el.getAttribute('data-passed');
}

test('solve the first lesson in the UI, share it, reload, and reopen it in a fresh profile', { timeout: 120_000 }, async (t) => {
  let link;
  let code;
  await withPage(session, t, async (page) => {
    await page.goto(`${session.url}#/lesson/partition-keys`);
    await waitForApp(page);
    await page.waitForSelector(`${tid('lesson-panel')}[data-lesson="partition-keys"]`);
    assert.equal(await verdict(page), 'false', 'the untouched start does not pass');

    await page.waitForSelector(`${tid('stream-status')}:text("ACTIVE")`, { timeout: 20_000 });
    await page.fill(tid('lesson-predict-input'), 'shardId-000000000001');
    await page.click(tid('lesson-predict'));
    await poll(async () => (await page.textContent(tid('lesson-status'))).includes('prediction recorded'), { what: 'the prediction' });
    for (let i = 1; i <= 3; i++) {
      const r = await putRecord(page, { key: 'user-42', data: `order ${i}` });
      assert.equal(r.shardId, 'shardId-000000000001');
    }
    await poll(async () => (await verdict(page)) === 'true', { what: 'the lesson to pass', timeout: 20_000 });
    const states = await page.$$eval(tid('lesson-goal'), (gs) => gs.map((g) => g.dataset.state));
    assert.deepEqual(states, ['pass', 'pass', 'pass']);
    code = (await page.textContent(tid('lesson-code'))).trim();
    assert.match(code, /^KP1-partition-keys-[0-9a-f]{16}-[0-9a-f]{12}$/);
    assert.match(await page.textContent(tid('lesson-verdict')), /hidden seeds: 2 of 2 passed/);

    await page.click(tid('lesson-share'));
    await poll(async () => page.url().includes('#v1.'), { what: 'the link in the URL' });
    link = page.url();

    // Reload: the link reopens the run; progress is still there.
    await page.reload();
    await waitForApp(page);
    await page.waitForSelector(`${tid('lesson-panel')}[data-lesson="partition-keys"]`);
    assert.match(await page.textContent(tid('lesson-panel')), /4 of your calls/);
    await page.click(`${tid('lesson-menu')} summary`);
    const solved = await page.getAttribute(`${tid('lesson-link')}[data-lesson="partition-keys"]`, 'data-solved');
    assert.equal(solved, 'true');
    await screenshot(page, 'lesson-solved');
  });

  // A fresh profile (no localStorage) opens the link and gets the same completion code.
  const page = await session.openPage({ waitReady: false });
  try {
    await page.goto(link);
    await waitForApp(page);
    await page.waitForSelector(`${tid('lesson-panel')}[data-lesson="partition-keys"]`);
    await page.click(`${tid('lesson-menu')} summary`);
    assert.equal(await page.getAttribute(`${tid('lesson-link')}[data-lesson="partition-keys"]`, 'data-solved'), 'false');
    await page.click(`${tid('lesson-menu')} summary`);
    assert.equal(await verdict(page), 'true');
    assert.equal((await page.textContent(tid('lesson-code'))).trim(), code, 'the same run, the same code');
  } finally {
    await page.context().close();
  }
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});

test('a damaged link opens the sandbox with a message', { timeout: 60_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    await page.goto(`${session.url}#v1.this-is-not-a-scenario`);
    await waitForApp(page);
    assert.match(await page.textContent(tid('page-notice')), /could not be opened/);
    await page.goto(`${session.url}#/lesson/no-such-lesson`);
    await page.reload();
    await waitForApp(page);
    assert.match(await page.textContent(tid('page-notice')), /no lesson/);
  }, { waitReady: false });
  assert.deepEqual(session.log.pageErrors, [], session.report());
});
