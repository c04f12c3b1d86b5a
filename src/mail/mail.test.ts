import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { startSmtpCapture } from '../../test/helpers/smtp.ts';
import { freshStore, reopenStore } from '../../test/helpers/stores.ts';
import { afterFailure, composeMail, MAX_ATTEMPTS, retryDelay } from './delivery.ts';
import { noticeAudience, replyEvent, rfiNotice } from './notice.ts';
import { MailSender } from './sender.ts';

const NOW = Date.UTC(2026, 10, 2, 9);
const MINUTE = 60_000;
const DAY = 86_400_000;

describe('notices of requests for information', () => {
  it('name the request, the case and who acted, and link to the request', () => {
    const notice = rfiNotice('asked', { id: 7, caseNumber: 'GH-2026-3', actor: 'Ghana Police', priority: 'urgent', dueAt: Date.UTC(2026, 10, 5, 17, 30) });
    assert.equal(notice.subject, '[tix] [urgent] Ghana Police asks your organisation a question (request 7), investigation GH-2026-3');
    assert.match(notice.body, /due by 2026-11-05 17:30 UTC/);
    assert.equal(notice.link, '/#/requests/7');
    assert.equal(rfiNotice('declined', { id: 7, caseNumber: 'C', actor: 'Vendor', priority: 'normal' }).subject, '[tix] Vendor declined request 7, investigation C');
  });

  it('go to the party that did not act; closing tells nobody', () => {
    assert.equal(noticeAudience('asked', true), 'asked');
    assert.equal(noticeAudience('answered', false), 'asker');
    assert.equal(noticeAudience('comment', true), 'asked');
    assert.equal(noticeAudience('comment', false), 'asker');
    assert.equal(noticeAudience('reopened', true), 'asked');
    assert.equal(replyEvent('close'), undefined);
    assert.equal(replyEvent('answer'), 'answered');
  });

  it('are retried later, longer each time, and given up on a permanent refusal or after the last attempt', () => {
    assert.equal(retryDelay(1), MINUTE);
    assert.ok(retryDelay(3) > retryDelay(2));
    assert.equal(retryDelay(99), 360 * MINUTE);
    assert.deepEqual(afterFailure({ attempts: 1 }, new Error('connect ECONNREFUSED'), NOW), { retryAt: NOW + MINUTE, error: 'connect ECONNREFUSED' });
    assert.ok('failedAt' in afterFailure({ attempts: 1 }, Object.assign(new Error('550 no such user'), { responseCode: 550 }), NOW));
    assert.ok('retryAt' in afterFailure({ attempts: 1 }, Object.assign(new Error('451 try later'), { responseCode: 451 }), NOW));
    assert.ok('failedAt' in afterFailure({ attempts: MAX_ATTEMPTS }, new Error('timeout'), NOW));
  });

  it('put the link after the server\'s public address', () => {
    const mail = { id: 1, to: 'a@b.example', user: 'a', kind: 'rfi-asked' as const, subject: 's', body: 'b\n', link: '/#/requests/3', attempts: 1 };
    assert.match(composeMail(mail, 'tix@x.example', 'https://tix.example.org/').text, /^b\n\nhttps:\/\/tix\.example\.org\/#\/requests\/3\n$/);
    assert.match(composeMail(mail, 'tix@x.example', undefined).text, /your tix server, \/#\/requests\/3/);
  });
});

async function caseWorld() {
  const store = await freshStore();
  const vendor = (await store.createOrganisation({ name: 'Vendor', kind: 'vendor', createdAt: 0 })).id;
  const police = (await store.createOrganisation({ name: 'Police', kind: 'national-police', createdAt: 0 })).id;
  const officer = await store.createUser({ name: 'officer', org: police, role: 'analyst', email: 'officer@police.example', createdAt: 0 });
  await store.createUser({ name: 'analyst', org: vendor, role: 'analyst', email: 'analyst@vendor.example', createdAt: 0 });
  await store.createUser({ name: 'analyst2', org: vendor, role: 'analyst', email: 'analyst2@vendor.example', createdAt: 0 });
  // a machine account (sync) is never told, whatever address it has
  await store.createUser({ name: 'sync-bot', org: vendor, role: 'sync', email: 'bot@vendor.example', createdAt: 0 });
  const investigation = await store.openInvestigation({ org: police, caseNumber: 'C-1', title: 't', countries: [], tlp: 'amber', createdAt: NOW });
  await store.inviteMembers(investigation.id, police, [vendor], NOW);
  const ask = () => store.createRfi({ investigation: investigation.id, from: police, to: vendor, user: officer.id, subject: 's', question: 'q', values: [], priority: 'normal', createdAt: NOW });
  return { store, vendor, police, ask, close: () => store.close() };
}

describe('the mail outbox in SQLite', () => {
  it('is written with the request, in its transaction: a refused request leaves no notice', async () => {
    const w = await caseWorld();
    try {
      await w.ask();
      assert.deepEqual((await w.store.listMail({ limit: 10 })).map((item) => [item.user, item.kind, item.status]), [['analyst2', 'rfi-asked', 'queued'], ['analyst', 'rfi-asked', 'queued']]);
      await assert.rejects(() => w.store.createRfi({ investigation: 999, from: w.police, to: w.vendor, subject: 's', question: 'q', values: [], priority: 'normal', createdAt: NOW }));
      assert.equal((await w.store.listMail({ limit: 10 })).length, 2);
    } finally {
      await w.close();
    }
  });

  it('hands each notice to one process at a time, and again once its lease ran out', async () => {
    const w = await caseWorld();
    const other = await reopenStore(w.store);
    try {
      await w.ask();
      const first = await w.store.claimMail(NOW, MINUTE, 1);
      const second = await other.claimMail(NOW, MINUTE, 10);
      assert.equal(first.length, 1);
      assert.deepEqual(second.map((item) => item.to), ['analyst2@vendor.example']);
      assert.deepEqual(await other.claimMail(NOW + 1, MINUTE, 10), []);
      const again = await other.claimMail(NOW + MINUTE, MINUTE, 10);
      assert.deepEqual(again.map((item) => [item.id, item.attempts]), [[first[0]!.id, 2], [second[0]!.id, 2]]);
    } finally {
      await other.close();
      await w.close();
    }
  });

  it('gives up a notice not sent within a week (a relay configured late does not send stale news)', async () => {
    const w = await caseWorld();
    try {
      await w.ask();
      assert.deepEqual(await w.store.claimMail(NOW + 8 * 86_400_000, MINUTE, 10), []);
      assert.deepEqual((await w.store.listMail({ status: 'failed', limit: 10 })).map((item) => item.lastError), ['not sent within 7 days', 'not sent within 7 days']);
    } finally {
      await w.close();
    }
  });

  it('forgets notices settled more than 90 days ago, and keeps the younger ones', async () => {
    const w = await caseWorld();
    try {
      await w.ask();
      const [sent, givenUp] = await w.store.claimMail(NOW, MINUTE, 10);
      await w.store.settleMail(sent!.id, { sent: NOW });
      await w.store.settleMail(givenUp!.id, { failedAt: NOW + 30 * DAY, error: '550 no such user' });
      await w.ask();
      await w.store.claimMail(NOW + 100 * DAY, MINUTE, 10);
      // the first request's notices: one settled 100 days ago (gone), one 70 days ago (kept); the second's given up as stale
      const left = await w.store.listMail({ limit: 10 });
      assert.equal(left.some((item) => item.id === sent!.id), false);
      assert.deepEqual(left.filter((item) => item.id === givenUp!.id).map((item) => item.lastError), ['550 no such user']);
      assert.equal(left.length, 3);
    } finally {
      await w.close();
    }
  });

  it('reads the address when it sends: a user who lost theirs since is not mailed, and the notice says why', async () => {
    const w = await caseWorld();
    try {
      await w.ask();
      await w.store.setUserEmail('analyst2', undefined);
      assert.deepEqual((await w.store.claimMail(NOW, MINUTE, 10)).map((item) => item.user), ['analyst']);
      const failed = await w.store.listMail({ status: 'failed', limit: 10 });
      assert.deepEqual(failed.map((item) => [item.user, item.lastError]), [['analyst2', 'the user has no e-mail address']]);
    } finally {
      await w.close();
    }
  });
});

describe('MailSender', () => {
  it('keeps a notice the relay could not take and sends it on a later attempt', async () => {
    const w = await caseWorld();
    // a port nobody listens on: connection refused
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    let now = NOW;
    const errors: string[] = [];
    try {
      await w.ask();
      const down = new MailSender(w.store, { smtp: `smtp://127.0.0.1:${deadPort}`, from: 'tix@police.example', now: () => now, onError: (message) => errors.push(message) });
      assert.equal(await down.drain(), 0);
      await down.stop();
      assert.equal(errors.length, 2);
      assert.match(errors[0]!, /will retry/);
      const queued = await w.store.listMail({ status: 'queued', limit: 10 });
      assert.deepEqual(queued.map((item) => item.attempts), [1, 1]);
      assert.match(queued[0]!.lastError ?? '', /ECONNREFUSED/);

      const smtp = await startSmtpCapture();
      const up = new MailSender(w.store, { smtp: smtp.url, from: 'tix@police.example', now: () => now });
      assert.equal(await up.drain(), 0, 'not before the retry is due');
      now += MINUTE;
      assert.equal(await up.drain(), 2);
      await up.stop();
      await smtp.close();
      assert.deepEqual(smtp.received.flatMap((mail) => mail.to).sort(), ['analyst2@vendor.example', 'analyst@vendor.example']);
      assert.deepEqual((await w.store.listMail({ limit: 10 })).map((item) => [item.status, item.attempts]), [['sent', 2], ['sent', 2]]);
    } finally {
      await w.close();
    }
  });
});
