/**
 * Indicators over HTTP: search, count and lookup with their filters; creating
 * (one or in bulk, as the caller's organisation, normalised as ingest does,
 * bad items reported by index) and revoking (only the caller's own sources);
 * roles; the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isProblem, NOW, openApiWorld, type ApiWorld, type Json } from '../helpers/api.ts';

const API = '/api/v1';

describe('REST API: indicators', () => {
  let w: ApiWorld;
  before(async () => {
    w = await openApiWorld();
  });
  after(async () => w?.close());

  const create = (body: unknown, key = w.keys['Vendor-analyst']) => w.call(`${API}/indicators`, key, { body });

  it('creates one indicator as the caller\'s organisation, normalised as ingest does, AMBER and shared with no one', async () => {
    const reply = await create({ value: 'hxxps://Evil[.]Example/Path?q=1', threatType: 'phishing', tags: ['Kit', 'kit'], confidence: 80 });
    assert.equal(reply.status, 201, reply.text);
    assert.deepEqual(reply.body.items, [{ index: 0, type: 'url', value: 'https://evil.example/Path?q=1' }]);
    assert.equal(reply.body.source, 'api:Vendor');
    assert.deepEqual(reply.body.counts, { new: 1, updated: 0, unchanged: 0 });
    const path = `${API}/indicators/url/${encodeURIComponent('https://evil.example/Path?q=1')}`;
    const mine = await w.call(path, w.keys['Vendor-reader']);
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.body.tlp, 'amber');
    assert.deepEqual(mine.body.threatTypes, ['phishing']);
    assert.deepEqual(mine.body.observations[0].tags, ['kit']);
    assert.equal(mine.body.observations[0].confidence, 80);
    // the police are no party to it: the value does not exist for them
    assert.ok(isProblem(await w.call(path, w.keys['Police-reader']), 404));
    const sources = await w.call(`${API}/sources`, w.keys['Vendor-reader']);
    const source = (sources.body.items as Json[]).find((item) => item.name === 'api:Vendor')!;
    assert.deepEqual([source.owner.name, source.mine, source.indicators], ['Vendor', true, 1]);
  });

  it('creates in bulk: bad items are reported with their index, the good ones land together', async () => {
    const reply = await create([
      { value: '192.0.2.10', tlp: 'green' },
      { value: '192.0.2.010', tlp: 'green' },
      { type: 'md5', value: 'not-a-hash' },
      { value: 'd41d8cd98f00b204e9800998ecf8427e', tlp: 'green', malware: 'Pikabot' },
      'a string',
      { value: '192.0.2.11', tlp: 'purple' },
      { value: '192.0.2.12', unknown: 1 },
      { value: '2001:DB8::1', tlp: 'clear' },
    ]);
    assert.equal(reply.status, 201, reply.text);
    assert.deepEqual(
      (reply.body.items as Json[]).map((item) => [item.index, item.type, item.value]),
      [
        [0, 'ipv4', '192.0.2.10'],
        [3, 'md5', 'd41d8cd98f00b204e9800998ecf8427e'],
        [7, 'ipv6', '2001:db8::1'],
      ],
    );
    assert.deepEqual([...new Set((reply.body.errors as Json[]).map((error) => error.index))], [1, 2, 4, 5, 6]);
    assert.equal(reply.body.rejected, 5);
    assert.match((reply.body.errors as Json[]).find((error) => error.index === 1)!.message, /leading zero/i);
    assert.equal((reply.body.errors as Json[]).find((error) => error.index === 5)!.path, '5.tlp');
    // the police read the GREEN and CLEAR ones
    const police = await w.call(`${API}/indicators?source=api:Vendor`, w.keys['Police-reader']);
    assert.deepEqual((police.body.items as Json[]).map((item) => item.value).sort(), ['192.0.2.10', '2001:db8::1', 'd41d8cd98f00b204e9800998ecf8427e']);
  });

  it('reports an item with a NUL character by its index and field; the others land', async () => {
    const reply = await create([
      { value: '192.0.2.30', tlp: 'green', tags: ['ok'] },
      { value: '192.0.2.31', tlp: 'green', tags: ['bad\u0000tag'] },
      { value: '192.0.2.32', tlp: 'green', malware: 'Emo\u0000tet' },
    ]);
    assert.equal(reply.status, 201, reply.text);
    assert.deepEqual((reply.body.items as Json[]).map((item) => item.value), ['192.0.2.30']);
    assert.deepEqual(
      (reply.body.errors as Json[]).map((error) => [error.index, error.path]),
      [
        [1, '1.tags'],
        [2, '2.malware'],
      ],
    );
    assert.match((reply.body.errors as Json[])[0]!.message, /NUL character/);
  });

  it('refuses a body where no item can be read (422, every item named), more than the bulk limit, and a non-array non-object', async () => {
    const none = await create([{ value: '' }, { type: 'ipv4', value: 'example.org' }]);
    assert.ok(isProblem(none, 422), none.text);
    assert.deepEqual((none.body.errors as Json[]).map((error) => error.index), [0, 1]);
    const tooMany = await create(Array.from({ length: 1001 }, (_, i) => ({ value: `10.0.${i >> 8}.${i & 255}` })));
    assert.ok(isProblem(tooMany, 400), tooMany.text);
    assert.match(tooMany.body.detail, /1000/);
    assert.ok(isProblem(await create('"just a string"'), 400));
    assert.ok(isProblem(await create([]), 400));
  });

  it('imports one at a time: concurrent bulk posts all land', async () => {
    const posts = Array.from({ length: 6 }, (_, n) => create(Array.from({ length: 50 }, (_, i) => ({ value: `198.51.${100 + n}.${i}`, tlp: 'green' })), w.keys['Vendor-sync']));
    const replies = await Promise.all(posts);
    assert.deepEqual(replies.map((reply) => reply.status), Array(6).fill(201));
    const count = await w.call(`${API}/indicators/count?q=198.51.96.0/19`, w.keys['Police-reader']);
    assert.equal(count.body.count, 300);
  });

  it('lets analysts, sync and admins write; readers and anonymous callers not', async () => {
    assert.ok(isProblem(await create({ value: '192.0.2.99' }, w.keys['Vendor-reader']), 403));
    assert.ok(isProblem(await w.call(`${API}/indicators`, undefined, { body: { value: '192.0.2.99' } }), 401));
    assert.equal((await create({ value: '192.0.2.98' }, w.keys['Vendor-admin'])).status, 201);
  });

  it('keeps the sharing an administrator gave the source, and refuses a source another organisation owns', async () => {
    const agreement = await w.store.createAgreement({ name: 'Op', members: [w.orgs.Vendor, w.orgs.Police], countries: [], purpose: '', startsAt: 0, maxTlp: 'amber', mayShareOnward: false }, 0);
    const shared = await w.store.distribution({ owner: w.orgs.Vendor, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
    await w.store.setSourceDistribution('api:Vendor', shared.id);
    assert.equal((await create({ value: '203.0.113.7' })).status, 201);
    assert.equal((await w.call(`${API}/indicators/ipv4/203.0.113.7`, w.keys['Police-reader'])).body.tlp, 'amber');
    // the police's API source handed to the vendor: the police may no longer write into it
    assert.equal((await create({ value: '203.0.113.8' }, w.keys['Police-analyst'])).status, 201);
    const vendors = await w.store.distribution({ owner: w.orgs.Vendor, agreements: [], recipientOrgs: [], recipientUsers: [] });
    await w.store.setSourceDistribution('api:Police', vendors.id);
    const refused = await create({ value: '203.0.113.9' }, w.keys['Police-analyst']);
    assert.ok(isProblem(refused, 409), refused.text);
  });

  it('revokes only from the caller\'s organisation\'s sources', async () => {
    await create({ value: '192.0.2.50', tlp: 'green' });
    // the police read it but do not own it
    const foreign = await w.call(`${API}/indicators/revoke`, w.keys['Police-analyst'], { body: { value: '192.0.2.50' } });
    assert.ok(isProblem(foreign, 404), foreign.text);
    assert.equal((await w.call(`${API}/indicators/ipv4/192.0.2.50`, w.keys['Police-reader'])).body.status, 'active');
    const named = await w.call(`${API}/indicators/revoke`, w.keys['Police-analyst'], { body: { value: '192.0.2.50', source: 'api:Vendor' } });
    assert.ok(isProblem(named, 404));
    const reply = await w.call(`${API}/indicators/revoke`, w.keys['Vendor-analyst'], { body: [{ type: 'ipv4', value: '192.0.2.50', reason: 'sinkholed' }, { value: '192.0.2.222' }, { value: '[bad' }] });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.body.revoked, [{ index: 0, type: 'ipv4', value: '192.0.2.50', sources: ['api:Vendor'] }]);
    assert.deepEqual((reply.body.errors as Json[]).map((error) => error.index), [1, 2]);
    const detail = await w.call(`${API}/indicators/ipv4/192.0.2.50`, w.keys['Police-reader']);
    assert.equal(detail.body.status, 'revoked');
    assert.equal(detail.body.observations[0].revokeReason, 'sinkholed');
    // revoked values leave searches unless all=true
    assert.deepEqual((await w.call(`${API}/indicators?q=192.0.2.50`, w.keys['Police-reader'])).body.items, []);
    assert.equal((await w.call(`${API}/indicators?q=192.0.2.50&all=true`, w.keys['Police-reader'])).body.items.length, 1);
    assert.ok(isProblem(await w.call(`${API}/indicators/revoke`, w.keys['Vendor-reader'], { body: { value: '192.0.2.50' } }), 403));
  });

  it('searches with filters and pages; counts with the same filters', async () => {
    const all = await w.call(`${API}/indicators?type=ipv4&limit=1000`, w.keys['Police-reader']);
    assert.equal(all.status, 200);
    const count = await w.call(`${API}/indicators/count?type=ipv4`, w.keys['Police-reader']);
    assert.equal(count.body.count, all.body.items.length);
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await w.call(`${API}/indicators?type=ipv4&limit=37${next ? `&next=${next}` : ''}`, w.keys['Police-reader']);
      assert.ok(page.body.items.length <= 37);
      seen.push(...(page.body.items as Json[]).map((item) => item.value as string));
      next = page.body.next;
      assert.equal(page.body.more, next !== undefined);
    } while (next);
    assert.deepEqual(seen, (all.body.items as Json[]).map((item) => item.value));
    const md5 = await w.call(`${API}/indicators?malware=pikabot&max_tlp=green&since=2020-01-01`, w.keys['Police-reader']);
    assert.deepEqual((md5.body.items as Json[]).map((item) => item.type), ['md5']);
    // a domain finds itself and what is below it
    await create([{ value: 'login.bad-bank.example.com', tlp: 'green' }, { value: 'https://cdn.bad-bank.example.com/x', tlp: 'green' }]);
    const under = await w.call(`${API}/indicators?q=bad-bank.example.com`, w.keys['Police-reader']);
    assert.deepEqual((under.body.items as Json[]).map((item) => item.type).sort(), ['hostname', 'url']);
  });

  it('names what is wrong with a query', async () => {
    const cases: Array<[string, RegExp]> = [
      ['?type=ipv4,banana', /type: unknown indicator type "banana"/],
      ['?limit=0', /limit/],
      ['?limit=1001', /limit/],
      ['?since=yesterday', /since/],
      ['?max_tlp=purple', /max_tlp/],
      ['?threat=sneaky', /threat/],
      ['?colour=red', /colour/],
      ['?next=abc', /next/],
      ['?reliability=Z', /reliability/],
      ['?type=a&type=b', /type/],
    ];
    for (const [query, detail] of cases) {
      const reply = await w.call(`${API}/indicators${query}`, w.keys['Police-reader']);
      assert.ok(isProblem(reply, 400), `${query}: ${reply.text}`);
      assert.match(reply.body.detail, detail, query);
      assert.ok(Array.isArray(reply.body.errors) && reply.body.errors.length > 0);
    }
    assert.match((await w.call(`${API}/indicators/banana/1.2.3.4`, w.keys['Police-reader'])).body.detail, /unknown indicator type/);
    const bad = await w.call(`${API}/indicators/ipv4/999.1.1.1`, w.keys['Police-reader']);
    assert.ok(isProblem(bad, 400));
    assert.equal(bad.body.code, 'TIX_INPUT_BAD_VALUE');
  });

  it('looks values up in any spelling ingest reads', async () => {
    const defanged = await w.call(`${API}/indicators/ipv4/192[.]0[.]2[.]10`, w.keys['Police-reader']);
    assert.equal(defanged.status, 200, defanged.text);
    assert.equal(defanged.body.value, '192.0.2.10');
    assert.equal((await w.call(`${API}/indicators/ipv6/2001:0DB8:0:0::1`, w.keys['Police-reader'])).body.value, '2001:db8::1');
  });

  it('audits every read with who, the path, the filters and the count, and every write', async () => {
    const before = (await w.store.listAudit({ limit: 1_000_000 })).length;
    await w.call(`${API}/indicators?type=md5&limit=5`, w.keys['Police-reader']);
    await w.call(`${API}/indicators/count?type=md5`, w.keys['Police-reader']);
    await w.call(`${API}/indicators/md5/d41d8cd98f00b204e9800998ecf8427e`, w.keys['Police-reader']);
    await w.call(`${API}/indicators/md5/00000000000000000000000000000000`, w.keys['Police-reader']);
    await create({ value: '192.0.2.77' });
    const entries = (await w.store.listAudit({ limit: 1_000_000 })).slice(before);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.target, entry.count, entry.org]),
      [
        ['read:indicators', '/api/v1/indicators', 1, w.orgs.Police],
        ['read:indicators-count', '/api/v1/indicators/count', 1, w.orgs.Police],
        ['read:indicator', '/api/v1/indicators/md5/d41d8cd98f00b204e9800998ecf8427e', 1, w.orgs.Police],
        ['read:indicator', '/api/v1/indicators/md5/00000000000000000000000000000000', 0, w.orgs.Police],
        ['write:indicators', '/api/v1/indicators', 1, w.orgs.Vendor],
      ],
    );
    assert.deepEqual(entries[0]!.detail, { type: 'md5', limit: 5 });
    assert.ok(entries.every((entry) => entry.at === NOW && entry.key !== undefined));
  });
});
