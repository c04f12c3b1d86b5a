import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TixError } from '../errors.ts';
import { clearanceOf } from '../policy/index.ts';
import { prepareReport } from '../reports/report.ts';
import type { ReportReader } from './reports.ts';
import { freshStore, testBackend } from '../../test/helpers/stores.ts';

const NOW = Date.UTC(2026, 5, 1);

async function world() {
  const store = await freshStore();
  const vendor = (await store.createOrganisation({ name: 'Vendor', kind: 'vendor', createdAt: 0 })).id;
  const police = (await store.createOrganisation({ name: 'Police', kind: 'national-police', createdAt: 0 })).id;
  const outsider = (await store.createOrganisation({ name: 'CERT', kind: 'cert', createdAt: 0 })).id;
  const agreement = await store.createAgreement({ name: 'op', members: [vendor, police], countries: [], purpose: 'op', startsAt: 0, maxTlp: 'amber', mayShareOnward: false }, 0);
  const shared = await store.distribution({ owner: vendor, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
  const reader = async (org: number): Promise<ReportReader> => ({
    org,
    clearance: clearanceOf({ kind: 'member', org }, await store.listDistributions(), new Map((await store.listAgreements()).map((a) => [a.id, a])), { now: NOW, anonymousClear: false }),
  });
  return { store, vendor, police, outsider, shared, reader, close: () => store.close() };
}

const errorCode = async (work: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await work();
    return undefined;
  } catch (error) {
    return (error as TixError).code;
  }
};

describe(`reports and investigations in the ${testBackend()} store`, () => {
  it('share an AMBER report through its agreement, keep versions, and find it by linked value', async () => {
    const w = await world();
    try {
      const draft = prepareReport({ title: 'Botnet', body: 'line one\nline two', indicatorText: 'C2 192.0.2.1' }, NOW);
      const report = await w.store.createReport({ owner: w.vendor, distribution: w.shared.id, tlp: 'amber', content: draft.content, blobs: draft.blobs, createdAt: NOW }, await w.reader(w.vendor));
      assert.equal((await w.store.getReport(report.id, await w.reader(w.police)))?.title, 'Botnet');
      assert.equal(await w.store.getReport(report.id, await w.reader(w.outsider)), undefined);
      assert.equal((await w.store.listReports({ reader: await w.reader(w.outsider), limit: 10 })).items.length, 0);
      const edited = prepareReport({ title: 'Botnet', body: 'line one\nline 2', indicatorText: 'C2 192.0.2.1' }, NOW);
      assert.equal(await w.store.reviseReport(report.id, { content: edited.content, blobs: edited.blobs, at: NOW + 1 }, await w.reader(w.police)), undefined, 'only the owner edits');
      const revised = await w.store.reviseReport(report.id, { content: edited.content, blobs: edited.blobs, at: NOW + 1 }, await w.reader(w.vendor));
      assert.equal(revised?.version, 2);
      assert.equal((await w.store.getReport(report.id, await w.reader(w.police), 1))?.body, 'line one\nline two');
      const found = await w.store.listReports({ reader: await w.reader(w.police), indicator: { type: 'ipv4', value: '192.0.2.1' }, limit: 10 });
      assert.deepEqual(found.items.map((item) => item.id), [report.id]);
    } finally {
      await w.close();
    }
  });

  it('refuse a report linking an object nobody may read, and write nothing of it', async () => {
    const w = await world();
    try {
      const draft = prepareReport({ title: 'x', body: '', objects: ['malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061'] }, NOW);
      const code = await errorCode(() => w.store.createReport({ owner: w.vendor, distribution: w.shared.id, tlp: 'green', content: draft.content, blobs: draft.blobs, createdAt: NOW }, undefined));
      assert.equal(code, 'TIX_REPORT_BAD_REF');
      assert.equal((await w.store.listReports({ limit: 10 })).items.length, 0);
    } finally {
      await w.close();
    }
  });

  it('refuse a report linking an object that exists but its author may not read, and accept it from one who may', async () => {
    const w = await world();
    try {
      const own = await w.store.distribution({ owner: w.vendor, agreements: [], recipientOrgs: [], recipientUsers: [] });
      const session = await w.store.beginImport({ source: 'vendor-private', origin: 'test', format: 'stix', startedAt: NOW, tlp: 'amber', distribution: own.id });
      const malware = 'malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061';
      await session.addObjects([{ line: 1, tlp: 'amber', object: { type: 'malware', spec_version: '2.1', id: malware, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: 'Private family', is_family: true } }]);
      await session.commit({ read: 1, accepted: 1, rejected: 0 });
      const draft = prepareReport({ title: 'x', body: '', malware: [malware] }, NOW);
      const policeOwn = await w.store.distribution({ owner: w.police, agreements: [], recipientOrgs: [], recipientUsers: [] });
      const policeReader = await w.reader(w.police);
      const refused = await errorCode(() => w.store.createReport({ owner: w.police, distribution: policeOwn.id, tlp: 'amber', content: draft.content, blobs: draft.blobs, createdAt: NOW }, policeReader));
      assert.equal(refused, 'TIX_REPORT_BAD_REF');
      assert.equal((await w.store.listReports({ limit: 10 })).items.length, 0);
      const accepted = await w.store.createReport({ owner: w.vendor, distribution: own.id, tlp: 'amber', content: draft.content, blobs: draft.blobs, createdAt: NOW }, await w.reader(w.vendor));
      assert.deepEqual(accepted.links.objects, [malware]);
    } finally {
      await w.close();
    }
  });

  it('keep an investigation, its GREEN report and its requests to members, and run a request to its answer', async () => {
    const w = await world();
    try {
      const investigation = await w.store.openInvestigation({ org: w.police, caseNumber: 'NG-2026-17', title: 'Botnet', countries: ['NG'], tlp: 'amber', createdAt: NOW });
      assert.equal(await w.store.getInvestigation('NG-2026-17', w.vendor), undefined);
      assert.equal(await errorCode(() => w.store.inviteMembers(investigation.id, w.vendor, [w.vendor], NOW)), 'TIX_CASE_UNKNOWN');
      await w.store.inviteMembers(investigation.id, w.police, [w.vendor], NOW);
      const green = distributionOf(w);
      const draft = prepareReport({ title: 'Answer', body: 'both are C2', indicatorText: '192.0.2.1 192.0.2.2' }, NOW);
      const report = await w.store.createReport(
        { owner: w.vendor, distribution: (await green).id, tlp: 'green', investigation: investigation.id, content: draft.content, blobs: draft.blobs, createdAt: NOW },
        await w.reader(w.vendor),
      );
      assert.equal(await w.store.getReport(report.id, await w.reader(w.outsider)), undefined, 'GREEN, but in an investigation');
      assert.ok(await w.store.getReport(report.id, await w.reader(w.police)));

      const rfi = await w.store.createRfi({ investigation: investigation.id, from: w.police, to: w.vendor, subject: 'two IPs', question: 'what are they?', values: [{ type: 'ipv4', value: '192.0.2.1' }], priority: 'high', createdAt: NOW });
      assert.equal(await errorCode(() => w.store.createRfi({ investigation: investigation.id, from: w.police, to: w.outsider, subject: 's', question: 'q', values: [], priority: 'low', createdAt: NOW })), 'TIX_CASE_DENIED');
      assert.deepEqual((await w.store.listRfis({ org: w.vendor, role: 'to', status: 'open', limit: 10 })).map((item) => item.id), [rfi.id]);
      assert.deepEqual(await w.store.listRfis({ org: w.outsider, limit: 10 }), []);
      const late = await w.store.createRfi({ investigation: investigation.id, from: w.police, to: w.vendor, subject: 'late', question: 'q', values: [], priority: 'low', dueAt: NOW - 1, createdAt: NOW - 10 });
      assert.deepEqual((await w.store.listRfis({ org: w.vendor, overdueAt: NOW, limit: 10 })).map((item) => item.id), [late.id]);
      assert.deepEqual((await w.store.listRfis({ org: w.vendor, overdueAt: NOW - 5, limit: 10 })).map((item) => item.id), []);
      const answered = await w.store.replyRfi(rfi.id, { org: w.vendor, action: 'answer', text: 'C2 of the botnet', indicators: [], reports: [report.id], at: NOW + 1 });
      assert.equal(answered.status, 'answered');
      assert.deepEqual(answered.thread.map((message) => message.action), ['ask', 'answer']);
      await w.store.replyRfi(rfi.id, { org: w.police, action: 'close', text: '', indicators: [], reports: [], at: NOW + 2 });
      assert.equal(await errorCode(() => w.store.replyRfi(rfi.id, { org: w.vendor, action: 'answer', text: 'more', indicators: [], reports: [], at: NOW + 3 })), 'TIX_RFI_NOT_OPEN');
      assert.equal((await w.store.getRfi(rfi.id))?.thread.length, 3, 'the refused answer left nothing');
    } finally {
      await w.close();
    }
  });
});

function distributionOf(w: Awaited<ReturnType<typeof world>>) {
  return w.store.distribution({ owner: w.vendor, agreements: [], recipientOrgs: [], recipientUsers: [] });
}
