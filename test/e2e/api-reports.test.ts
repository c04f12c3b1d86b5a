import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isProblem, makeKey, openApiWorld, type ApiWorld } from '../helpers/api.ts';
import { bundleErrors } from '../helpers/stix-schema.ts';

let world: ApiWorld;
let outsider: string;

before(async () => {
  world = await openApiWorld();
  const cert = await world.store.createOrganisation({ name: 'CERT', kind: 'cert', createdAt: 0 });
  outsider = await makeKey(world.store, cert.id, 'analyst');
  await world.store.createAgreement({ name: 'Operation Sentinel', members: [world.orgs.Vendor, world.orgs.Police], countries: ['NG'], purpose: 'botnet', startsAt: 0, maxTlp: 'amber', mayShareOnward: false }, 0);
});
after(() => world.close());

/** The ids of every object a caller reads over TAXII, in every collection it sees. */
async function taxiiIds(auth: string): Promise<string[]> {
  const accept = { accept: 'application/taxii+json;version=2.1' };
  const collections = await world.call('/taxii2/api/collections/', auth, { headers: accept });
  const ids: string[] = [];
  for (const collection of collections.body.collections ?? []) {
    const objects = await world.call(`/taxii2/api/collections/${collection.id}/objects/?limit=1000`, auth, { headers: accept });
    ids.push(...(objects.body.objects ?? []).map((object: { id: string }) => object.id));
  }
  return ids;
}

const hostileBody = 'Intro\n\n<script>alert(1)</script>\n\n[click](javascript:alert(document.cookie)) <img src=x onerror=alert(1)>\n\n![x](data:text/html;base64,PHNjcmlwdD4=)';

