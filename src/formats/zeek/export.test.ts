import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Indicator, IndicatorType } from '../../model/index.ts';
import { zeek } from './export.ts';

const NOW = Date.UTC(2025, 0, 1);
const HEADER = '#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url';

function indicator(type: IndicatorType, value: string, extra: Partial<Indicator> = {}): Indicator {
  return { type, value, firstSeen: NOW, lastSeen: NOW, sources: ['feodo'], threatTypes: ['c2'], malware: ['Pikabot'], tlp: 'amber', confidence: 75, status: 'active', addedAt: NOW, ...extra };
}

function render(indicators: Indicator[]): { lines: string[]; skipped: number } {
  const exporter = zeek.createExporter({ now: NOW, producer: { name: 'p' }, options: {} });
  const text = exporter.begin() + indicators.map((i) => exporter.indicator(i)).join('') + exporter.end();
  assert.ok(text.endsWith('\n'));
  return { lines: text.slice(0, -1).split('\n'), skipped: exporter.skipped?.() ?? 0 };
}

/** The input framework's reading of a data line: five tab-separated fields, \xNN undone, `-` unset. */
function read(line: string): Array<string | undefined> {
  const fields = line.split('\t');
  assert.equal(fields.length, 5, line);
  return fields.map((field) => (field === '-' ? undefined : field.replace(/\\x([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))));
}

describe('zeek export', () => {
  it('writes the intel header and one line per indicator and source', () => {
    const { lines } = render([indicator('ipv4', '192.0.2.1', { sources: ['feodo', 'threatfox'] })]);
    assert.deepEqual(lines, [
      HEADER,
      '192.0.2.1\tIntel::ADDR\tfeodo\tPikabot c2 tlp:amber confidence:75\t-',
      '192.0.2.1\tIntel::ADDR\tthreatfox\tPikabot c2 tlp:amber confidence:75\t-',
    ]);
  });

  it('maps each type to its Intel::Type', () => {
    const input: Array<[IndicatorType, string, string]> = [
      ['ipv6', '2001:db8::1', 'Intel::ADDR'],
      ['cidr', '198.51.100.0/24', 'Intel::SUBNET'],
      ['domain', 'evil.example', 'Intel::DOMAIN'],
      ['hostname', 'a.evil.example', 'Intel::DOMAIN'],
      ['email', 'boss@evil.example', 'Intel::EMAIL'],
      ['md5', 'd41d8cd98f00b204e9800998ecf8427e', 'Intel::FILE_HASH'],
      ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'Intel::FILE_HASH'],
      ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'Intel::FILE_HASH'],
      ['x509-sha1', 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', 'Intel::CERT_HASH'],
      ['filename', 'invoice.pdf.exe', 'Intel::FILE_NAME'],
    ];
    const { lines } = render(input.map(([type, value]) => indicator(type, value)));
    assert.deepEqual(lines.slice(1).map((line) => read(line).slice(0, 2)), input.map(([, value, type]) => [value, type]));
  });

  it('writes URLs as HTTP::build_url does: no scheme, the port unless 80, no fragment', () => {
    const urls = ['http://evil.example/gate.php?a=1', 'http://evil.example:8080/x', 'https://evil.example/x#frag', 'http://[2001:db8::1]:81/'];
    const { lines, skipped } = render([...urls, 'ftp://evil.example/x'].map((url) => indicator('url', url)));
    assert.deepEqual(lines.slice(1).map((line) => read(line)[0]), ['evil.example/gate.php?a=1', 'evil.example:8080/x', 'evil.example:443/x', '[2001:db8::1]:81/']);
    assert.equal(skipped, 1);
  });

  it('keeps tabs, line breaks and backslashes of free text inside their field', () => {
    const hostile = 'a\tb\nc\\x09d';
    const { lines } = render([indicator('domain', 'evil.example', { malware: [hostile], sources: ['x\ty', '-', '(empty)', ''] })]);
    assert.equal(lines.length, 5);
    const rows = lines.slice(1).map(read);
    // an empty source name still names one: meta.source may not be unset
    assert.deepEqual(rows.map((row) => row[2]), ['x\ty', '-', '(empty)', 'tix']);
    assert.equal(rows[0]![3], `${hostile} c2 tlp:amber confidence:75`);
  });

  it('skips values the reader would take for a header, and non-canonical ones', () => {
    const { lines, skipped } = render([
      indicator('filename', '#fields'),
      indicator('domain', 'evil.example\t-\tx'),
      indicator('ipv4', '192.0.2.01'),
      indicator('sha512', 'a'.repeat(128)),
    ]);
    assert.deepEqual(lines, [HEADER]);
    assert.equal(skipped, 4);
  });
});
