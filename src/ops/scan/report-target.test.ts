import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkReportTarget } from './report-target.ts';

const root = mkdtempSync(join(tmpdir(), 'tix-report-target-'));
after(() => rmSync(root, { recursive: true, force: true }));

const seized = join(root, 'seized');
mkdirSync(join(seized, 'var', 'log'), { recursive: true });
const log = join(seized, 'var', 'log', 'conn.log');
writeFileSync(log, '#fields\tts\n');
const single = join(root, 'dns.log');
writeFileSync(single, 'query\n');
linkSync(single, join(root, 'dns-hard-link.log'));
symlinkSync(single, join(root, 'dns-symlink.log'));
symlinkSync(seized, join(root, 'seized-link'));
mkdirSync(join(root, 'seized2'));

const refused = (target: string, evidence: string[], what: RegExp) =>
  assert.throws(() => checkReportTarget(target, evidence), (error: Error & { code?: string }) => error.code === 'TIX_CONFIG_BAD_OPTION' && what.test(error.message));

describe('a scan report is never written over or into the evidence', () => {
  it('refuses an evidence file under its own name, a hard link or a symbolic link', () => {
    refused(single, [single], /is the evidence file .*dns\.log; evidence is never written/);
    refused(join(root, 'dns-hard-link.log'), [single], /is the evidence file/);
    refused(join(root, 'dns-symlink.log'), [single], /is the evidence file/);
    refused(single, ['-', join(root, 'dns-symlink.log')], /is the evidence file/);
  });

  it('refuses a report inside an evidence directory, new or not, through links too', () => {
    refused(join(seized, 'report.jsonl'), [seized], /is inside the evidence directory .*seized; evidence is never written/);
    refused(log, [seized], /is inside the evidence directory/);
    refused(join(seized, 'var', 'report.html'), [join(root, 'seized-link')], /is inside the evidence directory/);
    refused(seized, [seized], /is inside the evidence directory/);
  });

  it('accepts a report anywhere else: beside the evidence, in a directory whose name only begins like it, or a device', () => {
    for (const target of [join(root, 'report.jsonl'), join(root, 'seized2', 'report.jsonl'), single + '.report', '/dev/null', join(root, 'no-such-dir', 'r')]) {
      assert.doesNotThrow(() => checkReportTarget(target, [seized, single, '-', join(root, 'missing.log')]), target);
    }
  });
});
