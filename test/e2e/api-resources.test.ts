/**
 * Sources, STIX objects, sightings and exports over HTTP: filters, paging,
 * versions, who may write what, and exports streamed in the format's media
 * type, never built whole.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Observation } from '../../src/model/index.ts';
import { isProblem, NOW, openApiWorld, type ApiWorld, type Json } from '../helpers/api.ts';

const API = '/api/v1';
const DAY = 86_400_000;
const MALWARE = 'malware--0d0d0d0d-0000-4000-8000-000000000001';
const CAMPAIGN = 'campaign--0d0d0d0d-0000-4000-8000-000000000002';

function stixIndicator(n: number, ip: string): Json {
  const id = `indicator--0d0d0d0d-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return { type: 'indicator', spec_version: '2.1', id, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', pattern: `[ipv4-addr:value = '${ip}']`, pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' };
}

describe('REST API: sources, objects, sightings, exports', () => {
  let w: ApiWorld;
  before(async () => {
    w = await openApiWorld();
    const load = async (source: string, owner: number, at: number, observations: Observation[], objects: Json[], tlp: 'green' | 'amber'): Promise<void> => {
      const distribution = await w.store.distribution({ owner, agreements: [], recipientOrgs: [], recipientUsers: [] });
      const session = await w.store.beginImport({ source, origin: source, format: 'stix', startedAt: at, tlp, distribution: distribution.id });
      await session.add(observations);
      await session.addObjects(objects.map((object, i) => ({ object: object as never, line: i + 1 })));
      await session.commit({ read: 1, accepted: observations.length, rejected: 0 });
    };
    const obs = (value: string, extra: Partial<Observation> = {}): Observation => ({ type: 'ipv4', value, firstSeen: NOW - 2 * DAY, lastSeen: NOW - DAY, tags: [], raw: value, line: 1, ...extra });
    const malware = (modified: string): Json => ({ type: 'malware', spec_version: '2.1', id: MALWARE, created: '2025-01-01T00:00:00.000Z', modified, name: `family ${modified}`, is_family: true });
    await load(
      'vendor-public',
      w.orgs.Vendor,
      NOW - 3 * DAY,
      [obs('192.0.2.1', { objectId: stixIndicator(1, '192.0.2.1').id as string }), obs('192.0.2.2')],
      [stixIndicator(1, '192.0.2.1'), stixIndicator(2, '192.0.2.2'), malware('2025-01-01T00:00:00.000Z')],
      'green',
    );
    await load('vendor-private', w.orgs.Vendor, NOW - 2 * DAY, [obs('192.0.2.3')], [malware('2025-06-01T00:00:00.000Z'), { type: 'campaign', spec_version: '2.1', id: CAMPAIGN, created: '2025-01-01T00:00:00.000Z', modified: '2025-01-01T00:00:00.000Z', name: 'secret' }], 'amber');
    // a large public feed, for exports
    const bulk = Array.from({ length: 20_000 }, (_, i) => obs(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, { threatType: 'scanner' }));
    await load('bulk', w.orgs.local, NOW - DAY, bulk, [], 'green');
  });
  after(async () => w?.close());

  it('lists sources the caller may read something of, counting only that', async () => {
    const police = await w.call(`${API}/sources`, w.keys['Police-reader']);
    assert.deepEqual(
      (police.body.items as Json[]).map((source) => [source.name, source.owner.name, source.mine, source.indicators, source.objects, source.lastImport]),
      [
        ['bulk', 'local', false, 20_000, 0, undefined],
        ['vendor-public', 'Vendor', false, 2, 3, undefined],
      ],
    );
    const vendor = await w.call(`${API}/sources`, w.keys['Vendor-reader']);
    const mine = (vendor.body.items as Json[]).find((source) => source.name === 'vendor-private')!;
    assert.deepEqual([mine.mine, mine.indicators, mine.objects, mine.lastImport], [true, 1, 2, new Date(NOW - 2 * DAY).toISOString()]);
  });

  it('lists STIX objects page by page, by type, added after a time, in every version the caller may read', async () => {
    const walk = async (query: string, key: string): Promise<Json[]> => {
      const records: Json[] = [];
      let next: string | undefined;
      do {
        const page = await w.call(`${API}/objects?${query}&limit=2${next ? `&next=${encodeURIComponent(next)}` : ''}`, key);
        assert.equal(page.status, 200, page.text);
        assert.ok(page.body.items.length <= 2);
        records.push(...page.body.items);
        next = page.body.next;
      } while (next);
      return records;
    };
    const police = await walk('versions=all', w.keys['Police-reader']);
    assert.equal(police.length, 3);
    assert.ok(police.every((record) => record.tlp === 'green' && record.source === 'vendor-public'));
    const vendor = await walk('versions=all', w.keys['Vendor-reader']);
    assert.equal(vendor.length, 5);
    // the latest version the caller may read: the police see the first version of the malware, the vendor the second
    const latest = async (key: string): Promise<string> => (await w.call(`${API}/objects?type=malware`, key)).body.items[0].object.modified;
    assert.equal(await latest(w.keys['Police-reader']), '2025-01-01T00:00:00.000Z');
    assert.equal(await latest(w.keys['Vendor-reader']), '2025-06-01T00:00:00.000Z');
    const recent = await w.call(`${API}/objects?added_after=${new Date(NOW - 2.5 * DAY).toISOString()}&versions=all`, w.keys['Vendor-reader']);
    assert.deepEqual((recent.body.items as Json[]).map((record) => record.object.type).sort(), ['campaign', 'malware']);
    const byId = await w.call(`${API}/objects?id=${CAMPAIGN},${MALWARE}`, w.keys['Police-reader']);
    assert.deepEqual((byId.body.items as Json[]).map((record) => record.object.id), [MALWARE]);
  });

  it('gets one object with the versions the caller may read; 404 for what it may not', async () => {
    const police = await w.call(`${API}/objects/${MALWARE}`, w.keys['Police-reader']);
    assert.equal(police.status, 200);
    assert.deepEqual((police.body.versions as Json[]).map((version) => version.modified), ['2025-01-01T00:00:00.000Z']);
    const vendor = await w.call(`${API}/objects/${MALWARE}`, w.keys['Vendor-reader']);
    assert.equal(vendor.body.object.name, 'family 2025-06-01T00:00:00.000Z');
    assert.equal(vendor.body.versions.length, 2);
    assert.ok(isProblem(await w.call(`${API}/objects/${CAMPAIGN}`, w.keys['Police-reader']), 404));
    for (const id of ['campaign', '..%2F..%2Fetc%2Fpasswd', 'indicator--x', `${CAMPAIGN}%00`, "indicator--' OR 1=1 --"]) {
      assert.ok(isProblem(await w.call(`${API}/objects/${id}`, w.keys['Police-reader']), 400), id);
    }
    for (const query of ['next=garbage', 'type=Indicator', 'versions=some', `id=${'x'.repeat(400)}`, 'added_after=monday']) {
      assert.ok(isProblem(await w.call(`${API}/objects?${query}`, w.keys['Police-reader']), 400), query);
    }
  });

  it('records sightings by value or by STIX id, of what the caller may read, from analysts and the scanner', async () => {
    const byValue = await w.call(`${API}/sightings`, w.keys['Police-analyst'], { body: { value: '192.0.2[.]2', location: 'fw-lagos-01', count: 3, lastSeen: new Date(NOW - DAY).toISOString() } });
    assert.equal(byValue.status, 201, byValue.text);
    assert.deepEqual([byValue.body.indicator, byValue.body.organisation.name, byValue.body.origin, byValue.body.count], [{ type: 'ipv4', value: '192.0.2.2' }, 'Police', 'analyst', 3]);
    const byId = await w.call(`${API}/sightings`, w.keys['Police-analyst'], { body: { objectId: stixIndicator(1, '192.0.2.1').id, origin: 'scanner', note: 'proxy log' } });
    assert.equal(byId.status, 201, byId.text);
    assert.equal(byId.body.origin, 'scanner');
    // not readable by the police: as if it did not exist
    assert.ok(isProblem(await w.call(`${API}/sightings`, w.keys['Police-analyst'], { body: { value: '192.0.2.3' } }), 404));
    assert.ok(isProblem(await w.call(`${API}/sightings`, w.keys['Police-analyst'], { body: { objectId: CAMPAIGN } }), 404));
    assert.ok(isProblem(await w.call(`${API}/sightings`, w.keys['Police-analyst'], { body: { value: '203.0.113.200' } }), 404));
    assert.ok(isProblem(await w.call(`${API}/sightings`, w.keys['Police-reader'], { body: { value: '192.0.2.2' } }), 403));
    for (const body of [{}, { value: '192.0.2.2', objectId: CAMPAIGN }, { type: 'ipv4', objectId: CAMPAIGN }, { value: '192.0.2.2', origin: 'taxii' }, { value: '192.0.2.2', count: 0 }, { objectId: 'nope' }]) {
      const reply = await w.call(`${API}/sightings`, w.keys['Police-analyst'], { body });
      assert.ok(isProblem(reply, 400), `${JSON.stringify(body)}: ${reply.text}`);
    }
  });

  it('shows sightings to the sighter and the owner of what was sighted, and counts them on the indicator', async () => {
    const vendor = await w.call(`${API}/sightings`, w.keys['Vendor-reader']);
    assert.deepEqual((vendor.body.items as Json[]).map((sighting) => sighting.organisation.name), ['Police', 'Police']);
    // the operator may read the values but owns neither: no sightings for it
    assert.deepEqual((await w.call(`${API}/sightings`, w.keys['local-admin'])).body.items, []);
    const byValue = await w.call(`${API}/sightings?value=192.0.2.1`, w.keys['Vendor-reader']);
    assert.equal(byValue.body.items.length, 1, 'a sighting of the STIX indicator is one of the value it names');
    const detail = await w.call(`${API}/indicators/ipv4/192.0.2.2`, w.keys['Vendor-reader']);
    assert.deepEqual(detail.body.sightings, { count: 1, total: 3, lastSeen: new Date(NOW - DAY).toISOString() });
    assert.equal((await w.call(`${API}/indicators/ipv4/192.0.2.2`, w.keys['local-admin'])).body.sightings.count, 0);
    const mine = await w.call(`${API}/sightings?mine=true&object_id=${stixIndicator(1, '192.0.2.1').id}`, w.keys['Police-reader']);
    assert.equal(mine.body.items.length, 1);
    assert.deepEqual((await w.call(`${API}/sightings?since=2030-01-01T00:00:00Z`, w.keys['Police-reader'])).body.items, []);
    assert.ok(isProblem(await w.call(`${API}/sightings?type=ipv4`, w.keys['Police-reader']), 400));
    assert.ok(isProblem(await w.call(`${API}/sightings?next=x`, w.keys['Police-reader']), 400));
  });

  it('streams exports in the format\'s media type, with the search\'s filters, without building them in memory', async () => {
    const response = await fetch(`${w.base}${API}/exports/plain-list?type=ipv4&threat=scanner`, { headers: { authorization: `Bearer ${w.keys['Police-reader']}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('transfer-encoding'), 'chunked');
    assert.equal(response.headers.get('content-length'), null);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    let chunks = 0;
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      chunks++;
      text += decoder.decode(chunk, { stream: true });
    }
    assert.ok(chunks > 1, `one chunk of ${text.length} characters`);
    assert.equal(text.trim().split('\n').length, 20_000);
    const audit = (await w.store.listAudit({ limit: 1_000_000 })).filter((entry) => entry.action === 'read:export').at(-1)!;
    assert.equal(audit.count, 20_000);
    assert.deepEqual(audit.detail, { type: 'ipv4', threat: 'scanner', format: 'plain-list', complete: true, skipped: 0 });
    const types: Record<string, RegExp> = { stix: /^application\/stix\+json;version=2\.1/, csv: /^text\/csv/, rpz: /^text\/dns/, misp: /^application\/json/ };
    for (const [format, type] of Object.entries(types)) {
      const reply = await w.call(`${API}/exports/${format}?source=vendor-public`, w.keys['Police-reader']);
      assert.equal(reply.status, 200, reply.text);
      assert.match(reply.headers.get('content-type') ?? '', type, format);
      assert.match(reply.headers.get('content-disposition') ?? '', /attachment; filename="tix-export\./);
    }
    const stix = await w.call(`${API}/exports/stix?source=vendor-public&producer=Example%20CERT`, w.keys['Police-reader']);
    assert.ok((stix.body.objects as Json[]).some((object) => object.type === 'identity' && object.name === 'Example CERT'));
    const rules = await w.call(`${API}/exports/suricata?source=vendor-public&option.sid-base=4294967290`, w.keys['Police-reader']);
    assert.deepEqual(rules.text.match(/sid:\d+/g)?.map((sid) => Number(sid.slice(4)) >= 4294967290), [true, true]);
  });

  it('refuses unknown formats (404) and options (400) before sending anything', async () => {
    const unknown = await w.call(`${API}/exports/docx`, w.keys['Police-reader']);
    assert.ok(isProblem(unknown, 404));
    assert.match(unknown.body.detail, /csv/);
    assert.ok(isProblem(await w.call(`${API}/exports/suricata?option.sid_base=1`, w.keys['Police-reader']), 400));
    assert.ok(isProblem(await w.call(`${API}/exports/suricata?option.sid-base=abc`, w.keys['Police-reader']), 400));
    assert.ok(isProblem(await w.call(`${API}/exports/csv?limit=5`, w.keys['Police-reader']), 400));
    assert.ok(isProblem(await w.call(`${API}/exports/csv?max_tlp=purple`, w.keys['Police-reader']), 400));
  });

  it('survives a client that hangs up in the middle of an export, and audits what was sent', async () => {
    const controller = new AbortController();
    const response = await fetch(`${w.base}${API}/exports/stix`, { headers: { authorization: `Bearer ${w.keys['Vendor-reader']}` }, signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    // the server goes on serving
    for (let attempt = 0; attempt < 50; attempt++) {
      const entry = (await w.store.listAudit({ limit: 1_000_000 })).filter((candidate) => candidate.action === 'read:export' && candidate.detail.format === 'stix' && candidate.org === w.orgs.Vendor).at(-1);
      if (entry) {
        assert.equal(entry.detail.complete, false);
        assert.ok(entry.count! < 20_000);
        break;
      }
      assert.ok(attempt < 49, 'the cut-off export was not audited');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal((await w.call(`${API}/indicators/count`, w.keys['Vendor-reader'])).status, 200);
  });
});