describe('reports over HTTP', () => {
  it('publish an AMBER report to an agreement: sanitised, linked, readable by the partner alone', async () => {
    const created = await world.call('/api/v1/reports', world.keys['Vendor-analyst'], {
      body: { title: 'Botnet C2', body: hostileBody, tlp: 'amber', agreements: ['Operation Sentinel'], indicatorText: 'C2 on 192.0.2.10 and 192[.]0.2.11', malware: ['Pikabot'], attachments: [{ name: 'notes.html', mediaType: 'text/html', content: Buffer.from('<script>alert(1)</script>').toString('base64') }] },
    });
    assert.equal(created.status, 201, created.text);
    const report = created.body;
    assert.doesNotMatch(report.body, /(^|[^\\])<(script|img)/);
    assert.doesNotMatch(report.body, /javascript:|data:text/);
    assert.deepEqual([...report.neutralised].sort(), ['html </script', 'html <img', 'html <script', 'link data:text/html;base64,PHNjcmlwdD4=', 'link javascript:alert(document.cookie)']);
    assert.deepEqual(report.links.indicators, [{ type: 'ipv4', value: '192.0.2.10' }, { type: 'ipv4', value: '192.0.2.11' }]);

    const police = await world.call(`/api/v1/reports/${report.id}`, world.keys['Police-reader']);
    assert.equal(police.status, 200);
    assert.equal(police.body.title, 'Botnet C2');
    const hidden = await world.call(`/api/v1/reports/${report.id}`, outsider);
    assert.ok(isProblem(hidden, 404));
    assert.deepEqual((await world.call('/api/v1/reports', outsider)).body.items, []);
    assert.deepEqual((await world.call('/api/v1/reports?value=192.0.2.10', world.keys['Police-reader'])).body.items.map((item: { id: number }) => item.id), [report.id]);

    const sha = report.attachments[0].sha256;
    const download = await world.call(`/api/v1/reports/${report.id}/attachments/${sha}`, world.keys['Police-reader']);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/octet-stream');
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(download.text, '<script>alert(1)</script>');
    assert.ok(isProblem(await world.call(`/api/v1/reports/${report.id}/attachments/${sha}`, outsider), 404));

    const stix = await world.call(`/api/v1/reports/${report.id}/stix`, world.keys['Police-reader']);
    assert.equal(stix.status, 200);
    assert.deepEqual(bundleErrors(stix.body), []);
    const stixReport = stix.body.objects.find((object: { type: string }) => object.type === 'report');
    assert.equal(stixReport.object_refs.length, 3);
    // the report is a STIX object of the object store too, served over TAXII under the same rules
    assert.ok((await taxiiIds(world.keys['Police-reader'])).includes(report.stixId));
    assert.ok(!(await taxiiIds(outsider)).includes(report.stixId));
    const object = await world.call(`/api/v1/objects/${report.stixId}`, world.keys['Police-reader']);
    assert.equal(object.status, 200, object.text);
    assert.ok(isProblem(await world.call(`/api/v1/objects/${report.stixId}`, outsider), 404));
    const misp = await world.call(`/api/v1/reports/${report.id}/misp`, world.keys['Police-reader']);
    assert.equal(misp.status, 200);
    assert.equal(misp.body.Event.EventReport[0].content, report.body);
    assert.deepEqual(misp.body.Event.Attribute.map((attribute: { value: string }) => attribute.value), ['192.0.2.10', '192.0.2.11']);
    assert.ok(isProblem(await world.call(`/api/v1/reports/${report.id}/misp`, outsider), 404));
  });

  it('keep every version and show what changed', async () => {
    const created = await world.call('/api/v1/reports', world.keys['Vendor-analyst'], { body: { title: 'Kit', body: 'one\ntwo\nthree', tlp: 'green', indicators: [{ value: 'evil.example.com' }] } });
    const id = created.body.id;
    assert.ok(isProblem(await world.call(`/api/v1/reports/${id}/versions`, world.keys['Police-analyst'], { body: { title: 'Kit', body: 'hijack' } }), 404), 'only the owner edits');
    const revised = await world.call(`/api/v1/reports/${id}/versions`, world.keys['Vendor-analyst'], { body: { title: 'Kit v2', body: 'one\n2\nthree', indicators: [{ value: 'evil.example.org' }] } });
    assert.equal(revised.status, 201, revised.text);
    assert.equal(revised.body.version, 2);
    const diff = await world.call(`/api/v1/reports/${id}/diff`, world.keys['Police-reader']);
    assert.equal(diff.status, 200, diff.text);
    assert.deepEqual(diff.body.lines, [{ op: 'same', text: 'one' }, { op: 'removed', text: 'two' }, { op: 'added', text: '2' }, { op: 'same', text: 'three' }]);
    assert.deepEqual(diff.body.title, { from: 'Kit', to: 'Kit v2' });
    assert.deepEqual(diff.body.indicators, { added: ['hostname:evil.example.org'], removed: ['hostname:evil.example.com'] });
    assert.equal((await world.call(`/api/v1/reports/${id}?version=1`, world.keys['Police-reader'])).body.body, 'one\ntwo\nthree');
  });

  it('refuse oversized attachments, unknown cases and objects the author may not read, writing nothing', async () => {
    const before = (await world.call('/api/v1/reports?limit=500', world.keys['Vendor-admin'])).body.items.length;
    const big = await world.call('/api/v1/reports', world.keys['Vendor-analyst'], { body: { title: 'big', body: '', attachments: [{ name: 'dump', content: Buffer.alloc(4 * 1024 * 1024 + 1).toString('base64') }] } });
    assert.ok(isProblem(big, 413), big.text);
    assert.equal(big.body.code, 'TIX_ATTACHMENT_TOO_LARGE');
    const unknownCase = await world.call('/api/v1/reports', world.keys['Vendor-analyst'], { body: { title: 'x', body: '', investigation: 'NO-SUCH-CASE' } });
    assert.ok(isProblem(unknownCase, 404));
    assert.equal(unknownCase.body.code, 'TIX_CASE_UNKNOWN');
    const badRef = await world.call('/api/v1/reports', world.keys['Vendor-analyst'], { body: { title: 'x', body: '', malware: ['malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061'] } });
    assert.ok(isProblem(badRef, 400));
    assert.equal(badRef.body.code, 'TIX_REPORT_BAD_REF');
    assert.equal((await world.call('/api/v1/reports?limit=500', world.keys['Vendor-admin'])).body.items.length, before);
  });

  it('import a STIX report back', async () => {
    const created = await world.call('/api/v1/reports', world.keys['Vendor-analyst'], { body: { title: 'Round trip', body: 'body', tlp: 'green', indicators: [{ value: '198.51.100.1' }], actors: ['TA577'] } });
    const stix = (await world.call(`/api/v1/reports/${created.body.id}/stix`, world.keys['Vendor-analyst'])).body;
    stix.objects.find((object: { type: string }) => object.type === 'report').id = 'report--11111111-2222-4333-8444-555555555555';
    const imported = await world.call('/api/v1/reports/import', world.keys['Police-analyst'], { body: { stix } });
    assert.equal(imported.status, 201, imported.text);
    const [report] = imported.body.items;
    assert.equal(report.owner.id, world.orgs.Police);
    assert.equal(report.tlp, 'green');
    assert.deepEqual(report.links.indicators, [{ type: 'ipv4', value: '198.51.100.1' }]);
    assert.deepEqual(report.links.actors, ['TA577']);
  });
});
