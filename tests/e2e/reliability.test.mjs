// Reliability and security of the page (issue: no input crashes it, the page talks to no one).
//
// 1. The Content-Security-Policy is in the page: only its own scripts (Trunk's loader by hash) and
//    wasm, no eval, nothing from other origins; an injected inline script does not run.
// 2. A panic is contained: the page shows an overlay with the panic's message and a link that
//    reproduces the run (seed + action log as a #v1. permalink), the animation loop stops, and the
//    link reopens the same run in a fresh page.
//
// Relies on the foundation contract plus: clock[data-now-ms]; panic-overlay, panic-message,
// panic-link, panic-copy, panic-copied; window.wasmBindings.debug_panic (Trunk exposes the wasm
// exports there).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSession, withPage, tid, setRunning, putRecord, sleep, poll } from './helpers.mjs';

let session;

before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

test('the Content-Security-Policy allows only the page itself', { timeout: 60_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.ok(csp, 'a CSP meta tag');
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    assert.match(scriptSrc, /^script-src 'self' 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'$/);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /object-src 'none'/);
    const outcome = await page.evaluate(async () => {
      let violations = 0;
      document.addEventListener('securitypolicyviolation', () => { violations += 1; });
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true;';
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 100));
      return { ran: window.__injected === true, violations };
    });
    assert.deepEqual(outcome, { ran: false, violations: 1 });
  });
  // The blocked script is the only complaint; the app itself trips nothing.
  const other = session.log.consoleErrors.filter((e) => !/Content Security Policy/.test(e));
  assert.deepEqual(other, [], session.report());
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.foreignRequests, [], session.report());
  session.log.consoleErrors.length = 0;
});

test('a panic shows an overlay with a link that reproduces the run; the loop stops', { timeout: 90_000 }, async (t) => {
  let link;
  await withPage(session, t, async (page) => {
    await setRunning(page, 'play-pause', true);
    await putRecord(page, { key: 'panic-witness', data: 'before the crash' });
    await page.evaluate(() => {
      try {
        window.wasmBindings.debug_panic('boom for the overlay test');
      } catch (e) {
        return String(e);
      }
      return 'no panic';
    });
    const overlay = await page.waitForSelector(tid('panic-overlay'));
    assert.ok(await overlay.isVisible());
    assert.match(await page.textContent(tid('panic-message')), /boom for the overlay test/);
    link = await page.getAttribute(tid('panic-link'), 'href');
    assert.match(link, /#v1\.[A-Za-z0-9_-]+$/);
    // The animation loop stopped: virtual time no longer moves although the clock was running.
    const frozen = await page.getAttribute(tid('clock'), 'data-now-ms');
    await sleep(800);
    assert.equal(await page.getAttribute(tid('clock'), 'data-now-ms'), frozen);
    await page.click(tid('panic-copy'));
    await page.waitForSelector(`${tid('panic-copied')}:text("Copied.")`);
  });
  assert.ok(session.log.pageErrors.every((e) => /unreachable|boom for the overlay test/.test(e)), session.report());
  session.log.pageErrors.length = 0;
  session.log.consoleErrors.length = 0;

  // The link reopens the run: same seed, the put replayed.
  await withPage(session, t, async (page) => {
    await page.goto(link);
    await poll(async () => (await page.textContent('body')).includes('panic-witness'), { what: 'the replayed put', timeout: 20_000 });
    assert.equal(await page.$(tid('panic-overlay')), null);
  });
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});
