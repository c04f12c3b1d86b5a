import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { tempDir, tix } from '../helpers/cli.ts';
import { bundleErrors } from '../helpers/stix-schema.ts';

describe('tix report and tix rfi (end to end)', () => {
  const dir = tempDir('tix-cli-reports-');
  const data = join(dir.path, 'data');
  const file = (name: string, text: string | Buffer): string => {
    const path = join(dir.path, name);
    writeFileSync(path, text);
    return path;
  };
  before(() => {
    assert.equal(tix(data, ['org', 'add', 'Vendor', '--kind', 'vendor']).code, 0);
    assert.equal(tix(data, ['org', 'add', 'Police', '--kind', 'national-police']).code, 0);
  });
  after(() => dir.remove());

  it('creates, lists, shows and exports a report', () => {
    const body = file('body.md', '# Loader wave\n\n<script>alert(1)</script> see [x](javascript:alert(1))\n');
    const iocs = file('iocs.txt', 'C2: 192.0.2[.]77 and hxxps://bad.example.net/login\n');
    const created = tix(data, ['report', 'create', '--org', 'Vendor', '--title', 'Loader wave', '--body', body, '--indicators-from', iocs, '--malware', 'Pikabot', '--tlp', 'green', '--attach', file('sample.bin', Buffer.from([0, 1, 2]))]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /report 1 created \(report--[0-9a-f-]{36}\), 2 indicator\(s\) linked/);
    assert.match(created.stderr, /neutralised in the body: link javascript:alert\(1\); html <script; html <\/script/);
    const listed = tix(data, ['report', 'list', '-o', 'jsonl']);
    const rows = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { title: string; links: { indicators: unknown[] } });
    assert.deepEqual(rows.map((row) => row.title), ['Loader wave']);
    assert.equal(tix(data, ['report', 'list', '--as', 'Police', '-o', 'jsonl']).stdout.trim().split('\n').length, 1, 'GREEN: any organisation reads it');
    const shown = tix(data, ['report', 'show', '1']);
    assert.match(shown.stdout, /indicators: ipv4:192\.0\.2\.77, url:https:\/\/bad\.example\.net\/login/);
    assert.match(shown.stdout, /attachment: sample\.bin \(3 bytes, sha256 [0-9a-f]{64}\)/);
    assert.doesNotMatch(shown.stdout, /(^|[^\\])<script/);
    const exported = tix(data, ['report', 'export', '1']);
    assert.equal(exported.code, 0, exported.stderr);
    const bundle = JSON.parse(exported.stdout) as { objects: Array<{ type: string; object_refs?: string[] }> };
    assert.deepEqual(bundleErrors(bundle), []);
    assert.equal(bundle.objects.find((object) => object.type === 'report')!.object_refs!.length, 3);
    const big = tix(data, ['report', 'create', '--org', 'Vendor', '--title', 'big', '--body', body, '--attach', file('big.bin', Buffer.alloc(4 * 1024 * 1024 + 1))]);
    assert.equal(big.code, 2);
    assert.match(big.stderr, /limit is 4194304/);
    assert.equal(tix(data, ['report', 'list', '-o', 'jsonl']).stdout.trim().split('\n').length, 1, 'nothing written');
  });

  it('opens a case for a police organisation only, and attaches a triage to it', () => {
    const denied = tix(data, ['case', 'open', 'V-1', '--org', 'Vendor', '--title', 'not police']);
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /only police organisations open investigations/);
    const opened = tix(data, ['case', 'open', 'C-1', '--org', 'Police', '--title', 'Loader operators', '--countries', 'ng,GH', '--lead', 'Insp. Okafor', '--members', 'Vendor']);
    assert.equal(opened.code, 0, opened.stderr);
    assert.match(opened.stdout, /investigation 1 \(C-1\) opened; members: Vendor, Police/);
    const triage = file('triage.json', JSON.stringify({ host: 'exhibit-7', matches: ['192.0.2.77'] }));
    const bad = tix(data, ['case', 'add', 'C-1', '--org', 'Police', '--finding', triage, '--indicators', '192.0.2.77,999.0.0.1']);
    assert.equal(bad.code, 2, 'a bad value refuses the whole attachment');
    const added = tix(data, ['case', 'add', 'C-1', '--org', 'Police', '--finding', triage, '--indicators', '192.0.2.77', '--report', '1']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /3 item\(s\) attached/);
    assert.equal(tix(data, ['case', 'list', '--org', 'Vendor', '-o', 'jsonl']).stdout.trim().split('\n').length, 1);
    assert.equal(tix(data, ['org', 'add', 'Outsider', '--kind', 'cert']).code, 0);
    assert.equal(tix(data, ['case', 'list', '--org', 'Outsider', '-o', 'jsonl']).stdout.trim(), '');
    assert.equal(tix(data, ['case', 'add', 'C-1', '--org', 'Outsider', '--indicators', '192.0.2.1']).code, 2);
  });

  it('lists an organisation\'s queue, answers, and refuses answering a closed request', async () => {
    const store = SqliteStore.open(data);
    const vendor = (await store.findOrganisation('Vendor'))!.id;
    const police = (await store.findOrganisation('Police'))!.id;
    const now = Date.now();
    const investigation = (await store.getInvestigation('C-1', police))!;
    assert.equal((await store.listItems(investigation.id, police)).length, 3);
    const rfi = await store.createRfi({ investigation: investigation.id, from: police, to: vendor, subject: 'Two IPs', question: 'Known?', values: [{ type: 'ipv4', value: '192.0.2.77' }], priority: 'urgent', dueAt: now - 1, createdAt: now - 10 });
    await store.close();

    const queue = tix(data, ['rfi', 'list', '--org', 'Vendor', '-o', 'jsonl']);
    assert.equal(queue.code, 0, queue.stderr);
    const items = queue.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: number; overdue: boolean });
    assert.deepEqual(items.map((item) => [item.id, item.overdue]), [[rfi.id, true]]);
    assert.equal(tix(data, ['rfi', 'list', '--org', 'Police', '-o', 'jsonl']).stdout.trim(), '', 'the police queue is empty');
    const answered = tix(data, ['rfi', 'answer', String(rfi.id), '--org', 'Vendor', '--text', 'Both Pikabot C2', '--indicators', '192.0.2.77', '--report', '1']);
    assert.equal(answered.code, 0, answered.stderr);
    assert.match(answered.stdout, /answered/);
    const shown = tix(data, ['rfi', 'show', String(rfi.id), '--org', 'Police']);
    assert.match(shown.stdout, /Police ask\n {2}Known\?/);
    assert.match(shown.stdout, /Vendor answer\n {2}Both Pikabot C2\n {2}indicators: ipv4:192\.0\.2\.77\n {2}reports: 1/);
    const declineLate = tix(data, ['rfi', 'answer', String(rfi.id), '--org', 'Vendor', '--decline', '--text', 'no']);
    assert.equal(declineLate.code, 2);
    assert.match(declineLate.stderr, /only an open request can be declined/);
    assert.equal(tix(data, ['rfi', 'show', String(rfi.id), '--org', 'Outsider']).code, 2);
  });
});
