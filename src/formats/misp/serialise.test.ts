import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../errors.ts';
import type { ExportContext } from '../../export/exporter.ts';
import { INDICATOR_TYPES, type Indicator } from '../../model/index.ts';
import { createMispFeedWriter, type FeedWrite, mispExport, readMispFeedHashes, readMispFeedManifest } from './index.ts';
import { EXPORT_TYPES, MISP_ATTRIBUTE_TYPES } from './types.ts';
import { TIX_NAMESPACE, uuidV5 } from '../common/uuid.ts';

const REFERENCE = fileURLToPath(new URL('../../../test/fixtures/misp/reference/', import.meta.url));
/** The JSON Schema of the MISP core format draft, cut out of the draft unchanged. */
const CORE_SCHEMA = JSON.parse(readFileSync(`${REFERENCE}misp-core-format.schema.json`, 'utf8')) as Schema;
const DESCRIBE = JSON.parse(readFileSync(`${REFERENCE}pymisp-describeTypes.json`, 'utf8')).result as {
  types: string[];
  category_type_mappings: Record<string, string[]>;
};

type Schema = { [key: string]: unknown };

/**
 * The draft-04 keywords the core format schema uses ($ref to #/defs, type,
 * properties, additionalProperties: false, required, items, uniqueItems),
 * checked by hand: ajv is not a dependency of tix.
 */
function schemaErrors(root: Schema, document: unknown): string[] {
  const errors: string[] = [];
  const resolve = (schema: Schema): Schema => {
    if (typeof schema.$ref !== 'string') return schema;
    let target: unknown = root;
    for (const part of schema.$ref.replace(/^#\//, '').split('/')) target = (target as Schema)[part];
    return resolve(target as Schema);
  };
  const isType = (type: string, value: unknown): boolean => {
    if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
    if (type === 'array') return Array.isArray(value);
    if (type === 'null') return value === null;
    return typeof value === type;
  };
  const check = (given: Schema, value: unknown, path: string): void => {
    const schema = resolve(given);
    if (schema.type !== undefined) {
      const types = [schema.type].flat() as string[];
      if (!types.some((type) => isType(type, value))) errors.push(`${path}: not ${types.join(' or ')}`);
    }
    if (isType('object', value)) {
      const record = value as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      for (const name of (schema.required ?? []) as string[]) if (!(name in record)) errors.push(`${path}: no ${name}`);
      for (const [name, item] of Object.entries(record)) {
        if (name in properties) check(properties[name]!, item, `${path}.${name}`);
        else if (schema.additionalProperties === false) errors.push(`${path}: ${name} is not allowed`);
      }
    }
    if (Array.isArray(value)) {
      if (schema.items) value.forEach((item, index) => check(schema.items as Schema, item, `${path}[${index}]`));
      if (schema.uniqueItems === true && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) errors.push(`${path}: items not unique`);
    }
  };
  check(root, document, '$');
  return errors;
}

/** What the core format draft says MUST (or SHALL) be present, checked field by field, and what describeTypes allows. */
function draftErrors(document: { Event: Record<string, unknown> }): string[] {
  const errors: string[] = [];
  const event = document.Event;
  const need = (object: Record<string, unknown>, names: string[], path: string) => {
    for (const name of names) if (object[name] === undefined) errors.push(`${path}: no ${name}`);
  };
  need(event, ['uuid', 'id', 'published', 'info', 'threat_level_id', 'analysis', 'date', 'timestamp', 'publish_timestamp', 'org_id', 'orgc_id', 'attribute_count', 'distribution', 'Orgc'], 'Event');
  need(event.Orgc as Record<string, unknown>, ['uuid', 'name', 'id'], 'Event.Orgc');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(event.date))) errors.push('Event.date: not YYYY-MM-DD');
  if (!['0', '1', '2', '3', '4'].includes(String(event.distribution))) errors.push('Event.distribution');
  const attributes = event.Attribute as Array<Record<string, unknown>>;
  if (String(attributes.length) !== event.attribute_count) errors.push('Event.attribute_count');
  attributes.forEach((attribute, index) => {
    const path = `Event.Attribute[${index}]`;
    need(attribute, ['uuid', 'id', 'type', 'category', 'to_ids', 'event_id', 'distribution', 'timestamp', 'deleted', 'value'], path);
    if (!DESCRIBE.types.includes(String(attribute.type))) errors.push(`${path}: unknown type ${attribute.type}`);
    if (!DESCRIBE.category_type_mappings[String(attribute.category)]?.includes(String(attribute.type))) errors.push(`${path}: ${attribute.type} is not of ${attribute.category}`);
    if (!/^\d+$/.test(String(attribute.timestamp))) errors.push(`${path}.timestamp`);
    for (const name of ['first_seen', 'last_seen']) if (Number.isNaN(Date.parse(String(attribute[name])))) errors.push(`${path}.${name}`);
  });
  return errors;
}

