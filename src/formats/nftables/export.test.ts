import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Indicator, IndicatorType } from '../../model/index.ts';
import { nftables } from './export.ts';

const NOW = Date.UTC(2025, 0, 1);

function indicator(type: IndicatorType, value: string): Indicator {
  return { type, value, firstSeen: NOW, lastSeen: NOW, sources: ['s'], threatTypes: [], malware: [], tlp: 'clear', status: 'active', addedAt: NOW };
}

function render(indicators: Indicator[], options: Record<string, string> = {}): { text: string; skipped: number } {
  const exporter = nftables.createExporter({ now: NOW, producer: { name: 'CERT\nflush ruleset' }, options });
  const text = exporter.begin() + indicators.map((i) => exporter.indicator(i)).join('') + exporter.end();
  return { text, skipped: exporter.skipped?.() ?? 0 };
}

const HEAD =
  '#!/usr/sbin/nft -f\n' +
  '# nftables sets exported by tix for CERT?flush ruleset at 2025-01-01T00:00:00.000Z\n' +
  'table inet tix {\n' +
  '\tset tix_ipv4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\tauto-merge\n\t}\n' +
  '\tset tix_ipv6 {\n\t\ttype ipv6_addr\n\t\tflags interval\n\t\tauto-merge\n\t}\n' +
  '}\n' +
  'flush set inet tix tix_ipv4\nflush set inet tix tix_ipv6\n';

/** The statements the script may hold after its head: `add element` with addresses, nothing else. */
const ELEMENT = /^add element [a-z0-9]+ [A-Za-z][A-Za-z0-9_]* [A-Za-z][A-Za-z0-9_]* \{ [0-9a-f.:/]+(, [0-9a-f.:/]+)* \}$/;

describe('nftables export', () => {
  it('declares, empties and fills the two sets', () => {
    const { text } = render([indicator('ipv4', '192.0.2.1'), indicator('ipv6', '2001:db8::1'), indicator('cidr', '198.51.100.0/24'), indicator('cidr', '2001:db8::/32')]);
    assert.equal(text, `${HEAD}add element inet tix tix_ipv4 { 192.0.2.1, 198.51.100.0/24 }\nadd element inet tix tix_ipv6 { 2001:db8::1, 2001:db8::/32 }\n`);
  });

  it('writes elements in statements of 1000 as they come, not all at the end', () => {
    const exporter = nftables.createExporter({ now: NOW, producer: { name: 'p' }, options: {} });
    exporter.begin();
    const chunks = Array.from({ length: 2500 }, (_, i) => exporter.indicator(indicator('ipv4', `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`)));
    assert.deepEqual(chunks.map((chunk, i) => [i, chunk !== '']).filter(([, wrote]) => wrote).map(([i]) => i), [999, 1999]);
    const last = exporter.end();
    assert.equal(last.split('\n').length, 2);
    assert.equal(exporter.skipped?.(), 0);
    for (const chunk of [...chunks.filter(Boolean), last]) assert.match(chunk.trimEnd(), ELEMENT);
  });

  it('writes every IPv4 statement before the IPv6 ones, however the input interleaves them', () => {
    // nft 1.0.6 cannot auto-merge a set whose statements another set's interleave (test/e2e/blocklist-tools)
    const input = Array.from({ length: 2300 }, (_, i) => (i % 3 === 0 ? indicator('ipv6', `2001:db8::${(i + 1).toString(16)}`) : indicator('ipv4', `10.0.${i >> 8}.${i & 255}`)));
    const sets = render(input).text.split('\n').filter((line) => line.startsWith('add element')).map((line) => line.split(' ')[4]);
    assert.deepEqual(sets, ['tix_ipv4', 'tix_ipv4', 'tix_ipv6']);
  });

  it('takes table, set and family names, and refuses any that are not plain identifiers', () => {
    const { text } = render([indicator('ipv4', '192.0.2.1')], { family: 'ip', table: 'filter', set4: 'bad_v4', set6: 'bad_v6' });
    assert.match(text, /\ntable ip filter \{\n\tset bad_v4 \{/);
    assert.match(text, /\nadd element ip filter bad_v4 \{ 192\.0\.2\.1 \}\n$/);
    const bad: Array<[string, string]> = [
      ['table', 'tix { }; flush ruleset; table inet x'],
      ['table', '1tix'],
      ['set4', 'a-b'],
      ['set6', ''],
      ['family', 'arp'],
      ['set6', 'tix_ipv4'],
    ];
    for (const [field, value] of bad) assert.throws(() => render([], { [field]: value }), { code: 'TIX_CONFIG_BAD_OPTION', field }, `${field}=${value}`);
  });

  it('writes addresses only: hostile or non-canonical values and names are skipped', () => {
    const { text, skipped } = render([
      indicator('ipv4', '192.0.2.1 } ; flush ruleset ; add element inet tix tix_ipv4 { 0.0.0.0/0'),
      indicator('ipv4', 'localhost'),
      indicator('cidr', '10.1.2.3/8'),
      indicator('domain', 'evil.example'),
    ]);
    assert.equal(text, HEAD);
    assert.equal(skipped, 4);
  });
});
