import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Indicator, IndicatorType } from '../../model/index.ts';
import { normalise } from '../../normalise/index.ts';
import { contentBytes, option, parseRuleFile, unescapeQuoted, type Rule } from '../snort/rule-grammar.contract.ts';
import { suricata } from './export.ts';

const NOW = Date.UTC(2025, 0, 1);

function indicator(type: IndicatorType, value: string, extra: Partial<Indicator> = {}): Indicator {
  return {
    type,
    value,
    firstSeen: NOW,
    lastSeen: NOW,
    sources: ['feodo'],
    threatTypes: ['c2'],
    malware: ['Pikabot'],
    tlp: 'clear',
    status: 'active',
    addedAt: NOW,
    ...extra,
  };
}

function render(indicators: Indicator[], options: Record<string, string> = {}): { text: string; skipped: number } {
  const exporter = suricata.createExporter({ now: NOW, producer: { name: 'CERT-Test' }, options });
  const text = exporter.begin() + indicators.map((i) => exporter.indicator(i)).join('') + exporter.end();
  return { text, skipped: exporter.skipped?.() ?? 0 };
}

const body = (text: string): string[] => text.split('\n').filter((line) => line && !line.startsWith('#'));
const sid = (rule: Rule): number => Number(option(rule, 'sid')[0]!.value);

