/**
 * POST /api/v1/scans: a real Zeek log scanned over HTTP against the intel
 * the caller may read, and nothing else; limits and bad input.
 *
 * Expected hits are computed from the log independently of the scanner:
 *   awk -F'\t' -v ip=195.113.232.73 '!/^#/ && ($3==ip || $5==ip) {print NR}' test/fixtures/scan/logs/zeek-tsv/conn.log   # 10 (id.resp_h)
 *   awk -F'\t' -v ip=65.55.252.71 '!/^#/ && ($3==ip || $5==ip) {print NR}' test/fixtures/scan/logs/zeek-tsv/conn.log     # 58 (id.resp_h)
 *   awk -F'\t' -v ip=185.33.222.62 '!/^#/ && ($3==ip || $5==ip) {print NR}' test/fixtures/scan/logs/zeek-tsv/conn.log    # 55 (id.resp_h), added last
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { isProblem, openApiWorld, type ApiWorld, type Json } from '../helpers/api.ts';
import { ROOT } from '../helpers/cli.ts';

const CONN = readFileSync(join(ROOT, 'test', 'fixtures', 'scan', 'logs', 'zeek-tsv', 'conn.log'));
const AMBER_IP = '195.113.232.73';
const CLEAR_IP = '65.55.252.71';
const LIMIT = 64 * 1024;

const octets = { 'content-type': 'application/octet-stream' };

describe('POST /api/v1/scans', () => {
  let world: ApiWorld;

  before(async () => {
    world = await openApiWorld({ scanBytes: LIMIT });
    const created = await world.call('/api/v1/indicators', world.keys['Vendor-analyst'], {
      body: [
        { value: AMBER_IP, tlp: 'amber', threatType: 'c2', malware: 'Mozi' },
        { value: CLEAR_IP, tlp: 'clear', threatType: 'c2' },
      ],
    });
    assert.equal(created.status, 201, created.text);
  });

  after(async () => {
    await world.close();
  });

  const scan = (key: string, body: Buffer | string, query = 'name=zeek/conn.log', headers: Record<string, string> = octets) =>
    world.call(`/api/v1/scans?${query}`, key, { method: 'POST', body, headers });

  const hits = (report: Json): string[] =>
    (report.findings as Json[]).map((f) => `${f.line} ${f.field} ${f.value} ${f.indicator} ${f.verdict} ${f.tlp}`).sort();

  it('finds the expected hits in a Zeek log, with the chain of custody', async () => {
    const reply = await scan(world.keys['Vendor-reader'], CONN, 'name=zeek/conn.log&scan=case-4711');
    assert.equal(reply.status, 200, reply.text);
    const { report, scan: id } = reply.body;
    assert.equal(id, 'case-4711');
    assert.deepEqual(hits(report), [`10 id.resp_h ${AMBER_IP} ${AMBER_IP} hit amber`, `58 id.resp_h ${CLEAR_IP} ${CLEAR_IP} hit clear`]);
    assert.deepEqual(report.findings.find((f: Json) => f.value === AMBER_IP).malware, ['Mozi']);
    const [file] = report.files;
    assert.equal(file.path, 'zeek/conn.log');
    assert.equal(file.format, 'zeek-tsv');
    assert.equal(file.size, CONN.length);
    assert.equal(file.sha256, createHash('sha256').update(CONN).digest('hex'));
    assert.equal(file.hits, 2);
    assert.equal(file.lines, CONN.toString().split('\n').filter(Boolean).length);
    assert.match(report.intel.id, /^[0-9a-f]{16,}/);
    assert.deepEqual(report.problems, []);
  });

  it('scans a gzipped log the same', async () => {
    const reply = await scan(world.keys['Vendor-reader'], gzipSync(CONN), 'name=conn.log.gz');
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.report.files[0].compressed, true);
    assert.equal(reply.body.report.findings.length, 2);
  });

  it('never hits on what the caller may not read: the police unit is not cleared for the vendor\'s AMBER value', async () => {
    const reply = await scan(world.keys['Police-analyst'], CONN);
    assert.equal(reply.status, 200, reply.text);
    const values = (reply.body.report.findings as Json[]).map((f) => f.value);
    assert.ok(!values.includes(AMBER_IP), `no hit on ${AMBER_IP}: ${values.join(', ')}`);
    assert.deepEqual(values, [CLEAR_IP], 'the TLP:CLEAR value still hits');
    assert.ok(!reply.text.includes('Mozi'), 'nothing of the AMBER indicator shows');
  });

  it('evaluates STIX pattern indicators only where the caller may read them', async () => {
    // jq -r 'input_line_number as $n | select(.query | test("\\.msftncsi\\.com$")) | $n' dns.log   # 5
    const session = await world.store.beginImport({ source: 'vendor-stix', origin: 'bundle.json', format: 'stix21', startedAt: 0, tlp: 'amber' });
    await session.addObjects([
      {
        object: {
          type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
          created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', valid_from: '2024-01-01T00:00:00Z',
          name: 'NCSI probes', pattern_type: 'stix', pattern: "[domain-name:value LIKE '%.msftncsi.com']",
        } as never,
        line: 1,
      },
    ]);
    await session.commit({ read: 1, accepted: 1, rejected: 0 });
    const owned = await world.store.distribution({ owner: world.orgs.Vendor, agreements: [], recipientOrgs: [], recipientUsers: [] });
    await world.store.setSourceDistribution('vendor-stix', owned.id);
    const dns = readFileSync(join(ROOT, 'test', 'fixtures', 'scan', 'logs', 'zeek-json', 'dns.log'));
    const vendor = await scan(world.keys['Vendor-reader'], dns, 'name=dns.log');
    const patterns = (reply: Json): string[] => (reply.body.report.findings as Json[]).filter((f) => f.indicatorType === 'stix-pattern').map((f) => `${f.line} ${f.indicator}`);
    assert.deepEqual(patterns(vendor), ['5 indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f']);
    const police = await scan(world.keys['Police-reader'], dns, 'name=dns.log');
    assert.equal(police.status, 200, police.text);
    assert.deepEqual(patterns(police), []);
  });

  it('records sightings for the caller\'s organisation when asked, analysts only', async () => {
    const denied = await scan(world.keys['Vendor-reader'], CONN, 'name=conn.log&recordSightings=true');
    assert.ok(isProblem(denied, 403), denied.text);
    const reply = await scan(world.keys['Vendor-analyst'], CONN, 'name=conn.log&recordSightings=true');
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.sightings.recorded, 2);
    const sightings = await world.call(`/api/v1/sightings?value=${AMBER_IP}&mine=true`, world.keys['Vendor-analyst']);
    assert.equal(sightings.status, 200);
    assert.equal(sightings.body.items.length, 1);
    assert.equal(sightings.body.items[0].origin, 'scanner');
  });

  it('audits every scan: who, the file\'s name and hash, the hit count', async () => {
    const reply = await scan(world.keys['Vendor-admin'], CONN, 'name=audited.log&scan=s-1');
    assert.equal(reply.status, 200);
    const audit = await world.call('/api/v1/audit?action=read:scan', world.keys['local-admin']);
    assert.equal(audit.status, 200, audit.text);
    const entry = (audit.body.items as Json[]).find((item) => item.detail?.file === 'audited.log');
    assert.ok(entry, audit.text.slice(0, 500));
    assert.equal(entry.detail.sha256, createHash('sha256').update(CONN).digest('hex'));
    assert.equal(entry.detail.scan, 's-1');
    assert.equal(entry.count, 2);
  });

  it('reports a binary file in the report, not as a failure', async () => {
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7) & 0xff;
    const reply = await scan(world.keys['Vendor-reader'], binary, 'name=disk.img');
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.report.files[0].format, 'binary');
    assert.equal(reply.body.report.problems[0].code, 'TIX_INPUT_BINARY');
    assert.equal(reply.body.report.findings.length, 0);
  });

  it('refuses an empty body, a file over the limit, a missing name and other media types', async () => {
    const empty = await scan(world.keys['Vendor-reader'], Buffer.alloc(0));
    assert.ok(isProblem(empty, 400), empty.text);
    assert.equal(empty.body.code, 'TIX_INPUT_EMPTY');
    const large = await scan(world.keys['Vendor-reader'], Buffer.alloc(LIMIT + 1, 'a'));
    assert.ok(isProblem(large, 413), large.text);
    assert.equal(large.body.code, 'TIX_SCAN_TOO_LARGE');
    const unnamed = await scan(world.keys['Vendor-reader'], CONN, 'scan=x');
    assert.ok(isProblem(unnamed, 400), unnamed.text);
    const json = await scan(world.keys['Vendor-reader'], '{"a":1}', 'name=x.json', { 'content-type': 'application/json' });
    assert.ok(isProblem(json, 415), json.text);
    const anonymous = await world.call('/api/v1/scans?name=conn.log', undefined, { method: 'POST', body: CONN, headers: octets });
    assert.ok(isProblem(anonymous, 401), anonymous.text);
  });

  it('matches the files of one scan against the same intel, taken when the first came', async () => {
    const first = await scan(world.keys['Vendor-reader'], CONN, 'name=a.log&scan=one-intel');
    const created = await world.call('/api/v1/indicators', world.keys['Vendor-analyst'], { body: { value: '185.33.222.62', tlp: 'clear' } });
    assert.equal(created.status, 201, created.text);
    const second = await scan(world.keys['Vendor-reader'], CONN, 'name=b.log&scan=one-intel');
    assert.equal(second.body.report.intel.id, first.body.report.intel.id);
    assert.equal(second.body.report.findings.length, 2, 'the scan\'s intel is as it was when its first file came');
    const another = await scan(world.keys['Vendor-reader'], CONN, 'name=c.log&scan=another');
    assert.notEqual(another.body.report.intel.id, first.body.report.intel.id);
    assert.equal(another.body.report.findings.length, 3);
    const police = await scan(world.keys['Police-reader'], CONN, 'name=a.log&scan=one-intel');
    assert.ok(!police.text.includes(AMBER_IP), 'another caller never gets the intel of someone else\'s scan');
  });
});
