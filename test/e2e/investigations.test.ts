/**
 * The case-work scenario over HTTP: a national police unit opens an
 * investigation, adds a triage result, asks the vendor about two IPs; the
 * vendor answers with a report linking both; an organisation not invited
 * sees nothing of it on any path; the police's outcomes reach the vendor's
 * indicator as feedback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isProblem, makeKey, NOW, openApiWorld, type ApiWorld, type Reply } from '../helpers/api.ts';

const TAXII = 'application/taxii+json;version=2.1';
const IP1 = '203.0.113.41';
const IP2 = '203.0.113.42';
const CASE = 'NG-CYB-2026-041';
const DAY = 86_400_000;

let world: ApiWorld;
let outsider: string;
let outsiderOrg: number;
const traces: string[] = [];

before(async () => {
  world = await openApiWorld();
  outsiderOrg = (await world.store.createOrganisation({ name: 'Outside CERT', kind: 'cert', country: 'NG', createdAt: 0 })).id;
  outsider = await makeKey(world.store, outsiderOrg, 'analyst');
  // the vendor's AMBER C2 intelligence, shared with the police under an agreement
  const posted = await world.call('/api/v1/indicators', world.keys['Vendor-analyst'], {
    body: [IP1, IP2].map((value) => ({ value, tlp: 'amber', confidence: 80, threatType: 'c2', malware: 'Pikabot' })),
  });
  assert.equal(posted.status, 201, posted.text);
  const agreement = await world.store.createAgreement({ name: 'Sentinel', members: [world.orgs.Vendor, world.orgs.Police], countries: ['NG'], purpose: 'botnet', startsAt: 0, maxTlp: 'amber', mayShareOnward: false }, 0);
  const distribution = await world.store.distribution({ owner: world.orgs.Vendor, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
  await world.store.setSourceDistribution(posted.body.source, distribution.id);
});
after(() => world.close());

const police = (): string => world.keys['Police-analyst'];
const vendor = (): string => world.keys['Vendor-analyst'];

describe('investigation scenario', () => {
  let investigationId: number;
  let rfiId: number;
  let reportId: number;

  it('a national police unit opens an investigation and invites the vendor; others may not open one', async () => {
    const refused = await world.call('/api/v1/investigations', outsider, { body: { caseNumber: 'X', title: 'x' } });
    assert.ok(isProblem(refused, 403));
    assert.equal(refused.body.code, 'TIX_CASE_DENIED');
    const opened = await world.call('/api/v1/investigations', police(), {
      body: { caseNumber: CASE, title: 'Pikabot loader operators', countries: ['NG', 'gh'], leadOfficer: 'Insp. A. Okafor', tlp: 'amber', pap: 'amber', members: ['Vendor'] },
    });
    assert.equal(opened.status, 201, opened.text);
    investigationId = opened.body.id;
    assert.deepEqual(opened.body.countries, ['NG', 'GH']);
    assert.deepEqual(opened.body.members.map((member: { name: string }) => member.name), ['Vendor', 'Police']);
    traces.push(CASE, 'Pikabot loader operators', 'Okafor');
    const duplicate = await world.call('/api/v1/investigations', police(), { body: { caseNumber: CASE, title: 'again' } });
    assert.ok(isProblem(duplicate, 409));
  });

  it('adds a triage result and asks the vendor about two IPs', async () => {
    const triage = { tool: 'tix scan', host: 'seized-laptop-07', matches: [{ value: IP1, seen: 12 }, { value: IP2, seen: 3 }], note: 'exhibit 7 triage' };
    const item = await world.call(`/api/v1/investigations/${CASE}/items`, police(), { body: { kind: 'finding', data: triage, note: 'exhibit 7' } });
    assert.equal(item.status, 201, item.text);
    traces.push('seized-laptop-07', 'exhibit 7');
    const unknown = await world.call('/api/v1/investigations/NO-SUCH-CASE/rfis', police(), { body: { to: 'Vendor', subject: 's', question: 'q' } });
    assert.ok(isProblem(unknown, 404));
    assert.equal(unknown.body.code, 'TIX_CASE_UNKNOWN');
    const notMember = await world.call(`/api/v1/investigations/${CASE}/rfis`, police(), { body: { to: 'Outside CERT', subject: 's', question: 'q' } });
    assert.ok(isProblem(notMember, 403));
    const asked = await world.call(`/api/v1/investigations/${CASE}/rfis`, police(), {
      body: { to: 'Vendor', subject: 'Two C2 candidates from exhibit 7', question: 'What do you know about these IPs?', values: [{ value: IP1 }, { value: '203.0.113[.]42' }], priority: 'high', dueAt: new Date(NOW + 3 * DAY).toISOString() },
    });
    assert.equal(asked.status, 201, asked.text);
    rfiId = asked.body.id;
    assert.deepEqual(asked.body.values, [{ type: 'ipv4', value: IP1 }, { type: 'ipv4', value: IP2 }]);
    traces.push('Two C2 candidates');
  });

  it('the vendor sees the request in its queue and answers with a report linking both IPs', async () => {
    const queue = await world.call('/api/v1/rfis?role=to&status=open', vendor());
    assert.deepEqual(queue.body.items.map((rfi: { id: number; overdue: boolean }) => [rfi.id, rfi.overdue]), [[rfiId, false]]);
    const created = await world.call('/api/v1/reports', vendor(), {
      body: {
        title: 'Answer: Pikabot C2 pair',
        // CLEAR on its own, but in the investigation: members alone read it
        tlp: 'clear',
        investigation: CASE,
        body: '# Findings\n\nBoth are Pikabot C2.<script>fetch("//evil")</script> [portal](javascript:alert(1))',
        indicatorText: `C2 servers: ${IP1}, 203.0.113[.]42`,
        malware: ['Pikabot'],
      },
    });
    assert.equal(created.status, 201, created.text);
    reportId = created.body.id;
    assert.deepEqual(created.body.links.indicators, [{ type: 'ipv4', value: IP1 }, { type: 'ipv4', value: IP2 }]);
    assert.doesNotMatch(created.body.body, /(^|[^\\])<script|javascript:/);
    traces.push('Answer: Pikabot C2 pair', created.body.stixId);
    // a report the police may not open is no answer: refused, and the thread is unchanged
    const privateReport = await world.call('/api/v1/reports', vendor(), { body: { title: 'internal notes', body: 'x', tlp: 'amber' } });
    const unreadable = await world.call(`/api/v1/rfis/${rfiId}/answer`, vendor(), { body: { text: 'see notes', reports: [privateReport.body.id] } });
    assert.ok(isProblem(unreadable, 400), unreadable.text);
    assert.equal(unreadable.body.code, 'TIX_REPORT_BAD_REF');
    assert.equal((await world.call(`/api/v1/rfis/${rfiId}`, police())).body.thread.length, 1);
    const answered = await world.call(`/api/v1/rfis/${rfiId}/answer`, vendor(), { body: { text: 'Both are live Pikabot C2; details in the report.', reports: [reportId] } });
    assert.equal(answered.status, 200, answered.text);
    assert.equal(answered.body.status, 'answered');
    traces.push('details in the report');
    const thread = await world.call(`/api/v1/rfis/${rfiId}`, police());
    assert.deepEqual(thread.body.thread.map((message: { action: string; organisation: { name: string } }) => [message.action, message.organisation.name]), [['ask', 'Police'], ['answer', 'Vendor']]);
    assert.deepEqual(thread.body.thread[1].reports, [reportId]);
    const report = await world.call(`/api/v1/reports/${reportId}`, police());
    assert.equal(report.status, 200);
    const attached = await world.call(`/api/v1/investigations/${investigationId}/items`, police(), { body: { kind: 'report', report: reportId } });
    assert.equal(attached.status, 201, attached.text);
  });

  it('police record outcomes, which reach the vendor\'s indicator as feedback', async () => {
    const takedown = await world.call('/api/v1/outcomes', police(), { body: { kind: 'takedown', value: IP1, note: 'server seized at hoster' } });
    assert.equal(takedown.status, 201, takedown.text);
    const falsePositive = await world.call('/api/v1/outcomes', police(), { body: { kind: 'false-positive', value: IP2, note: 'shared hosting, not the actor' } });
    assert.equal(falsePositive.status, 201, falsePositive.text);
    traces.push('server seized', 'shared hosting');
    const onReport = await world.call('/api/v1/outcomes', police(), { body: { kind: 'arrest', report: reportId, note: 'two suspects arrested' } });
    assert.equal(onReport.status, 201, onReport.text);
    traces.push('two suspects arrested');
    const report = await world.call(`/api/v1/reports/${reportId}`, vendor());
    assert.deepEqual(report.body.outcomes.map((outcome: { kind: string; note: string }) => [outcome.kind, outcome.note]), [['arrest', 'two suspects arrested']]);
    const seen = await world.call(`/api/v1/indicators/ipv4/${IP2}`, vendor());
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.feedback.outcomes.map((outcome: { kind: string; organisation: { name: string } }) => [outcome.kind, outcome.organisation.name]), [['false-positive', 'Police']]);
    assert.deepEqual(seen.body.feedback.confidence, [{ source: 'api:Vendor', confidence: 80, afterFeedback: 40 }]);
    assert.equal(seen.body.observations[0].confidence, 80, 'the source\'s own observation is not rewritten');
    const other = await world.call(`/api/v1/indicators/ipv4/${IP1}`, vendor());
    assert.deepEqual(other.body.feedback.outcomes.map((outcome: { kind: string }) => outcome.kind), ['takedown']);
    assert.equal(other.body.feedback.confidence[0].afterFeedback, 80);
  });

  it('the organisation not invited sees nothing of it, on any path', async () => {
    const replies: Array<[string, Reply]> = [];
    const get = async (path: string, headers: Record<string, string> = {}): Promise<Reply> => {
      const reply = await world.call(path, outsider, { headers });
      replies.push([path, reply]);
      return reply;
    };
    assert.deepEqual((await get('/api/v1/investigations')).body.items, []);
    assert.ok(isProblem(await get(`/api/v1/investigations/${investigationId}`), 404));
    assert.ok(isProblem(await get(`/api/v1/investigations/${CASE}`), 404));
    assert.ok(isProblem(await get(`/api/v1/investigations/${investigationId}/items`), 404));
    assert.deepEqual((await get('/api/v1/rfis')).body.items, []);
    assert.deepEqual((await get('/api/v1/rfis?role=to&status=open')).body.items, []);
    assert.ok(isProblem(await get(`/api/v1/rfis/${rfiId}`), 404));
    assert.deepEqual((await get('/api/v1/reports')).body.items, []);
    assert.deepEqual((await get(`/api/v1/reports?value=${IP1}`)).body.items, []);
    assert.ok(isProblem(await get(`/api/v1/reports/${reportId}`), 404));
    assert.ok(isProblem(await get(`/api/v1/reports/${reportId}/stix`), 404));
    assert.ok(isProblem(await get(`/api/v1/reports/${reportId}/diff`), 404));
    for (const ip of [IP1, IP2]) {
      assert.deepEqual((await get(`/api/v1/indicators?q=${ip}`)).body.items, []);
      assert.equal((await get(`/api/v1/indicators/count?q=${ip}`)).body.count, 0);
      assert.ok(isProblem(await get(`/api/v1/indicators/ipv4/${ip}`), 404));
      assert.deepEqual((await get(`/api/v1/outcomes?value=${ip}`)).body.items, []);
    }
    assert.deepEqual((await get(`/api/v1/outcomes?report=${reportId}`)).body.items, []);
    for (const format of ['stix', 'csv', 'misp']) assert.equal((await get(`/api/v1/exports/${format}`)).status, 200);
    const collections = await get('/taxii2/api/collections/', { accept: TAXII });
    assert.equal(collections.status, 200, collections.text);
    for (const collection of collections.body.collections ?? []) await get(`/taxii2/api/collections/${collection.id}/objects/?limit=1000`, { accept: TAXII });
    // and it cannot act on it either
    const answer = await world.call(`/api/v1/rfis/${rfiId}/answer`, outsider, { body: { text: 'me too' } });
    replies.push([`/api/v1/rfis/${rfiId}/answer`, answer]);
    assert.ok(isProblem(answer, 404));
    const item = await world.call(`/api/v1/investigations/${CASE}/items`, outsider, { body: { kind: 'finding', data: {} } });
    replies.push([`/api/v1/investigations/${CASE}/items`, item]);
    assert.ok(isProblem(item, 404));
    for (const [path, reply] of replies) {
      // a reply may echo what the request itself named (a 404 quotes the path); anything else is a leak
      for (const trace of [...traces, IP1, IP2, `"${reportId}"`]) assert.ok(path.includes(trace) || !reply.text.includes(trace), `${path} reveals ${trace}`);
    }
    // an investigation's report never enters the object store, so TAXII cannot serve it even to members
    const stixId = traces.find((trace) => trace.startsWith('report--'))!;
    assert.ok(isProblem(await world.call(`/api/v1/objects/${stixId}`, police()), 404));
    // the vendor, a member, does see the IPs and the report
    assert.equal((await world.call(`/api/v1/indicators/count?q=${IP1}`, vendor())).body.count, 1);
    assert.equal((await world.call('/api/v1/reports', vendor())).body.items.length, 2);
  });

  it('a closed request is not answered again, and nothing is half-written', async () => {
    const closed = await world.call(`/api/v1/rfis/${rfiId}/close`, police(), { body: { text: 'thanks' } });
    assert.equal(closed.body.status, 'closed');
    const late = await world.call(`/api/v1/rfis/${rfiId}/answer`, vendor(), { body: { text: 'one more thing', reports: [reportId] } });
    assert.ok(isProblem(late, 409));
    assert.equal(late.body.code, 'TIX_RFI_NOT_OPEN');
    const byRequester = await world.call(`/api/v1/rfis/${rfiId}/decline`, police(), { body: { text: 'no' } });
    assert.ok(isProblem(byRequester, 403));
    assert.equal((await world.call(`/api/v1/rfis/${rfiId}`, police())).body.thread.length, 3);
    const big = await world.call('/api/v1/reports', vendor(), { body: { title: 'dump', body: 'x', investigation: CASE, attachments: [{ name: 'mem.raw', content: Buffer.alloc(4 * 1024 * 1024 + 10).toString('base64') }] } });
    assert.ok(isProblem(big, 413));
    assert.equal((await world.call(`/api/v1/reports?investigation=${investigationId}`, police())).body.items.length, 1);
  });

  it('flags overdue requests, and audits every read of the investigation', async () => {
    const asked = await world.call(`/api/v1/investigations/${investigationId}/rfis`, police(), { body: { to: 'Vendor', subject: 'wallet', question: 'Known?', values: [{ value: 'evil.example.com' }, { value: ' bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh ' }], dueAt: new Date(NOW + 1000).toISOString() } });
    assert.equal(asked.status, 201, asked.text);
    // a value that is no indicator (a wallet address) is asked about as given
    assert.deepEqual(asked.body.values, [{ type: 'hostname', value: 'evil.example.com' }, { value: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh' }]);
    const typo = await world.call(`/api/v1/investigations/${investigationId}/rfis`, police(), { body: { to: 'Vendor', subject: 's', question: 'q', values: [{ type: 'ipv4', value: '999.1.1.1' }] } });
    assert.ok(isProblem(typo, 400), 'a value named as an indicator type must be one');
    assert.deepEqual((await world.call('/api/v1/rfis?overdue=true', vendor())).body.items, [], 'not yet due');
    const later = await world.call('/api/v1/rfis?role=to&status=open', vendor());
    assert.deepEqual(later.body.items.map((rfi: { id: number; overdue: boolean }) => [rfi.id, rfi.overdue]), [[asked.body.id, false]]);
    const past = await world.call(`/api/v1/investigations/${investigationId}/rfis`, police(), { body: { to: 'Vendor', subject: 'late', question: 'q', dueAt: new Date(NOW - 1000).toISOString() } });
    assert.ok(isProblem(past, 400), 'a due date in the past is refused');
    const audit = await world.store.listAudit({ limit: 10_000 });
    const reads = audit.filter((entry) => entry.action.startsWith('read:') && /investigations|rfis|reports/.test(entry.target));
    const byOrg = (org: number, action: string): number => reads.filter((entry) => entry.org === org && entry.action === action).length;
    assert.ok(byOrg(world.orgs.Police, 'read:rfi') >= 2);
    assert.ok(byOrg(world.orgs.Vendor, 'read:rfis') >= 1);
    assert.ok(byOrg(outsiderOrg, 'read:investigation') >= 2, 'refused reads are audited too');
    assert.ok(byOrg(outsiderOrg, 'read:reports') >= 2);
  });
});