const NOW = Date.UTC(2025, 0, 15, 12, 30);
const ctx = (options: Record<string, string> = {}): ExportContext => ({ now: NOW, producer: { name: 'CERT Example' }, options });
const day = (n: number) => Date.UTC(2025, 0, n);

function indicator(type: Indicator['type'], value: string, more: Partial<Indicator> = {}): Indicator {
  return { type, value, firstSeen: day(2), lastSeen: day(3), sources: ['feed-a'], threatTypes: [], malware: [], tlp: 'clear', status: 'active', addedAt: day(4), ...more };
}

/** One indicator of every tix type, with the states an export has to carry. */
const SAMPLE: Indicator[] = [
  indicator('ipv4', '192.0.2.1', { threatTypes: ['c2'], malware: ['Emotet'], confidence: 80 }),
  indicator('ipv6', '2001:db8::1'),
  indicator('cidr', '198.51.100.0/24', { status: 'expired' }),
  indicator('ip-port', '192.0.2.1:8080', { sources: ['feed-b', 'feed-a'] }),
  indicator('ip-port', '[2001:db8::2]:443', { tlp: 'amber' }),
  indicator('domain', 'example.com', { status: 'revoked' }),
  indicator('hostname', 'c2.example.net', { threatTypes: ['c2'] }),
  indicator('url', 'http://example.org/x.exe', { threatTypes: ['payload-delivery'], malware: ['Pikabot', 'A "quoted" name'] }),
  indicator('email', 'bad@example.com'),
  indicator('md5', 'd41d8cd98f00b204e9800998ecf8427e'),
  indicator('sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'),
  indicator('sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', { tlp: 'amber+strict' }),
  indicator('sha512', 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'),
  indicator('ssdeep', '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C'),
  indicator('tlsh', 't1a8f0a5e2d2f3c1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3'),
  indicator('asn', 'AS64500'),
  indicator('ja3', '72a589da586844d7f0818ce684948eea'),
  indicator('x509-sha1', 'abcdef0123456789abcdef0123456789abcdef01'),
  indicator('filename', 'invoice.pdf.exe', { firstSeen: day(9), lastSeen: day(9) }),
];

function exportEvent(indicators: Indicator[], options: Record<string, string> = {}): string {
  const exporter = mispExport.createExporter(ctx(options));
  return exporter.begin() + indicators.map((item) => exporter.indicator(item)).join('') + exporter.end();
}

/** Applies writes as the lead's directory writer will: append to each path. */
function applyWrites(writes: FeedWrite[], files = new Map<string, string>()): Map<string, string> {
  for (const { path, chunk } of writes) files.set(path, (files.get(path) ?? '') + chunk);
  return files;
}

function writeFeed(indicators: Indicator[], options: Parameters<typeof createMispFeedWriter>[1] = {}): Map<string, string> {
  const writer = createMispFeedWriter(ctx(), options);
  const files = new Map<string, string>();
  for (const item of indicators) applyWrites(writer.add(item), files);
  return applyWrites(writer.end(), files);
}

describe('misp types', () => {
  it("are describeTypes' list, and every tix type exports to a MISP type valid in its category", () => {
    assert.deepEqual([...MISP_ATTRIBUTE_TYPES].sort(), [...DESCRIBE.types].sort());
    for (const type of INDICATOR_TYPES) {
      const { type: mispType, category } = EXPORT_TYPES[type];
      assert.ok(DESCRIBE.category_type_mappings[category]!.includes(mispType), `${type} → ${mispType} in ${category}`);
    }
  });

  it('uuidV5 matches RFC 4122 (Python: uuid5(NAMESPACE_DNS, "python.org"))', () => {
    assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });
});

describe('misp export: one event', () => {
  const text = exportEvent(SAMPLE, { info: 'Weekly export' });
  const document = JSON.parse(text) as { Event: Record<string, unknown> & { Attribute: Array<Record<string, unknown>> } };

  it('validates against the core format schema and the draft, one attribute per line', () => {
    assert.deepEqual(schemaErrors(CORE_SCHEMA, document), []);
    assert.deepEqual(draftErrors(document), []);
    assert.equal(text.split('\n').length, SAMPLE.length + 3);
  });

  it('the schema check itself catches what the schema forbids', () => {
    const bad = { Event: { ...document.Event, published: 'yes', Attribute: [{ ...document.Event.Attribute[0], colour: 'red' }], Orgc: { name: 'x' } } };
    assert.deepEqual(schemaErrors(CORE_SCHEMA, bad), ['$.Event.Attribute[0]: colour is not allowed', '$.Event.published: not boolean', '$.Event.Orgc: no uuid']);
  });

  it('writes each indicator as MISP spells it', () => {
    const event = document.Event;
    assert.equal(event.info, 'Weekly export');
    assert.equal(event.published, false);
    assert.equal(event.date, '2025-01-15');
    assert.equal(event.uuid, uuidV5(TIX_NAMESPACE, `misp-event:CERT Example:${NOW}`));
    assert.deepEqual(event.Tag, [{ name: 'tlp:amber+strict', colour: '#ffc000', exportable: true }], 'the strictest TLP of the content');
    const byValue = new Map(event.Attribute.map((attribute) => [attribute.value, attribute]));
    assert.deepEqual(
      event.Attribute.map((attribute) => `${attribute.type} ${attribute.value}`),
      [
        'ip-dst 192.0.2.1',
        'ip-dst 2001:db8::1',
        'ip-dst 198.51.100.0/24',
        'ip-dst|port 192.0.2.1|8080',
        'ip-dst|port 2001:db8::2|443',
        'domain example.com',
        'hostname c2.example.net',
        'url http://example.org/x.exe',
        'email-src bad@example.com',
        'md5 d41d8cd98f00b204e9800998ecf8427e',
        'sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709',
        'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        `sha512 ${SAMPLE[12]!.value}`,
        `ssdeep ${SAMPLE[13]!.value}`,
        `tlsh ${SAMPLE[14]!.value}`,
        'AS 64500',
        'ja3-fingerprint-md5 72a589da586844d7f0818ce684948eea',
        'x509-fingerprint-sha1 abcdef0123456789abcdef0123456789abcdef01',
        'filename invoice.pdf.exe',
      ],
    );
    assert.deepEqual(byValue.get('192.0.2.1'), {
      uuid: uuidV5(event.uuid as string, 'ip-dst|192.0.2.1'),
      id: '0',
      event_id: '0',
      type: 'ip-dst',
      category: 'Network activity',
      value: '192.0.2.1',
      to_ids: true,
      deleted: false,
      distribution: '5',
      sharing_group_id: '0',
      timestamp: String(day(4) / 1000),
      first_seen: '2025-01-02T00:00:00.000000+00:00',
      last_seen: '2025-01-03T00:00:00.000000+00:00',
      comment: 'sources: feed-a; threat: c2; confidence: 80',
      disable_correlation: false,
      Tag: [
        { name: 'tlp:clear', colour: '#ffffff', exportable: true },
        { name: 'misp-galaxy:malpedia="Emotet"', colour: '#0088cc', exportable: true },
      ],
    });
    assert.deepEqual([byValue.get('198.51.100.0/24')!.to_ids, byValue.get('198.51.100.0/24')!.deleted], [false, false], 'expired: kept, not for detection');
    assert.deepEqual([byValue.get('example.com')!.to_ids, byValue.get('example.com')!.deleted], [false, true], 'revoked: deleted');
    assert.equal(byValue.get('http://example.org/x.exe')!.category, 'Payload delivery');
    assert.deepEqual(
      (byValue.get('http://example.org/x.exe')!.Tag as Array<{ name: string }>).map((tag) => tag.name),
      ['tlp:clear', 'misp-galaxy:malpedia="Pikabot"', 'misp-galaxy:malpedia="A \'quoted\' name"'],
    );
  });

  it('is the same text for the same input, and takes an event uuid to update', () => {
    assert.equal(exportEvent(SAMPLE, { info: 'Weekly export' }), text);
    const uuid = '57c6ac4c-c60c-4f79-a38f-b666950d210f';
    assert.equal(JSON.parse(exportEvent(SAMPLE.slice(0, 1), { uuid })).Event.uuid, uuid);
    assert.throws(() => exportEvent([], { uuid: '../x' }), ConfigError);
  });

  it('writes a valid empty event', () => {
    const empty = JSON.parse(exportEvent([]));
    assert.deepEqual(schemaErrors(CORE_SCHEMA, empty), []);
    assert.deepEqual(draftErrors(empty), []);
    assert.equal(empty.Event.attribute_count, '0');
  });
});

describe('misp feed writer', () => {
  const files = writeFeed(SAMPLE);
  const manifest = JSON.parse(files.get('manifest.json')!) as Record<string, Record<string, unknown>>;

  it('writes one event per source and UTC day of first sight, a manifest and hashes.csv', () => {
    const events = [...files.keys()].filter((path) => path !== 'manifest.json' && path !== 'hashes.csv');
    assert.deepEqual(events.sort(), Object.keys(manifest).map((uuid) => `${uuid}.json`).sort());
    assert.deepEqual(
      Object.values(manifest).map((entry) => [entry.info, entry.date]).sort(),
      [
        ['tix: feed-a, first seen 2025-01-02', '2025-01-02'],
        ['tix: feed-a, first seen 2025-01-09', '2025-01-09'],
      ],
      'the ip:port with sources feed-b and feed-a goes to feed-a, the first by name',
    );
    const read = readMispFeedManifest(files.get('manifest.json')!, 'manifest.json');
    assert.deepEqual(read.issues, []);
    for (const entry of Object.values(manifest)) for (const name of ['info', 'Orgc', 'analysis', 'timestamp', 'date', 'threat_level_id']) assert.ok(entry[name] !== undefined, name);

    for (const path of events) {
      const document = JSON.parse(files.get(path)!);
      assert.deepEqual(schemaErrors(CORE_SCHEMA, document), [], path);
      assert.deepEqual(draftErrors(document), [], path);
      assert.equal(`${document.Event.uuid}.json`, path);
      assert.equal(document.Event.published, true);
    }
  });

  it("hashes each value part with MD5 beside its event's uuid, as MISP does", () => {
    const hashes = readMispFeedHashes(files.get('hashes.csv')!, 'hashes.csv');
    assert.equal(hashes.layout, 'values');
    const expected: string[] = [];
    for (const path of [...files.keys()].filter((name) => name.endsWith('.json') && name !== 'manifest.json')) {
      const { Event } = JSON.parse(files.get(path)!);
      for (const attribute of Event.Attribute) {
        for (const part of attribute.type.includes('|') ? attribute.value.split('|') : [attribute.value]) {
          expected.push(`${createHash('md5').update(part).digest('hex')},${Event.uuid}`);
        }
      }
    }
    assert.deepEqual(hashes.values.map((entry) => `${entry.md5},${entry.eventUuid}`).sort(), expected.sort());
    assert.equal(expected.length, SAMPLE.length + 2, 'the two ip|port values hash part by part');
  });

  it('names events the same way whatever the order of the indicators', () => {
    const again = writeFeed([...SAMPLE].reverse());
    assert.deepEqual([...again.keys()].sort(), [...files.keys()].sort());
    assert.equal(again.get('manifest.json'), files.get('manifest.json'));
  });

  it('groups by source or by day on request', () => {
    const bySource = writeFeed(SAMPLE, { grouping: 'source' });
    assert.deepEqual(Object.values(JSON.parse(bySource.get('manifest.json')!)).map((entry) => (entry as { info: string }).info), ['tix: feed-a']);
    const byDay = JSON.parse(writeFeed(SAMPLE, { grouping: 'day' }).get('manifest.json')!);
    assert.deepEqual(Object.values(byDay).map((entry) => (entry as { info: string }).info).sort(), ['tix: indicators first seen 2025-01-02', 'tix: indicators first seen 2025-01-09']);
    assert.throws(() => createMispFeedWriter(ctx({ grouping: 'week' })), ConfigError);
  });

  it('holds back no more text than it is allowed, however many events are open', () => {
    const max = 20_000;
    const writer = createMispFeedWriter(ctx(), { maxBufferedChars: max });
    const files = new Map<string, string>();
    let releases = 0;
    for (let n = 0; n < 6000; n++) {
      const writes = writer.add(indicator('ipv4', `10.${n % 7}.${(n >> 8) & 255}.${n & 255}`, { sources: [`s${n % 5}`], firstSeen: day(1 + (Math.floor(n / 5) % 20)), lastSeen: day(25) }));
      const size = writes.reduce((sum, write) => sum + write.chunk.length, 0);
      if (writes.length) releases++;
      assert.ok(size <= max + 2000, `a release of ${size} characters`);
      applyWrites(writes, files);
    }
    applyWrites(writer.end(), files);
    assert.ok(releases > 50);
    const events = Object.keys(JSON.parse(files.get('manifest.json')!));
    assert.equal(events.length, 5 * 20);
    const total = events.reduce((sum, uuid) => sum + JSON.parse(files.get(`${uuid}.json`)!).Event.Attribute.length, 0);
    assert.equal(total, 6000);
  });

  it('writes an empty feed as an empty manifest and hashes.csv', () => {
    assert.deepEqual(Object.fromEntries(writeFeed([])), { 'hashes.csv': '', 'manifest.json': '{}\n' });
  });
});
