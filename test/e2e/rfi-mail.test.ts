/**
 * Requests for information tell the other party by e-mail where the server
 * has a relay (`tix serve --smtp`): a real SMTP server on loopback receives
 * what `tix serve` sends, for writes made over HTTP and with the CLI.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { basic } from '../helpers/api.ts';
import { startServe, tempDir, tix } from '../helpers/cli.ts';
import { startSmtpCapture, type ReceivedMail, type SmtpCapture } from '../helpers/smtp.ts';

const CASE = 'NG-CYB-2026-077';
const PASSWORD = 'correct-horse-battery-2026';
const QUESTION = 'Who rents 198.51.100.23 and since when?';
const ANSWER = 'A reseller in Lagos, since March; invoices attached.';

interface Received {
  to: string[];
  mail: ParsedMail;
}

/** What arrived, parsed, in order. */
const parsed = async (raw: ReceivedMail[]): Promise<Received[]> => Promise.all(raw.map(async (item) => ({ to: item.to, mail: await simpleParser(item.raw) })));

describe('e-mail notices of requests for information (tix serve --smtp)', () => {
  const data = tempDir();
  let smtp: SmtpCapture;
  let received: ReceivedMail[] = [];
  let relay = '';
  let server: Awaited<ReturnType<typeof startServe>>;

  const user = (name: string, org: string, role: string, email?: string): void => {
    const added = tix(data.path, ['user', 'add', name, '--org', org, '--role', role, '--password-stdin', ...(email ? ['--email', email] : [])], PASSWORD);
    assert.equal(added.code, 0, added.stderr);
  };
  const as = (name: string): string => basic(name, PASSWORD);
  const call = async (path: string, name: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: as(name), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  /** Waits until `count` messages arrived in all, and returns those that came after the first `from`. */
  const arrivals = async (from: number, count: number, ms = 15_000): Promise<Received[]> => {
    const until = Date.now() + ms;
    while (received.length < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    // a little longer, so a message that should not have been sent would be seen
    await new Promise((resolve) => setTimeout(resolve, 300));
    return parsed(received.slice(from));
  };

  before(async () => {
    smtp = await startSmtpCapture({ refuse: (address) => address.startsWith('gone@') });
    received = smtp.received;
    relay = smtp.url;

    for (const [name, kind] of [['Vendor', 'vendor'], ['Police', 'national-police'], ['Outside CERT', 'cert']]) {
      assert.equal(tix(data.path, ['org', 'add', name!, '--kind', kind!, '--country', 'NG']).code, 0);
    }
    user('vendor-analyst', 'Vendor', 'analyst', 'analyst@vendor.example');
    user('vendor-reader', 'Vendor', 'reader', 'reader@vendor.example'); // may not answer: not told
    user('vendor-quiet', 'Vendor', 'analyst'); // no address: the web UI's badge alone
    user('vendor-gone', 'Vendor', 'analyst', 'gone@vendor.example'); // the relay refuses it for good
    user('officer', 'Police', 'analyst', 'officer@police.example');
    user('chief', 'Police', 'analyst', 'chief@police.example');
    user('outsider', 'Outside CERT', 'analyst', 'soc@cert.example');
    const opened = tix(data.path, ['case', 'open', CASE, '--org', 'Police', '--title', 'Loader operators', '--members', 'Vendor']);
    assert.equal(opened.code, 0, opened.stderr);
    server = await startServe(data.path, ['--smtp', relay, '--mail-from', 'tix <tix@police.example>', '--public-url', 'https://tix.example.org/']);
  });
  after(async () => {
    server?.child.kill('SIGTERM');
    await smtp.close();
    data.remove();
  });

  it('says where notices come from as it starts, and refuses a relay without a From address', () => {
    assert.match(server.output(), /Mail\s+requests' notices from tix <tix@police\.example> through 127\.0\.0\.1:\d+/);
    const missing = tix(data.path, ['serve', '--port', '0', '--smtp', relay]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--smtp needs --mail-from/);
    const bad = tix(data.path, ['serve', '--port', '0', '--smtp', 'mail.example.org', '--mail-from', 'tix@example.org']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--smtp: an smtp:\/\/ or smtps:\/\/ URL/);
  });

  let rfi = 0;
  it('a question reaches the users of the organisation asked who may answer, naming the request but none of its content', async () => {
    const before = received.length;
    const asked = await call(`/api/v1/investigations/${CASE}/rfis`, 'officer', { to: 'Vendor', subject: 'Hosting of the loader panel', question: QUESTION, values: [{ value: '198.51.100.23' }], priority: 'high' });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    rfi = asked.body.id;
    const mails = await arrivals(before, before + 1);
    assert.deepEqual(mails.map((item) => item.to), [['analyst@vendor.example']]);
    const { mail } = mails[0]!;
    assert.equal(mail.from?.text, '"tix" <tix@police.example>');
    assert.equal(mail.subject, `[tix] [high] Police asks your organisation a question (request ${rfi}), investigation ${CASE}`);
    assert.match(mail.text ?? '', new RegExp(`https://tix\\.example\\.org/#/requests/${rfi}\\b`));
    assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
    for (const secret of ['198.51.100.23', 'Who rents', 'loader panel']) assert.ok(!`${mail.subject}\n${mail.text}`.includes(secret), secret);
  });

  it('an answer reaches the officer who asked, not the rest of the unit nor anyone outside the investigation', async () => {
    const before = received.length;
    const answered = await call(`/api/v1/rfis/${rfi}/answer`, 'vendor-analyst', { text: ANSWER });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    const mails = await arrivals(before, before + 1);
    assert.deepEqual(mails.map((item) => item.to), [['officer@police.example']]);
    assert.equal(mails[0]!.mail.subject, `[tix] [high] Vendor answered request ${rfi}, investigation ${CASE}`);
    assert.ok(!(mails[0]!.mail.text ?? '').includes('Lagos'));
    assert.ok(!received.some((item) => item.to.includes('soc@cert.example') || item.to.includes('chief@police.example') || item.to.includes('reader@vendor.example')));
  });

  it('a reply written with the CLI is sent by the running server; a refused address is given up and listed with the relay\'s reason', async () => {
    const before = received.length;
    const asked = await call(`/api/v1/investigations/${CASE}/rfis`, 'officer', { to: 'Vendor', subject: 'Second panel', question: 'And this one?', values: [{ value: 'panel[.]example' }] });
    assert.equal(asked.status, 201);
    await arrivals(before, before + 1);
    const declined = tix(data.path, ['rfi', 'answer', String(asked.body.id), '--org', 'Vendor', '--decline', '--text', 'Not our customer.']);
    assert.equal(declined.code, 0, declined.stderr);
    const mails = await arrivals(before, before + 2);
    assert.deepEqual(mails.map((item) => item.to), [['analyst@vendor.example'], ['officer@police.example']]);
    assert.equal(mails[1]!.mail.subject, `[tix] Vendor declined request ${asked.body.id}, investigation ${CASE}`);
    const outbox = tix(data.path, ['mail', 'list', '-o', 'jsonl']).stdout.trim().split('\n').map((line) => JSON.parse(line) as { user: string; kind: string; status: string; lastError?: string });
    const gone = outbox.filter((item) => item.user === 'vendor-gone');
    assert.deepEqual(gone.map((item) => [item.kind, item.status]), [['rfi-asked', 'failed'], ['rfi-asked', 'failed']]);
    assert.match(gone[0]!.lastError ?? '', /550/);
    assert.deepEqual(outbox.filter((item) => item.status === 'sent').map((item) => `${item.user} ${item.kind}`), ['officer rfi-declined', 'vendor-analyst rfi-asked', 'officer rfi-answered', 'vendor-analyst rfi-asked']);
  });

  it('a user sets their own address over the API; a bad one is refused at the boundary', async () => {
    const response = await fetch(`${server.url}/api/v1/users/vendor-quiet`, { method: 'PATCH', headers: { authorization: as('vendor-quiet'), 'content-type': 'application/json' }, body: JSON.stringify({ email: 'quiet@vendor.example' }) });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { email: string }).email, 'quiet@vendor.example');
    const other = await fetch(`${server.url}/api/v1/users/vendor-analyst`, { method: 'PATCH', headers: { authorization: as('vendor-quiet'), 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@vendor.example' }) });
    assert.equal(other.status, 403);
    const bad = await fetch(`${server.url}/api/v1/users/vendor-quiet`, { method: 'PATCH', headers: { authorization: as('vendor-quiet'), 'content-type': 'application/json' }, body: JSON.stringify({ email: 'not an address' }) });
    assert.equal(bad.status, 400);
    const listed = tix(data.path, ['user', 'list', '--org', 'Vendor', '-o', 'jsonl']).stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; email?: string });
    assert.equal(listed.find((item) => item.name === 'vendor-quiet')?.email, 'quiet@vendor.example');
    const refused = tix(data.path, ['user', 'email', 'vendor-quiet', 'nope']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /address: "nope" is not an e-mail address/);
  });
});
