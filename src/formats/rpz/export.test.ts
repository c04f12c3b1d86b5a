import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Indicator, IndicatorType } from '../../model/index.ts';
import { ipTrigger, rpz } from './export.ts';

const NOW = Date.UTC(2025, 0, 1);

function indicator(type: IndicatorType, value: string): Indicator {
  return { type, value, firstSeen: NOW, lastSeen: NOW, sources: ['s'], threatTypes: [], malware: [], tlp: 'clear', status: 'active', addedAt: NOW };
}

function render(indicators: Indicator[], options: Record<string, string> = {}): { text: string; skipped: number } {
  const exporter = rpz.createExporter({ now: NOW, producer: { name: 'CERT\n$INCLUDE /etc/passwd' }, options });
  const text = exporter.begin() + indicators.map((i) => exporter.indicator(i)).join('') + exporter.end();
  return { text, skipped: exporter.skipped?.() ?? 0 };
}

/** The master-file lines this export may write (RFC 1035 §5.1 with RPZ's owner names), anything else fails. */
const LINE = [
  /^; [\x20-\x7e]*$/,
  /^\$ORIGIN [a-z0-9.-]+\.$/,
  /^\$TTL \d+$/,
  /^@ IN SOA localhost\. hostmaster\.localhost\. \( \d{1,10} 3600 600 604800 300 \)$/,
  /^@ IN NS localhost\.$/,
  /^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)* CNAME (\.|\*\.|rpz-drop\.|rpz-passthru\.)$/,
];

describe('rpz export', () => {
  it('writes the zone head with the export time as serial', () => {
    const { text } = render([]);
    assert.equal(
      text,
      '; DNS RPZ exported by tix for CERT?$INCLUDE /etc/passwd at 2025-01-01T00:00:00.000Z\n' +
        '$ORIGIN rpz.tix.\n$TTL 300\n@ IN SOA localhost. hostmaster.localhost. ( 1735689600 3600 600 604800 300 )\n@ IN NS localhost.\n',
    );
  });

  it('rewrites a domain with the names below it, a host name exactly, and addresses as response-IP triggers', () => {
    const { text } = render([
      indicator('domain', 'evil.example'),
      indicator('hostname', 'a.b.evil.example'),
      indicator('ipv4', '192.0.2.1'),
      indicator('cidr', '198.51.100.0/24'),
      indicator('ipv6', '2001:db8::1'),
    ]);
    assert.deepEqual(text.split('\n').slice(5, -1), [
      'evil.example CNAME .',
      '*.evil.example CNAME .',
      'a.b.evil.example CNAME .',
      '32.1.2.0.192.rpz-ip CNAME .',
      '24.0.100.51.198.rpz-ip CNAME .',
      '128.1.zz.db8.2001.rpz-ip CNAME .',
    ]);
  });

  it('encodes response-IP triggers as the RPZ draft does', () => {
    assert.equal(ipTrigger('192.0.2.1'), '32.1.2.0.192');
    assert.equal(ipTrigger('2001:2:3::1'), '128.1.zz.3.2.2001');
    assert.equal(ipTrigger('2001:db8::/32'), '32.zz.db8.2001');
    assert.equal(ipTrigger('::1'), '128.1.zz');
    assert.equal(ipTrigger('fe80::/10'), '10.zz.fe80');
    assert.equal(ipTrigger('2001:db8:0:1:1:1:1:1'), '128.1.1.1.1.1.0.db8.2001');
  });

  it('writes each action as its CNAME target', () => {
    const targets = { nxdomain: '.', nodata: '*.', drop: 'rpz-drop.', passthru: 'rpz-passthru.' };
    for (const [action, target] of Object.entries(targets)) {
      assert.match(render([indicator('hostname', 'a.evil.example')], { action }).text, new RegExp(`\\na\\.evil\\.example CNAME ${target.replace(/\./g, '\\.').replace('*', '\\*')}\\n$`));
    }
    assert.throws(() => render([], { action: 'NXDOMAIN; rm' }), { code: 'TIX_CONFIG_BAD_OPTION', field: 'action' });
  });

  it('takes a zone name and refuses one that is not a DNS name', () => {
    assert.match(render([], { zone: 'rpz.example.org.' }).text, /\n\$ORIGIN rpz\.example\.org\.\n/);
    for (const zone of ['rpz tix', 'rpz.tix\n@ NS evil.', '-rpz.tix', 'RPZ.tix', 'a..b', '']) {
      assert.throws(() => render([], { zone }), { code: 'TIX_CONFIG_BAD_OPTION', field: 'zone' }, zone);
    }
  });

  it('skips names too long for the zone and values not in canonical form', () => {
    // 250 characters: a valid name, but 259 octets on the wire once rpz.tix is appended
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.example`;
    const { text, skipped } = render([
      indicator('hostname', long),
      indicator('domain', 'evil.example CNAME rpz-passthru.'),
      indicator('domain', 'evil.example\n$INCLUDE /etc/shadow'),
      indicator('ipv4', '192.0.2.1 '),
      indicator('url', 'http://evil.example/'),
    ]);
    assert.equal(text.split('\n').length, 6);
    assert.equal(skipped, 5);
    // the same name fits a shorter zone
    assert.equal(render([indicator('hostname', long)], { zone: 'r' }).skipped, 0);
  });

  it('writes only lines of the zone grammar', () => {
    const { text } = render([indicator('domain', 'x-1_y.evil.example'), indicator('cidr', '2001:db8:abcd::/48')], { action: 'nodata' });
    for (const line of text.slice(0, -1).split('\n')) assert.ok(LINE.some((re) => re.test(line)), line);
  });
});
