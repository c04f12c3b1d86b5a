import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundleErrors } from '../../test/helpers/stix-schema.ts';
import { prepareReport } from './report.ts';
import { reportBundle, reportsFromStix } from './stix.ts';

const NOW = Date.UTC(2026, 5, 1);
const STIX_ID = 'report--5b1f9e44-3c5a-4f7e-9c0b-2b8f6f0e9a11';

function sample() {
  const prepared = prepareReport(
    {
      title: 'Pikabot infrastructure',
      summary: 'Two C2 servers',
      body: '# Findings\n\nBoth servers answer on 443.',
      indicatorText: '192.0.2.10 and hxxp://198.51.100.7/gate.php',
      malware: ['Pikabot'],
      actors: ['TA577'],
      campaigns: ['Spring wave'],
      attachments: [{ name: 'pcap.bin', content: Buffer.from('pcap') }],
    },
    NOW,
  );
  return { ...prepared.content, stixId: STIX_ID, ownerName: 'Vendor Labs', tlp: 'amber' as const, pap: 'green' as const, version: 2, createdAt: NOW, updatedAt: NOW + 1000 };
}

describe('reports as STIX 2.1', () => {
  it('export a report with object_refs to its values, malware, actors and campaigns, valid against the OASIS schemas', () => {
    const bundle = reportBundle(sample());
    assert.deepEqual(bundleErrors(bundle), []);
    const report = bundle.objects.find((object) => object.type === 'report')!;
    const refs = report.object_refs as string[];
    const types = refs.map((ref) => ref.split('--')[0]).sort();
    assert.deepEqual(types, ['campaign', 'indicator', 'indicator', 'malware', 'threat-actor']);
    for (const ref of refs) assert.ok(bundle.objects.some((object) => object.id === ref), ref);
    assert.equal(report.id, STIX_ID);
    assert.equal(report.description, '# Findings\n\nBoth servers answer on 443.');
    assert.deepEqual(report.object_marking_refs, ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421']);
    assert.equal(report.x_tix_pap, 'green');
  });

  it('import what it exports: the same title, body, values and names', () => {
    const original = sample();
    const [imported] = reportsFromStix(JSON.parse(JSON.stringify(reportBundle(original))));
    assert.equal(imported!.stixId, STIX_ID);
    assert.equal(imported!.tlp, 'amber');
    assert.equal(imported!.pap, 'green');
    const again = prepareReport(imported!.draft, NOW).content;
    assert.equal(again.title, original.title);
    assert.equal(again.summary, original.summary);
    assert.equal(again.body, original.body);
    assert.equal(again.publishedAt, original.publishedAt);
    assert.deepEqual(again.links, original.links);
  });

  it('keep refs to objects outside the bundle as STIX ids, and refuse a bundle without a report', () => {
    const [imported] = reportsFromStix({
      type: 'bundle',
      id: 'bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
      objects: [{ type: 'report', spec_version: '2.1', id: STIX_ID, name: 'r', published: '2026-01-01T00:00:00Z', object_refs: ['malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061'] }],
    });
    assert.deepEqual(imported!.draft.objects, ['malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061']);
    assert.throws(() => reportsFromStix({ type: 'bundle', objects: [] }), /no STIX report/);
  });
});
