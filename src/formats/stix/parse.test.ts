import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseFile, parseText, where } from '../../../test/helpers/parse-file.ts';

const STIX = fileURLToPath(new URL('../../../test/fixtures/stix/', import.meta.url));

interface RawObject {
  type: string;
  id: string;
  pattern?: string;
  pattern_type?: string;
  value?: unknown;
  number?: number;
  hashes?: Record<string, string>;
  objects?: Record<string, RawObject>;
}

function objectsOf(path: string): RawObject[] {
  const document = JSON.parse(readFileSync(path, 'utf8')) as RawObject & { objects?: RawObject[] };
  if (Array.isArray(document)) return document as RawObject[];
  return document.type === 'bundle' ? (document.objects as unknown as RawObject[]) : [document];
}

// an independent reading of the same files: every quoted constant compared with = to a value-bearing
// property in a STIX pattern, and the values of observables, without tix's parser or normaliser
const CONSTANT = /[a-z0-9-]+:([A-Za-z0-9_.'-]+)\s*=\s*'((?:[^'\\]|\\.)*)'/g;
const VALUE_PROPERTY = /^(value|.+\.value|hashes\..+|name)$/;
function independentValues(objects: RawObject[]): Set<string> {
  const values = new Set<string>();
  const observable = (object: RawObject): void => {
    if (['ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr'].includes(object.type)) values.add(String(object.value).toLowerCase());
    if (object.type === 'file' || object.type === 'x509-certificate') for (const hash of Object.values(object.hashes ?? {})) values.add(hash.toLowerCase());
    if (object.type === 'autonomous-system') values.add(String(object.number));
  };
  for (const object of objects) {
    if (object.type === 'indicator' && (object.pattern_type ?? 'stix') === 'stix') {
      for (const match of object.pattern!.matchAll(CONSTANT)) if (VALUE_PROPERTY.test(match[1]!)) values.add(match[2]!.toLowerCase());
    }
    observable(object);
    if (object.type === 'observed-data') for (const embedded of Object.values(object.objects ?? {})) observable(embedded);
  }
  return values;
}

/** Every STIX document of the fixtures, with what it yields: objects kept, distinct values, and the problems reported. */
const EXPECTED: Array<{ file: string; objects: number; values: number; issues: string[] }> = [
  { file: 'stix20/cisco-talos/2023_03_YoroTrooper.json', objects: 213, values: 189, issues: ['TIX_INPUT_BAD_VALUE'] },
  { file: 'stix20/cisco-talos/2025_04_new_XorDDoS_controller_and_infrastructure.json', objects: 187, values: 177, issues: [] },
  { file: 'stix21/cti-python-stix2-testdata/sco-examples-bundle.json', objects: 79, values: 33, issues: ['TIX_STIX_INVALID', 'TIX_STIX_INVALID', 'TIX_STIX_INVALID'] },
  { file: 'stix21/feeds2stix/abuse_ch_sslblacklist_cobaltstrike.json', objects: 197, values: 96, issues: [] },
  { file: 'stix21/feeds2stix/cinsscore_bundle.json', objects: 10, values: 3, issues: [] },
  { file: 'stix21/feeds2stix/ipsum_level_8.json', objects: 120, values: 58, issues: [] },
  { file: 'stix21/feeds2stix/sslblacklist_BazarCall.json', objects: 34, values: 5, issues: [] },
  { file: 'stix21/feeds2stix/vxvault_bundle.json', objects: 206, values: 101, issues: [] },
  { file: 'stix21/mitre-attack/mobile-attack-17.1.json', objects: 2148, values: 0, issues: [] },
  { file: 'stix21/oasis-documentation-examples/defining-campaigns-threat-actors-intrusion-sets.json', objects: 26, values: 0, issues: [] },
  { file: 'stix21/oasis-documentation-examples/identifying-a-threat-actor-profile.json', objects: 3, values: 0, issues: [] },
  { file: 'stix21/oasis-documentation-examples/indicator-for-malicious-url.json', objects: 3, values: 1, issues: [] },
  { file: 'stix21/oasis-documentation-examples/malware-indicator-for-file-hash.json', objects: 3, values: 1, issues: [] },
  { file: 'stix21/oasis-documentation-examples/sighting-of-an-indicator.json', objects: 4, values: 1, issues: [] },
  { file: 'stix21/oasis-documentation-examples/sighting-of-observed-data.json', objects: 8, values: 2, issues: [] },
  { file: 'stix21/oasis-documentation-examples/threat-actor-leveraging-attack-patterns-and-malware.json', objects: 7, values: 0, issues: [] },
  { file: 'stix21/oasis-documentation-examples/using-granular-markings.json', objects: 4, values: 0, issues: [] },
  { file: 'stix21/oasis-documentation-examples/using-marking-definitions.json', objects: 4, values: 1, issues: [] },
  { file: 'stix21/oasis-examples/examples/indicator-for-c2-ip-address.json', objects: 1, values: 1, issues: [] },
  { file: 'stix21/oasis-examples/examples/indicator-to-campaign-relationship.json', objects: 3, values: 1, issues: [] },
  { file: 'stix21/oasis-examples/examples/indicators-for-C2-with-COA.json', objects: 8, values: 2, issues: [] },
  { file: 'stix21/oasis-examples/examples/infrastructure.json', objects: 10, values: 2, issues: [] },
  { file: 'stix21/oasis-examples/examples/interop-objectmarking-test.json', objects: 1, values: 0, issues: [] },
  { file: 'stix21/oasis-examples/examples/malicious-email-indicator-with-attachment.json', objects: 6, values: 0, issues: [] },
  { file: 'stix21/oasis-examples/examples/threat-reports/apt1.json', objects: 76, values: 10, issues: [] },
  { file: 'stix21/oasis-examples/examples/threat-reports/poisonivy.json', objects: 155, values: 44, issues: ['TIX_INPUT_BAD_VALUE'] },
];

function documents(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'schemas' || entry.name === 'stix2_data' ? [] : documents(path);
    return entry.name.endsWith('.json') ? [path.slice(STIX.length)] : [];
  });
}

describe('stix format: every bundle of the fixtures', () => {
  it('the table covers every STIX document in the fixtures', () => {
    assert.deepEqual(EXPECTED.map((entry) => entry.file).sort(), documents(STIX).sort());
  });

  for (const expected of EXPECTED) {
    it(`${expected.file}: ${expected.objects} objects, ${expected.values} values`, async () => {
      const path = join(STIX, expected.file);
      const parsed = await parseFile('stix', path);
      const raw = objectsOf(path);
      const refused = parsed.issues.filter((issue) => issue.code === 'TIX_STIX_INVALID' || issue.code === 'TIX_JSON_SYNTAX').length;
      assert.equal(parsed.objects.length, expected.objects);
      assert.equal(parsed.objects.length + refused, raw.length, 'every object is either kept or reported');
      const distinct = new Set(parsed.accepted.map((observation) => observation.value.toLowerCase()));
      assert.equal(distinct.size, expected.values);
      const badValues = parsed.issues.filter((issue) => issue.code === 'TIX_INPUT_BAD_VALUE').length;
      assert.equal(distinct.size + badValues, independentValues(raw).size, 'values found independently in the same file');
      assert.deepEqual(parsed.issues.map((issue) => issue.code), expected.issues);
      for (const object of parsed.objects) assert.equal(object.object.spec_version ?? '2.1', '2.1');
    });
  }
});

describe('stix format: reading', () => {
  it('upgrades STIX 2.0 objects to 2.1 and keeps their labels', async () => {
    const parsed = await parseFile('stix', join(STIX, 'stix20/cisco-talos/2023_03_YoroTrooper.json'));
    const indicator = parsed.objects.find((entry) => entry.object.type === 'indicator')!.object;
    assert.equal(indicator.spec_version, '2.1');
    assert.equal(indicator.pattern_type, 'stix');
    assert.equal(indicator.valid_from !== undefined, true);
    assert.ok(Array.isArray(indicator.labels) && indicator.labels.length > 0);
    const custom = parsed.objects.filter((entry) => entry.object.type === 'x-misp-attribute');
    assert.ok(custom.length > 0, 'custom objects are kept');
    // the network-traffic patterns of this bundle name C2 addresses
    assert.ok(parsed.accepted.some((observation) => observation.type === 'ipv4' && observation.objectId?.startsWith('indicator--')));
  });

  it('rejects the sco-examples artifacts whose payload_bin is not base64, with their position and id, and keeps the rest', async () => {
    const parsed = await parseFile('stix', join(STIX, 'stix21/cti-python-stix2-testdata/sco-examples-bundle.json'));
    assert.deepEqual(
      parsed.issues.map((issue) => issue.field),
      [
        'objects[6] (artifact--ca17bcf8-9846-5ab4-8662-75c1bf6e63ee).payload_bin',
        'objects[7] (artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641).payload_bin',
        'objects[20] (artifact--4cce66f8-6eaa-53cb-85d5-3a85fca3a6c5).payload_bin',
      ],
    );
    assert.match(parsed.issues[0]!.message, /not valid base64/);
    assert.equal(parsed.issues[0]!.line, 47);
    assert.ok(parsed.objects.some((entry) => entry.object.type === 'x509-certificate'));
  });

  it('reads indicator details: validity, confidence, revocation, TLP markings of both TLP versions', async () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
      objects: [
        {
          type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--a8b2d8a3-8d7e-4a33-9e0b-3a2f4c7b1e11', created: '2020-01-01T00:00:00Z',
          definition_type: 'tlp', definition: { tlp: 'red' },
        },
        {
          type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2021-04-01T00:00:00Z',
          modified: '2021-05-01T00:00:00.000Z', pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', valid_from: '2021-04-02T00:00:00Z',
          valid_until: '2022-04-02T00:00:00Z', confidence: 85, indicator_types: ['compromised'],
          object_marking_refs: ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da'],
        },
        {
          type: 'indicator', spec_version: '2.1', id: 'indicator--1b2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2021-04-01T00:00:00Z',
          modified: '2021-04-01T00:00:00Z', pattern: "[domain-name:value = 'evil.example.com']", pattern_type: 'stix', valid_from: '2021-04-01T00:00:00Z',
          revoked: true, object_marking_refs: ['marking-definition--a8b2d8a3-8d7e-4a33-9e0b-3a2f4c7b1e11', 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
        },
        {
          type: 'indicator', spec_version: '2.1', id: 'indicator--2b2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2021-04-01T00:00:00Z',
          modified: '2021-04-01T00:00:00Z', pattern: 'rule evil { condition: true }', pattern_type: 'yara', valid_from: '2021-04-01T00:00:00Z',
        },
      ],
    };
    const parsed = await parseText('stix', JSON.stringify(bundle, null, 1), {}, 'details.json');
    assert.deepEqual(parsed.issues, []);
    assert.equal(parsed.objects.length, 4, 'the YARA indicator is kept, though it indexes nothing');
    const [ip, domain] = parsed.accepted;
    assert.deepEqual(
      { type: ip!.type, value: ip!.value, firstSeen: ip!.firstSeen, lastSeen: ip!.lastSeen, validUntil: ip!.validUntil, confidence: ip!.confidence, tlp: ip!.tlp, threatType: ip!.threatType },
      {
        type: 'ipv4', value: '198.51.100.7', firstSeen: Date.UTC(2021, 3, 2), lastSeen: Date.UTC(2021, 4, 1), validUntil: Date.UTC(2022, 3, 2),
        confidence: 85, tlp: 'green', threatType: 'compromised-host',
      },
    );
    assert.equal(domain!.revoked, true);
    assert.equal(domain!.tlp, 'red', 'the most restrictive of its markings, including a 2.0-style TLP definition in the bundle');
    assert.equal(domain!.objectId, 'indicator--1b2e2d2b-17d4-4cbf-938f-98ee46b3cd3f');
  });

  it('reads a single object, and a bare array of objects', async () => {
    const single = await parseText('stix', readFileSync(join(STIX, 'stix21/cti-python-stix2-testdata/stix2_data/malware/malware--6b616fc1-1505-48e3-8b2c-0d19337bff38.json'), 'utf8'));
    assert.equal(single.objects.length, 1);
    assert.equal(single.objects[0]!.object.type, 'malware');
    const array = await parseText('stix', JSON.stringify([{ type: 'url', spec_version: '2.1', id: 'url--4c3b0e3a-8b6e-5b43-a3e6-6a4a1b0e7a11', value: 'http://bad.example.org/x' }]));
    assert.deepEqual(array.accepted.map((observation) => observation.value), ['http://bad.example.org/x']);
  });
});

describe('stix format: bad input', () => {
  const indicator = (id: string, pattern: string) =>
    `{"type": "indicator", "spec_version": "2.1", "id": "indicator--${id}", "created": "2021-01-01T00:00:00Z", "modified": "2021-01-01T00:00:00Z", "pattern": ${JSON.stringify(pattern)}, "pattern_type": "stix", "valid_from": "2021-01-01T00:00:00Z"}`;
  const good = indicator('00000000-0000-4000-8000-000000000001', "[url:value = 'http://good.example.net/a']");

  it('skips a malformed object, reports its line, and keeps the objects around it', async () => {
    const text = `{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": [\n${good},\n{"type": "indicator", "id": oops},\n${indicator('00000000-0000-4000-8000-000000000003', "[ipv4-addr:value = '203.0.113.9']")}\n]}`;
    const parsed = await parseText('stix', text, {}, 'broken.json');
    assert.deepEqual(parsed.accepted.map((observation) => observation.value), ['http://good.example.net/a', '203.0.113.9']);
    assert.deepEqual(where(parsed.issues), [{ line: 3, field: 'objects[1]', code: 'TIX_JSON_SYNTAX' }]);
  });

  it('reports a pattern that does not parse with its position, and keeps the object', async () => {
    const parsed = await parseText('stix', `[${indicator('00000000-0000-4000-8000-000000000004', "[ipv4-addr:value = '1.2.3.4'")}]`);
    assert.equal(parsed.objects.length, 1);
    assert.equal(parsed.issues.length, 1);
    assert.equal(parsed.issues[0]!.code, 'TIX_STIX_PATTERN');
    assert.equal(parsed.issues[0]!.field, 'objects[0] (indicator--00000000-0000-4000-8000-000000000004).pattern');
    assert.match(parsed.issues[0]!.message, /at character 28/);
  });

  it('refuses objects of another spec_version and warns about unknown types, keeping them', async () => {
    const text = JSON.stringify([
      { type: 'indicator', spec_version: '3.0', id: 'indicator--00000000-0000-4000-8000-000000000005', created: '2021-01-01T00:00:00Z', modified: '2021-01-01T00:00:00Z', pattern: "[url:value = 'http://a.example/']" },
      { type: 'gizmo', spec_version: '2.1', id: 'gizmo--00000000-0000-4000-8000-000000000006' },
      { type: 'x-acme-widget', spec_version: '2.1', id: 'x-acme-widget--00000000-0000-4000-8000-000000000007', created: '2021-01-01T00:00:00Z', modified: '2021-01-01T00:00:00Z' },
      { type: 'indicator', spec_version: '2.1', id: 'indicator--not-a-uuid', pattern: "[url:value = 'http://b.example/']" },
    ]);
    const parsed = await parseText('stix', text);
    assert.deepEqual(
      parsed.issues.map((issue) => [issue.code, issue.severity]),
      [['TIX_STIX_VERSION', 'error'], ['TIX_STIX_UNKNOWN_TYPE', 'warning'], ['TIX_STIX_INVALID', 'error']],
    );
    assert.deepEqual(parsed.objects.map((entry) => entry.object.type), ['gizmo', 'x-acme-widget']);
    assert.deepEqual(parsed.accepted, []);
  });

  it('reports a truncated bundle after keeping the objects that were complete', async () => {
    const parsed = await parseText('stix', `{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": [\n${good},\n{"type": "ind`);
    assert.equal(parsed.objects.length, 1);
    assert.deepEqual(parsed.issues.map((issue) => issue.code), ['TIX_JSON_SYNTAX']);
    assert.match(parsed.issues[0]!.message, /ends inside a string/);
  });
});