describe('suricata export', () => {
  it('writes an address rule per IP, CIDR and ip:port', () => {
    const { text } = render([indicator('ipv4', '192.0.2.1'), indicator('cidr', '2001:db8::/32'), indicator('ip-port', '[2001:db8::1]:8080')]);
    const rules = parseRuleFile(text);
    assert.deepEqual(
      rules.map((r) => [r.protocol, r.source, r.sourcePort, r.direction, r.destination, r.destinationPort]),
      [
        ['ip', '$HOME_NET', 'any', '->', '192.0.2.1', 'any'],
        ['ip', '$HOME_NET', 'any', '->', '2001:db8::/32', 'any'],
        ['tcp', '$HOME_NET', 'any', '->', '2001:db8::1', '8080'],
      ],
    );
    assert.match(body(text)[0]!, /^alert ip \$HOME_NET any -> 192\.0\.2\.1 any \(msg:"tix ipv4 192\.0\.2\.1 Pikabot c2"; metadata:tlp clear, tix_source feodo; sid:\d+; rev:1;\)$/);
  });

  it('matches a domain and every name below it in DNS, TLS SNI and HTTP Host', () => {
    const rules = parseRuleFile(render([indicator('domain', 'evil.example')]).text);
    assert.deepEqual(rules.map((r) => r.protocol), ['dns', 'tls', 'http']);
    const keywords = rules.map((r) => r.options.map((o) => o.keyword).filter((k) => !['msg', 'metadata', 'sid', 'rev', 'flow'].includes(k)));
    assert.deepEqual(keywords, [
      ['dns.query', 'dotprefix', 'content', 'nocase', 'endswith'],
      ['tls.sni', 'dotprefix', 'content', 'nocase', 'endswith'],
      ['http.host', 'dotprefix', 'content', 'endswith'],
    ]);
    for (const rule of rules) assert.equal(option(rule, 'content')[0]!.quoted, '.evil.example');
  });

  it('matches a host name exactly, by buffer size', () => {
    const [dns] = parseRuleFile(render([indicator('hostname', 'a.b.evil.example')]).text);
    assert.equal(option(dns!, 'content')[0]!.quoted, 'a.b.evil.example');
    assert.equal(option(dns!, 'bsize')[0]!.value, '16');
    assert.equal(option(dns!, 'dotprefix').length, 0);
  });

  it('matches an HTTP URL by host and exact URI, the fragment dropped', () => {
    const [rule] = parseRuleFile(render([indicator('url', 'http://evil.example:8080/gate.php?id=1;x|y#top')]).text);
    assert.equal(rule!.destinationPort, '8080');
    assert.deepEqual(
      rule!.options.filter((o) => !['msg', 'metadata', 'sid', 'rev'].includes(o.keyword)).map((o) => (o.value === undefined ? o.keyword : `${o.keyword}:${o.value}`)),
      ['flow:established,to_server', 'http.host', 'content:"evil.example"', 'bsize:12', 'http.uri', 'content:"/gate.php?id=1|3B|x|7C|y"', 'bsize:18'],
    );
  });

  it('puts the server address in the header for a URL on an IP, and reads escaped paths raw', () => {
    const [rule] = parseRuleFile(render([indicator('url', 'http://[2001:db8::5]/a%2fb')]).text);
    assert.equal(rule!.destination, '2001:db8::5');
    assert.deepEqual(option(rule!, 'http.uri.raw').length, 1);
    assert.equal(option(rule!, 'http.host').length, 0);
  });

  it('writes TLS fingerprints and skips URLs no HTTP rule can see', () => {
    const { text, skipped } = render([
      indicator('ja3', 'e7d705a3286e19ea42f587b344ee6865'),
      indicator('x509-sha1', 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'),
      indicator('url', 'ftp://evil.example/x'),
    ]);
    const rules = parseRuleFile(text);
    assert.deepEqual(rules.map((r) => option(r, 'content')[0]!.quoted), ['e7d705a3286e19ea42f587b344ee6865', 'a9:4a:8f:e5:cc:b1:9b:a6:1c:4c:08:73:d3:91:e9:87:98:2f:bb:d3']);
    assert.equal(skipped, 1);
  });

  it('gives a value the same sid in every export, whatever else is exported', () => {
    const a = parseRuleFile(render([indicator('ipv4', '192.0.2.1'), indicator('domain', 'evil.example')]).text);
    const b = parseRuleFile(render([indicator('domain', 'other.example'), indicator('domain', 'evil.example'), indicator('ipv4', '192.0.2.1')]).text);
    assert.equal(sid(a[0]!), sid(b[6]!));
    assert.deepEqual(a.slice(1).map(sid), b.slice(3, 6).map(sid));
    const sids = b.map(sid);
    assert.equal(new Set(sids).size, sids.length);
    for (const value of sids) assert.ok(value >= 9_000_000 && value < 1_009_000_000);
  });

  it('places sids above sid-base and refuses a bad one', () => {
    const rules = parseRuleFile(render([indicator('ipv4', '192.0.2.1')], { 'sid-base': '4294967290' }).text);
    assert.ok(sid(rules[0]!) >= 4294967290 && sid(rules[0]!) <= 4294967295);
    for (const bad of ['0', '-1', '1e6', 'x', '4294967296']) {
      assert.throws(() => render([], { 'sid-base': bad }), { code: 'TIX_CONFIG_BAD_OPTION', field: 'sid-base' });
    }
    // six sids fit between 4294967290 and the 32-bit limit; the seventh cannot
    const many = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5', '192.0.2.6'].map((ip) => indicator('ipv4', ip));
    assert.equal(parseRuleFile(render(many, { 'sid-base': '4294967290' }).text).length, 6);
    assert.throws(() => render([...many, indicator('ipv4', '192.0.2.7')], { 'sid-base': '4294967290' }), { code: 'TIX_CONFIG_BAD_OPTION' });
  });

  it('never lets a hostile value, malware name or source out of its quotes', () => {
    const paths = ['/a";sid:1;rev:1;)', '/x;y|z|', '/é/ü', '/(\\)', '/%22%3B', '/a{b}^`c', "/'\";alert ip any any -> any any (sid:2;)"];
    const urls = paths.map((path) => normalise(`http://evil.example${path}`, 'url')).filter((r) => r.ok).map((r) => r.value);
    assert.ok(urls.length >= 4, 'most hostile paths are still URLs');
    const hostileText = ['x";sid:1;', 'a\\', 'line\nbreak', 'semi;colon', 'pipe|', 'ümlaut', ')'];
    const input = [
      ...urls.map((value) => indicator('url', value, { malware: hostileText, sources: hostileText })),
      indicator('domain', 'evil.example', { malware: hostileText, sources: hostileText }),
    ];
    const { text, skipped } = render(input);
    assert.equal(skipped, 0);
    const rules = parseRuleFile(text);
    assert.equal(rules.length, urls.length + 3);
    for (const rule of rules) {
      assert.equal(option(rule, 'sid').length, 1);
      assert.equal(option(rule, 'msg').length, 1);
      assert.equal(option(rule, 'metadata').length, 1);
      assert.ok(unescapeQuoted(option(rule, 'msg')[0]!.quoted!).startsWith('tix '));
    }
    // each URI content matches exactly the bytes of the listed path
    urls.forEach((url, i) => {
      const uri = url.slice('http://evil.example'.length).replace(/#.*/, '');
      const contents = option(rules[i]!, 'content');
      assert.deepEqual(contentBytes(contents[1]!.quoted!), Buffer.from(uri, 'utf8'));
    });
  });

  it('skips values that are not in canonical form instead of quoting them', () => {
    const { text, skipped } = render([
      indicator('domain', 'evil.example";sid:1;'),
      indicator('hostname', 'x.example\nalert ip any any -> any any (sid:1;)'),
      indicator('ipv4', '1.2.3.4 any (sid:1;) #'),
      indicator('cidr', '10.0.0.1/8'),
      indicator('url', 'hxxp://evil[.]example/'),
    ]);
    assert.equal(body(text).length, 0);
    assert.equal(skipped, 5);
  });

  it('names the producer in a comment that cannot break a line', () => {
    const exporter = suricata.createExporter({ now: NOW, producer: { name: 'A\nalert ip any any -> any any (sid:1;)' }, options: {} });
    const header = exporter.begin();
    assert.equal(header.split('\n').length, 2);
    assert.match(header, /^# Suricata rules exported by tix for A\?alert .* at 2025-01-01T00:00:00\.000Z\n$/);
  });
});
