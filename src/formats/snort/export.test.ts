import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Indicator, IndicatorType } from '../../model/index.ts';
import { normalise } from '../../normalise/index.ts';
import { snort } from './export.ts';
import { contentBytes, option, parseRuleFile, unescapeQuoted } from './rule-grammar.contract.ts';

const NOW = Date.UTC(2025, 0, 1);

function indicator(type: IndicatorType, value: string, extra: Partial<Indicator> = {}): Indicator {
  return { type, value, firstSeen: NOW, lastSeen: NOW, sources: ['feodo'], threatTypes: ['c2'], malware: [], tlp: 'green', status: 'active', addedAt: NOW, ...extra };
}

function render(indicators: Indicator[], options: Record<string, string> = {}): { text: string; skipped: number } {
  const exporter = snort.createExporter({ now: NOW, producer: { name: 'CERT-Test' }, options });
  const text = exporter.begin() + indicators.map((i) => exporter.indicator(i)).join('') + exporter.end();
  return { text, skipped: exporter.skipped?.() ?? 0 };
}

/** A rule's options other than msg, metadata, sid and rev, as written. */
const matchOptions = (text: string): string[][] =>
  parseRuleFile(text).map((rule) =>
    rule.options.filter((o) => !['msg', 'metadata', 'sid', 'rev'].includes(o.keyword)).map((o) => (o.value === undefined ? o.keyword : `${o.keyword}:${o.value}`)),
  );

describe('snort export', () => {
  it('writes address rules the same way in both versions', () => {
    for (const version of ['2', '3']) {
      const rules = parseRuleFile(render([indicator('ipv4', '192.0.2.1'), indicator('ip-port', '192.0.2.1:4443')], { version }).text);
      assert.deepEqual(rules.map((r) => `${r.protocol} ${r.destination} ${r.destinationPort}`), ['ip 192.0.2.1 any', 'tcp 192.0.2.1 4443']);
    }
  });

  it('matches a domain and the names below it in wire form on UDP 53, a host name at the question offset', () => {
    const indicators = [indicator('domain', 'evil.example'), indicator('hostname', 'www.evil.example')];
    assert.deepEqual(matchOptions(render(indicators).text), [
      ['content:"|04|evil|07|example|00|"', 'nocase'],
      ['content:"|03|www|04|evil|07|example|00|"', 'offset:12', 'depth:18', 'nocase'],
    ]);
    assert.deepEqual(matchOptions(render(indicators, { version: '3' }).text), [
      ['content:"|04|evil|07|example|00|",nocase'],
      ['content:"|03|www|04|evil|07|example|00|",offset 12,depth 18,nocase'],
    ]);
    const [rule] = parseRuleFile(render(indicators).text);
    assert.equal(`${rule!.protocol} ${rule!.destination} ${rule!.destinationPort}`, 'udp any 53');
    assert.deepEqual(contentBytes(option(rule!, 'content')[0]!.quoted!), Buffer.from('\x04evil\x07example\x00', 'latin1'));
  });

  it('matches a URL by exact URI and Host header in Snort 2 syntax', () => {
    const { text } = render([indicator('url', 'http://evil.example:8080/gate.php?a=1;b')]);
    const [rule] = parseRuleFile(text);
    assert.equal(`${rule!.protocol} ${rule!.destination} ${rule!.destinationPort}`, 'tcp $EXTERNAL_NET 8080');
    assert.deepEqual(matchOptions(text)[0], [
      'flow:established,to_server',
      'content:"/gate.php?a=1|3B|b"',
      'depth:15',
      'http_uri',
      'urilen:15',
      'content:"Host|3A 20|evil.example:8080|0D 0A|"',
      'nocase',
      'http_header',
    ]);
  });

  it('matches a URL with sticky buffers in Snort 3 syntax', () => {
    const { text } = render([indicator('url', 'https://evil.example/a%20b'), indicator('url', 'http://192.0.2.1/x')], { version: '3' });
    assert.deepEqual(matchOptions(text), [
      ['flow:established,to_server', 'http_raw_uri', 'content:"/a%20b",depth 6', 'bufferlen:6', 'http_header:field host', 'content:"evil.example",depth 12,nocase', 'bufferlen:12'],
      ['flow:established,to_server', 'http_uri', 'content:"/x",depth 2', 'bufferlen:2'],
    ]);
    assert.equal(parseRuleFile(text)[1]!.destination, '192.0.2.1');
  });

  it('refuses a version it does not write', () => {
    assert.throws(() => render([], { version: '4' }), { code: 'TIX_CONFIG_BAD_OPTION', field: 'version' });
  });

  it('never lets a hostile value, malware name or source out of its quotes', () => {
    const hostile = ['x";sid:1;', 'a\\', 'line\nbreak', 'semi;colon', 'pipe|', ')'];
    const urls = ['/a";sid:1;)', '/x;y|z|', '/é', '/(x)'].map((path) => normalise(`http://evil.example${path}`, 'url')).filter((r) => r.ok).map((r) => r.value);
    for (const version of ['2', '3']) {
      const input = [...urls, 'evil.example'].map((value) => indicator(value.includes('/') ? 'url' : 'domain', value, { malware: hostile, sources: hostile }));
      input.push(indicator('domain', 'evil.example";sid:1;'), indicator('ipv4', '1.2.3.4 any (sid:1;)'));
      const { text, skipped } = render(input, { version });
      const rules = parseRuleFile(text);
      assert.equal(rules.length, urls.length + 1);
      assert.equal(skipped, 2);
      for (const rule of rules) {
        assert.equal(option(rule, 'sid').length, 1);
        assert.match(unescapeQuoted(option(rule, 'msg')[0]!.quoted!), /^tix (url|domain) /);
      }
    }
  });
});
