// "Show as code" end-to-end (issue: graduate to the real thing).
//
// Put two records with the form, open "Show as code": the boto3 script calls put_record with the
// same partition keys and checks each lands in the shard the playground showed; the AWS CLI view
// has the same calls as `aws_kinesis put-record`; Download saves the whole script. Running the
// scripts against real clients and emulators is scripts/test step 8 (tests/export/proof.sh).
//
// Relies on the foundation contract plus: show-code (in the API calls panel); code-export >
// code-boto3, code-awscli, code-refresh, code-copy, code-download, code-status, code-summary,
// code-view.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startSession, withPage, tid, putRecord, poll } from './helpers.mjs';

let session;

before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

test('Show as code: boto3 and AWS CLI scripts of the session, with the shard of each key checked', { timeout: 90_000 }, async (t) => {
  await withPage(session, t, async (page) => {
    const a = await putRecord(page, { key: 'user-1', data: '{"order":1}' });
    const b = await putRecord(page, { key: 'alice', data: 'hello' });
    await page.click(tid('show-code'));
    const view = await page.waitForSelector(tid('code-view'));
    const py = await view.textContent();
    assert.match(py, /^#!\/usr\/bin\/env python3/);
    assert.ok(py.includes("PartitionKey=\"user-1\""), 'the first put is in the script');
    assert.ok(py.includes(`check("partition key \\"user-1\\" lands in", `), 'a routing check');
    assert.ok(py.includes(`["ShardId"], "${a.shardId}")`), `expects ${a.shardId} as the playground answered`);
    assert.ok(py.includes(`["ShardId"], "${b.shardId}")`), `expects ${b.shardId}`);
    assert.ok(py.includes("Data=b'{\"order\":1}'"), 'data as a bytes literal');
    assert.match(await page.textContent(tid('code-summary')), /\d+ AWS calls, \d+ simulated steps as comments, [1-9]\d* checks/);
    // Highlighted: comments, strings and keywords are spans.
    assert.ok((await page.locator(`${tid('code-view')} .hl-com`).count()) > 5);
    assert.ok((await page.locator(`${tid('code-view')} .hl-str`).count()) > 5);

    await page.click(tid('code-awscli'));
    await poll(async () => (await page.textContent(tid('code-view'))).startsWith('#!/usr/bin/env bash'), { what: 'the AWS CLI view' });
    const sh = await page.textContent(tid('code-view'));
    assert.ok(sh.includes('aws_kinesis put-record'), 'put-record command');
    assert.ok(sh.includes('--partition-key user-1'), 'the key as a flag');
    assert.ok(sh.includes(`'"${a.shardId}"'`), 'the shard check');

    // A third put appears after Refresh.
    await putRecord(page, { key: 'bob', data: 'x' });
    assert.ok(!(await page.textContent(tid('code-view'))).includes('--partition-key bob'));
    await page.click(tid('code-refresh'));
    await poll(async () => (await page.textContent(tid('code-view'))).includes('--partition-key bob'), { what: 'the refreshed script' });

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 10_000 }),
      page.click(tid('code-download')),
    ]);
    assert.equal(download.suggestedFilename(), 'session.sh');
    const saved = (await readFile(await download.path())).toString('utf8');
    assert.ok(saved.startsWith('#!/usr/bin/env bash') && saved.includes('--partition-key bob') && saved.trimEnd().endsWith('finish'));
    assert.match(await page.textContent(tid('code-status')), /saved as session\.sh/);
  });
  assert.deepEqual(session.log.pageErrors, [], session.report());
  assert.deepEqual(session.log.consoleErrors, [], session.report());
});
