import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { tempDir } from '../../test/helpers/cli.ts';
import { startSmtpCapture, type ReceivedMail, type SmtpCapture } from '../../test/helpers/smtp.ts';
import type { Contact } from '../contacts/index.ts';
import type { Store } from '../store/store.ts';
import { freshStore } from '../../test/helpers/stores.ts';
import { notifyVictims } from './notify.ts';
import { parseTemplate } from './notify/message.ts';

const T = Date.UTC(2026, 9, 5, 12);
const CONTACTS: Contact[] = [
  { scope: 'asn', key: '29465', role: 'abuse', name: 'MTN Nigeria abuse desk', email: 'abuse@mtn.example.ng', manual: false },
  { scope: 'country', key: 'KE', role: 'cert', name: 'KE-CIRT/CC', email: 'incidents@ke-cirt.example', manual: false },
  { scope: 'country', key: 'NG', role: 'cert', name: 'ngCERT', email: 'incident@ngcert.example', manual: false },
];

describe('victim notification over SMTP', () => {
  const dir = tempDir();
  let smtp: SmtpCapture;
  let received: ReceivedMail[] = [];
  let url = '';
  let store: Store;
  before(async () => {
    smtp = await startSmtpCapture();
    received = smtp.received;
    url = smtp.url;
    store = await freshStore();
    await store.putContacts(CONTACTS, T);
    writeFileSync(
      join(dir.path, 'victims.csv'),
      [
        'ip,timestamp,family',
        `197.210.0.1,2026-10-01T10:00:00Z,Mozi`, // MTN Nigeria: its abuse desk
        `197.210.0.2,2026-10-01T11:00:00Z,Mozi`,
        `197.210.0.2,2026-10-01T18:00:00Z,Mozi`, // the same event again (same IP, family, day)
        `197.210.0.3,1759312800,Emotet`,
        `41.90.0.1,2026-10-02T09:00:00Z,Mozi`, // Kenya, no AS contact: the national CERT
        `8.8.8.8,2026-10-02T09:00:00Z,Mozi`, // no contact at all: unassigned
        `not-an-ip,2026-10-02T09:00:00Z,Mozi`,
        `41.90.0.2,yesterday,Mozi`,
      ].join('\n'),
    );
  });
  after(async () => {
    await store.close();
    await smtp.close();
    dir.remove();
  });

  it('sends one message per contact, with the victims attached, and reports bad rows', async () => {
    const result = await notifyVictims(store, { files: [join(dir.path, 'victims.csv')], outDir: join(dir.path, 'out1'), dataDir: join(dir.path, 'data'), now: T, from: 'cert@tix.example', smtp: url });
    assert.deepEqual(result.issues.map((issue) => `${issue.line}:${issue.field}`), ['8:ip', '9:timestamp']);
    assert.equal(result.victims, 6);
    assert.equal(result.unassigned, 1);
    assert.deepEqual(received.map((mail) => mail.to).sort(), [['abuse@mtn.example.ng'], ['incidents@ke-cirt.example']]);
    const mtn = await simpleParser(received.find((mail) => mail.to[0] === 'abuse@mtn.example.ng')!.raw);
    assert.equal(mtn.subject, '3 infected hosts in your network (AS29465)');
    assert.match(mtn.text ?? '', /Dear MTN Nigeria abuse desk,/);
    assert.match(mtn.text ?? '', /Emotet, Mozi/);
    const csv = mtn.attachments[0]!.content.toString('utf8').trim().split('\r\n');
    assert.equal(csv[0], 'ip,timestamp,family,asn,country');
    assert.deepEqual(csv.slice(1).map((line) => line.split(',')[0]), ['197.210.0.1', '197.210.0.2', '197.210.0.3']);
    assert.ok(csv.slice(1).every((line) => line.endsWith(',29465,NG')));
    assert.match(readFileSync(join(dir.path, 'out1', 'countries.csv'), 'utf8'), /NG,4,1/);
  });

  it('tells nobody of the same event twice', async () => {
    const before = received.length;
    const again = await notifyVictims(store, { files: [join(dir.path, 'victims.csv')], outDir: join(dir.path, 'out2'), dataDir: join(dir.path, 'data'), now: T + 1, from: 'cert@tix.example', smtp: url });
    assert.equal(received.length, before);
    assert.ok(again.messages.every((message) => !message.sent && message.victims === 0));
    writeFileSync(join(dir.path, 'more.csv'), 'ip,timestamp,family\n197.210.0.1,2026-10-01T23:00:00Z,Mozi\n197.210.0.1,2026-10-03T08:00:00Z,Mozi\n');
    const later = await notifyVictims(store, { files: [join(dir.path, 'more.csv')], outDir: join(dir.path, 'out3'), dataDir: join(dir.path, 'data'), now: T + 2, from: 'cert@tix.example', smtp: url });
    assert.equal(received.length, before + 1);
    assert.deepEqual(later.messages.map((m) => [m.recipient, m.victims, m.skipped]), [['abuse@mtn.example.ng', 1, 1]]);
  });

  it('writes RFC 5322 drafts from a template without sending or recording them', async () => {
    const template = parseTemplate('Subject: [Surge] {{count}} hosts, {{countries}}\n\nHello {{name}}, see {{file}}.\n{{sender}}\n', 't.txt');
    const before = received.length;
    writeFileSync(join(dir.path, 'new.csv'), 'ip,timestamp,family\n197.210.9.9,2026-10-04T08:00:00Z,Mirai\n');
    const drafts = await notifyVictims(store, { files: [join(dir.path, 'new.csv')], outDir: join(dir.path, 'drafts'), dataDir: join(dir.path, 'data'), now: T, from: 'cert@tix.example', sender: 'The Surge team', template });
    assert.equal(received.length, before);
    const eml = readFileSync(join(dir.path, 'drafts', 'abuse@mtn.example.ng.eml'));
    assert.match(eml.toString('latin1'), /\r\nMIME-Version: 1\.0\r\n/);
    const parsed = await simpleParser(eml);
    assert.equal(parsed.subject, '[Surge] 1 hosts, NG');
    assert.equal(parsed.text?.trim(), 'Hello MTN Nigeria abuse desk, see abuse@mtn.example.ng.csv.\nThe Surge team');
    assert.equal(parsed.date?.getTime(), T);
    assert.equal(drafts.messages[0]!.sent, false);
    assert.equal((await store.notifiedEvents('abuse@mtn.example.ng', ['197.210.9.9|Mirai|2026-10-04'])).size, 0);
    assert.throws(() => parseTemplate('Subject: {{nope}}\n\nx', 'bad.txt'), /unknown placeholder \{\{nope\}\}/);
  });
});
