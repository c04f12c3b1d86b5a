import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../errors.ts';
import { INDICATOR_TYPES, type Indicator, type IndicatorType } from '../model/index.ts';
import type { ExportContext } from './exporter.ts';
import { createExporter, getExporter, listExporters } from './registry.ts';

const NOW = Date.UTC(2025, 0, 1);

function indicator(type: IndicatorType, value: string, extra: Partial<Indicator> = {}): Indicator {
  return { type, value, firstSeen: NOW, lastSeen: NOW, sources: ['s'], threatTypes: ['c2'], malware: ['M'], tlp: 'green', status: 'active', addedAt: NOW, ...extra };
}

/** One canonical value of every type, as the store holds them. */
const CANONICAL: Indicator[] = [
  indicator('ipv4', '192.0.2.1'),
  indicator('ipv6', '2001:db8::1'),
  indicator('cidr', '198.51.100.0/24'),
  indicator('ip-port', '192.0.2.1:8080'),
  indicator('domain', 'evil.example'),
  indicator('hostname', 'a.evil.example'),
  indicator('url', 'http://evil.example/gate.php?a=1'),
  indicator('email', 'boss@evil.example'),
  indicator('md5', 'd41d8cd98f00b204e9800998ecf8427e'),
  indicator('sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'),
  indicator('sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
  indicator('sha512', 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'),
  indicator('ssdeep', '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C'),
  indicator('tlsh', 't1a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5'),
  indicator('asn', 'AS64500'),
  indicator('ja3', 'e7d705a3286e19ea42f587b344ee6865'),
  indicator('x509-sha1', 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'),
  indicator('filename', 'invoice.pdf.exe'),
];

/** Values a hostile or broken feed could have put in the store: none may reach a file as syntax. */
const HOSTILE_TEXT = ['x"; sid:1; rev:1;)\nalert ip any any -> any any (sid:2;)', '\t-\n#fields', ';\n$INCLUDE /etc/passwd', '} ; flush ruleset', '=cmd|\' /C calc\'!A0'];
const HOSTILE: Indicator[] = INDICATOR_TYPES.flatMap((type) =>
  HOSTILE_TEXT.map((text) => indicator(type, `evil.example${text}`, { malware: [text], sources: [text] })),
);

/** Options each format needs to run at all. */
const OPTIONS: Record<string, Record<string, string>> = { 'suricata-dataset': { type: 'domain,hostname' } };

function ctx(id: string): ExportContext {
  return { now: NOW, producer: { name: 'CERT-Test' }, options: OPTIONS[id] ?? {} };
}

/** The export as the export command streams it: types the module cannot express never reach it. */
function run(id: string, indicators: Indicator[]): { text: string; given: number; skipped: number; empty: number } {
  const module = getExporter(id);
  const exporter = createExporter(id, ctx(id));
  let text = exporter.begin();
  let given = 0;
  let empty = 0;
  for (const item of indicators) {
    if (module.types && !module.types.includes(item.type)) continue;
    given++;
    const chunk = exporter.indicator(item);
    if (chunk === '') empty++;
    text += chunk;
  }
  text += exporter.end();
  return { text, given, skipped: exporter.skipped ? exporter.skipped() : empty, empty };
}

describe('export registry', () => {
  it('lists each format once, with a kebab-case id, a media type and an extension', () => {
    const ids = listExporters().map((module) => module.id);
    assert.deepEqual(ids, ['stix', 'misp', 'csv', 'plain-list', 'suricata', 'suricata-dataset', 'snort', 'zeek', 'rpz', 'hosts', 'nftables']);
    for (const module of listExporters()) {
      assert.match(module.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.match(module.mediaType, /^[a-z]+\/[a-z0-9.+-]+(;[a-z]+=[a-z0-9.]+)?$/);
      assert.match(module.extension, /^[a-z0-9]+$/);
      for (const type of module.types ?? []) assert.ok(INDICATOR_TYPES.includes(type), `${module.id}: ${type}`);
    }
  });

  it('finds a format by id or alias, and names the known ones when it cannot', () => {
    assert.equal(getExporter('suricata').id, 'suricata');
    assert.equal(getExporter('list').id, 'plain-list');
    assert.equal(getExporter(' CSV ').id, 'csv');
    assert.throws(
      () => getExporter('stixx'),
      (error: unknown) =>
        error instanceof InputError && error.code === 'TIX_EXPORT_UNKNOWN' && /unknown export format "stixx"; known formats: stix, misp, csv, plain-list/.test(error.message),
    );
  });

  it('refuses an option the format does not read', () => {
    assert.throws(() => createExporter('suricata', { ...ctx('suricata'), options: { sid_base: '1' } }), {
      code: 'TIX_CONFIG_BAD_OPTION',
      field: 'sid_base',
      message: 'suricata: unknown option "sid_base"; it reads sid-base',
    });
    assert.throws(() => createExporter('csv', { ...ctx('csv'), options: { x: '1' } }), { message: 'csv: unknown option "x"; it reads none' });
    assert.equal(typeof createExporter('rpz', { ...ctx('rpz'), options: { zone: 'rpz.example', action: 'drop' } }).begin, 'function');
  });

  for (const module of listExporters()) {
    describe(`${module.id} (every exporter)`, () => {
      it('writes every canonical value of a type it declares, and the same bytes each time', () => {
        const first = run(module.id, CANONICAL);
        // the dataset was asked for domain,hostname: its seven other types are skipped
        assert.equal(first.skipped, module.id === 'suricata-dataset' ? 7 : 0, 'nothing canonical is skipped');
        assert.ok(first.given > 0);
        assert.equal(run(module.id, CANONICAL).text, first.text);
        assert.ok(first.text === '' || first.text.endsWith('\n'), 'whole lines only');
      });

      it('turns no hostile value into a line of its own', () => {
        const { text } = run(module.id, HOSTILE);
        const lines = text.split(/\r?\n/);
        // csv quotes hostile text inside a cell; every other format refuses it or keeps it inside one line
        if (module.id === 'csv') return;
        for (const line of lines) {
          assert.ok(!/^(alert|\$INCLUDE|flush ruleset|#fields\b.*\t)/.test(line) || line.startsWith('#fields\tindicator'), `${module.id}: ${line}`);
          assert.ok(!line.startsWith('} ;'), line);
        }
      });

      it('reads no clock but ctx.now', () => {
        const a = createExporter(module.id, ctx(module.id)).begin();
        const b = createExporter(module.id, { ...ctx(module.id), now: NOW + 86_400_000 }).begin();
        if (['suricata', 'snort', 'rpz', 'hosts', 'nftables'].includes(module.id)) assert.notEqual(a, b);
        assert.equal(createExporter(module.id, ctx(module.id)).begin(), a);
      });
    });
  }
});
