// API console end-to-end tests: boto3-style calls typed into the console go through the same
// dispatcher as every button (records show up in the table, calls in the action feed), errors
// show as entries with data-ok="false".
//
// DOM contract:
//   console-input    the <textarea>; Enter runs, Shift+Enter inserts a newline, Up/Down on the
//                    first/last line walk the history of submitted inputs
//   console-run      the run button
//   console-output   the container of the runs; each run is a console-entry with
//                    data-ok="true|false", showing the input and the pretty JSON response, or
//                    `ErrorType: message` (AWS errors), or the parse error with a caret line
//   console-example  clickable example snippets that fill the textarea

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSession, withPage, tid, setRunning, poll, shardIndexFor, shardId } from './helpers.mjs';

const SHARDS = 4;
const TEST_TIMEOUT = 120_000;
const ENTRY = `${tid('console-output')} ${tid('console-entry')}`;

let session;

before(async () => {
  session = await startSession();
});

after(async () => {
  await session?.close();
});

/** Clock running and the producer's first record in the table: the stream is ACTIVE. */
async function sandboxActive(page) {
  await setRunning(page, 'play-pause', true);
  await page.waitForSelector(`${tid('records-table')} tr${tid('record-row')}`, { timeout: 30_000 });
}

const entryCount = (page) => page.$$eval(ENTRY, (es) => es.length);

/** The last console entry as {ok, text}. */
const lastEntry = (page) =>
  page.$$eval(ENTRY, (es) => {
    const e = es.at(-1);
    return e ? { ok: e.getAttribute('data-ok'), text: e.textContent } : null;
  });

/**
 * Types `code` into the console and runs it with Enter (or the Run button), then waits for the
 * new entry and returns it as {ok, text}.
 */
async function runInConsole(page, code, { button = false } = {}) {
  const before = await entryCount(page);
  await page.fill(tid('console-input'), code);
  if (button) {
    await page.click(tid('console-run'));
  } else {
    await page.focus(tid('console-input'));
    await page.keyboard.press('Enter');
  }
  await poll(async () => (await entryCount(page)) > before, { what: 'a new console entry' });
  return lastEntry(page);
}

test('console put_record calls land in the records table on the predicted shards', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await sandboxActive(page);
    await setRunning(page, 'producer-toggle', false);

    const puts = [
      ['console-1', 'a', false],
      ['console-2', 'b', true],
    ];
    for (const [key, data, button] of puts) {
      const code = `kinesis.put_record(StreamName="orders", Data="${data}", PartitionKey="${key}")`;
      const entry = await runInConsole(page, code, { button });
      assert.equal(entry.ok, 'true', `${key}: entry ok, got ${entry.text}`);
      const expected = shardId(shardIndexFor(key, SHARDS));
      assert.ok(entry.text.includes(`"ShardId": "${expected}"`), `${key}: response names ${expected}: ${entry.text}`);
      assert.match(entry.text, /"SequenceNumber": "\d+"/);
      assert.ok(entry.text.includes('kinesis.PutRecord'), 'the entry shows the resolved action');
    }
    // Running clears the input.
    assert.equal(await page.inputValue(tid('console-input')), '');

    for (const [key] of puts) {
      const row = await page.waitForSelector(
        `${tid('records-table')} tr${tid('record-row')}[data-partition-key=${key}]`,
        { timeout: 10_000 },
      );
      assert.equal(await row.getAttribute('data-shard-id'), shardId(shardIndexFor(key, SHARDS)), `${key} row shard`);
    }

    // The calls are ordinary dispatcher calls: the action feed lists them.
    const feed = await page.textContent(tid('action-feed'));
    assert.ok(feed.includes('kinesis.PutRecord'), `action feed lists kinesis.PutRecord: ${feed}`);
  });
});

test('console errors: a malformed call and an AWS error show as data-ok=false entries', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    const bad = await runInConsole(page, 'kinesis.put_record(StreamName="orders"="x")');
    assert.equal(bad.ok, 'false');
    assert.ok(bad.text.includes("expected ',' or ')' after argument, found '='"), bad.text);
    assert.ok(bad.text.includes('^'), `the parse error has a caret line: ${bad.text}`);

    const positional = await runInConsole(page, 'kinesis.describe_stream_summary("orders")', { button: true });
    assert.equal(positional.ok, 'false');
    assert.ok(positional.text.includes('positional arguments are not supported'), positional.text);

    const missing = await runInConsole(page, 'kinesis.describe_stream_summary(StreamName="no-such-stream")');
    assert.equal(missing.ok, 'false');
    assert.ok(missing.text.includes('ResourceNotFoundException: '), missing.text);

    assert.equal(await page.$$eval(`${ENTRY}[data-ok=false]`, (es) => es.length), 3);
  });
});

test('console keys: Shift+Enter adds a line, Up/Down walk the history, examples fill the input', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(session, t, async (page) => {
    await sandboxActive(page);
    const input = tid('console-input');
    const first = 'kinesis.list_streams()';
    const second = 'kinesis.describe_stream_summary(StreamName="orders")';
    await runInConsole(page, first);
    await runInConsole(page, second);

    // Multi-line input: Shift+Enter inserts a newline instead of running.
    const before = await entryCount(page);
    await page.focus(input);
    await page.keyboard.type('kinesis.list_shards(');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('StreamName="orders")');
    assert.equal(await page.inputValue(input), 'kinesis.list_shards(\nStreamName="orders")');
    assert.equal(await entryCount(page), before, 'Shift+Enter did not run');
    await page.fill(input, 'draft');

    await page.keyboard.press('ArrowUp');
    assert.equal(await page.inputValue(input), second);
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.inputValue(input), first);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue(input), second);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue(input), 'draft', 'Down past the newest restores the draft');

    const examples = await page.$$(tid('console-example'));
    assert.equal(examples.length, 3, 'three example snippets');
    await examples[0].click();
    assert.match(await page.inputValue(input), /^kinesis\.put_record\(StreamName="orders"/);
    const ran = await runInConsole(page, await page.inputValue(input));
    assert.equal(ran.ok, 'true', ran.text);
  });
});

// Runs last: covers every page opened above.
test('the whole console run: no console errors, page errors or foreign requests', async () => {
  assert.deepEqual(session.log.consoleErrors, [], `console errors:\n${session.report()}`);
  assert.deepEqual(session.log.pageErrors, [], `page errors:\n${session.report()}`);
  assert.deepEqual(session.log.foreignRequests, [], `foreign requests:\n${session.report()}`);
  assert.deepEqual(session.log.badResponses, [], `same-origin HTTP errors:\n${session.report()}`);
});
