import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ExportContext } from '../../export/exporter.ts';
import { type Indicator, type Issue, type Observation, ObservationSchema, type Tlp } from '../../model/index.ts';
import { createMispFeedWriter, misp, mispExport, readMispFeedManifest } from './index.ts';
import { stricterTlp } from './serialise.ts';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/misp/', import.meta.url));
const NOW = Date.UTC(2025, 0, 15);
const ctx: ExportContext = { now: NOW, producer: { name: 'tix test' }, options: {} };

function parse(text: string, file: string): { accepted: Observation[]; issues: Issue[] } {
  const accepted: Observation[] = [];
  const issues: Issue[] = [];
  const parser = misp.createParser(
    { file, now: NOW, options: {} },
    { accept: (o) => accepted.push(ObservationSchema.strict().parse(o)), reject: (issue) => issues.push(issue), object: () => assert.fail('no STIX objects') },
  );
  parser.write(text);
  parser.end();
  return { accepted, issues };
}

/** What a store would make of the observations: one indicator per value, each file a source (a stand-in for the store's merge). */
function merge(observations: Array<Observation & { source: string }>): Indicator[] {
  const byKey = new Map<string, { indicator: Indicator; revoked: boolean }>();
  for (const o of observations) {
    const key = `${o.type} ${o.value}`;
    const seen = byKey.get(key);
    const tlp: Tlp = o.tlp ?? 'amber';
    if (!seen) {
      byKey.set(key, {
        revoked: o.revoked === true,
        indicator: { type: o.type, value: o.value, firstSeen: o.firstSeen, lastSeen: o.lastSeen, sources: [o.source], threatTypes: o.threatType ? [o.threatType] : [], malware: o.malware ? [o.malware] : [], tlp, status: 'active', addedAt: NOW },
      });
      continue;
    }
    const { indicator } = seen;
    seen.revoked &&= o.revoked === true;
    indicator.firstSeen = Math.min(indicator.firstSeen, o.firstSeen);
    indicator.lastSeen = Math.max(indicator.lastSeen, o.lastSeen);
    if (!indicator.sources.includes(o.source)) indicator.sources.push(o.source);
    if (o.threatType && !indicator.threatTypes.includes(o.threatType)) indicator.threatTypes.push(o.threatType);
    if (o.malware && !indicator.malware.includes(o.malware)) indicator.malware.push(o.malware);
    indicator.tlp = stricterTlp(indicator.tlp, tlp);
  }
  return [...byKey.values()].map(({ indicator, revoked }) => ({ ...indicator, status: revoked ? 'revoked' : 'active' }));
}

const keyOf = (o: { type: string; value: string }) => `${o.type} ${o.value}`;

describe('misp round trip', () => {
  it('MISP events → tix observations → a MISP feed → tix observations keeps every value, its marking, revocation and dates', () => {
    const observations = ['events/eset', 'events/pymisp-tests', 'feed-chrome-mal-ids'].flatMap((dir) =>
      readdirSync(`${FIXTURES}${dir}`)
        .filter((name) => name.endsWith('.json') && name !== 'manifest.json')
        .flatMap((name) => parse(readFileSync(`${FIXTURES}${dir}/${name}`, 'utf8'), name).accepted.map((o) => ({ ...o, source: name }))),
    );
    const indicators = merge(observations);
    assert.equal(observations.length, 385, 'the total of the per-file counts in parse.test.ts');
    assert.equal(indicators.length, 358, 'values found more than once (a file lists one twice, or names it in two attributes) merge');

    const writer = createMispFeedWriter(ctx, { maxBufferedChars: 10_000 });
    const files = new Map<string, string>();
    for (const write of [...indicators.flatMap((indicator) => writer.add(indicator)), ...writer.end()]) files.set(write.path, (files.get(write.path) ?? '') + write.chunk);

    const { events, issues } = readMispFeedManifest(files.get('manifest.json')!, 'manifest.json');
    assert.deepEqual(issues, []);
    const back = events.flatMap((event) => {
      const read = parse(files.get(event.file)!, event.file);
      assert.deepEqual(read.issues, [], event.file);
      return read.accepted.map((o) => ({ ...o, event: event.uuid }));
    });

    assert.deepEqual(back.map(keyOf).sort(), indicators.map(keyOf).sort(), 'every value, once');
    const sent = new Map(indicators.map((indicator) => [keyOf(indicator), indicator]));
    for (const o of back) {
      const indicator = sent.get(keyOf(o))!;
      assert.equal(o.tlp, indicator.tlp, keyOf(o));
      assert.equal(o.revoked === true, indicator.status === 'revoked', keyOf(o));
      assert.deepEqual([o.firstSeen, o.lastSeen], [indicator.firstSeen, indicator.lastSeen], keyOf(o));
      assert.equal(o.malware, indicator.malware[0], keyOf(o));
      assert.ok(o.objectId && o.tags.includes(`misp-event:${o.event}`), keyOf(o));
    }
  });

  it('tix indicators → one MISP event → tix observations gives back type, value, threat, marking and dates', () => {
    const indicators: Indicator[] = [
      { type: 'ip-port', value: '[2001:db8::2]:443', threatTypes: ['c2'], malware: ['Pikabot'], tlp: 'amber' },
      { type: 'asn', value: 'AS64500', threatTypes: [], malware: [], tlp: 'green' },
      { type: 'url', value: 'http://example.org/x.exe', threatTypes: ['payload-delivery'], malware: [], tlp: 'clear' },
      { type: 'cidr', value: '198.51.100.0/24', threatTypes: [], malware: [], tlp: 'red', status: 'revoked' as const },
      { type: 'x509-sha1', value: 'abcdef0123456789abcdef0123456789abcdef01', threatTypes: [], malware: [], tlp: 'clear' },
    ].map((partial) => ({ firstSeen: Date.UTC(2024, 1, 1, 8, 30, 15, 250), lastSeen: Date.UTC(2024, 2, 1), sources: ['feed'], status: 'active' as const, addedAt: NOW, ...partial }) as Indicator);
    const exporter = mispExport.createExporter(ctx);
    const text = exporter.begin() + indicators.map((indicator) => exporter.indicator(indicator)).join('') + exporter.end();
    const { accepted, issues } = parse(text, 'export.json');
    assert.deepEqual(issues, []);
    assert.deepEqual(
      accepted.map((o) => [o.type, o.value, o.threatType, o.malware, o.tlp, o.revoked, o.firstSeen, o.lastSeen, o.tags.includes('to_ids:false')]),
      indicators.map((i) => [i.type, i.value, i.threatTypes[0], i.malware[0], i.tlp, i.status === 'revoked' ? true : undefined, i.firstSeen, i.lastSeen, i.status !== 'active']),
    );
  });
});
