import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseText } from '../../../test/helpers/parse-file.ts';
import type { Indicator, IndicatorType } from '../../model/index.ts';
import { csvExport } from './export.ts';

const FIRST = Date.UTC(2024, 2, 1, 12, 30);
const LAST = Date.UTC(2024, 5, 2, 8, 0, 5);

function indicator(type: IndicatorType, value: string, extra: Partial<Indicator> = {}): Indicator {
  return {
    type,
    value,
    firstSeen: FIRST,
    lastSeen: LAST,
    sources: ['feodo', 'threatfox'],
    threatTypes: ['c2', 'botnet'],
    malware: ['Pikabot'],
    tlp: 'amber+strict',
    confidence: 90,
    status: 'active',
    addedAt: FIRST,
    ...extra,
  };
}

function render(indicators: Indicator[]): string {
  const exporter = csvExport.createExporter({ now: LAST, producer: { name: 'p' }, options: {} });
  return exporter.begin() + indicators.map((i) => exporter.indicator(i)).join('') + exporter.end();
}

/** RFC 4180, strictly: CRLF records, quoted fields with "" escapes, nothing after a closing quote. */
function readRfc4180(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let at = 0;
  for (;;) {
    let field = '';
    if (text[at] === '"') {
      at++;
      for (;;) {
        const quote = text.indexOf('"', at);
        assert.ok(quote >= 0, 'unterminated quoted field');
        field += text.slice(at, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          at = quote + 2;
        } else {
          at = quote + 1;
          break;
        }
      }
    } else {
      const end = text.slice(at).search(/[,\r\n"]/);
      assert.ok(end < 0 || text[at + end] !== '"', 'a quote inside an unquoted field');
      field = end < 0 ? text.slice(at) : text.slice(at, at + end);
      at = end < 0 ? text.length : at + end;
    }
    record.push(field);
    if (text[at] === ',') {
      at++;
      continue;
    }
    assert.equal(text.slice(at, at + 2), '\r\n', `record ends with CRLF at ${at}`);
    records.push(record);
    record = [];
    at += 2;
    if (at === text.length) return records;
  }
}

describe('csv export', () => {
  it('writes a header and one row per indicator', () => {
    assert.equal(
      render([indicator('ipv4', '192.0.2.1'), indicator('domain', 'evil.example', { confidence: undefined, malware: [], threatTypes: [], sources: ['a'] })]),
      'type,value,first_seen,last_seen,status,tlp,confidence,sources,malware,threat_types\r\n' +
        'ipv4,192.0.2.1,2024-03-01T12:30:00.000Z,2024-06-02T08:00:05.000Z,active,amber+strict,90,feodo;threatfox,Pikabot,c2;botnet\r\n' +
        'domain,evil.example,2024-03-01T12:30:00.000Z,2024-06-02T08:00:05.000Z,active,amber+strict,,a,,\r\n',
    );
  });

  it('quotes cells with commas, quotes and line breaks as RFC 4180 says', () => {
    const text = render([indicator('filename', 'a,b"c.exe', { malware: ['line\nbreak', 'x'], sources: ['cr\rsource'] })]);
    const records = readRfc4180(text);
    assert.equal(records.length, 2);
    assert.deepEqual(records[1]!.slice(0, 2), ['filename', 'a,b"c.exe']);
    assert.deepEqual(records[1]!.slice(7, 9), ['cr\rsource', 'line\nbreak;x']);
  });

  it('makes a cell that a spreadsheet would run as a formula plain text', () => {
    const hostile = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", '-2+3', '@SUM(A1:A2)', '\t=1'];
    const records = readRfc4180(render(hostile.map((value) => indicator('filename', value, { malware: [value], sources: [value] }))));
    for (const [i, value] of hostile.entries()) {
      const row = records[i + 1]!;
      for (const cell of [row[1], row[7], row[8]]) assert.equal(cell, `'${value}`);
    }
    // ordinary values are untouched
    assert.equal(readRfc4180(render([indicator('ipv6', '2001:db8::1')]))[1]![1], '2001:db8::1');
  });

  it('reads back through tix csv import with the same types, values and dates', async () => {
    const input = [
      indicator('ipv4', '192.0.2.1'),
      indicator('url', 'http://evil.example/gate.php?a=1,2'),
      indicator('sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
    ];
    const parsed = await parseText('csv', render(input).replaceAll('\r\n', '\n'), {}, 'export.csv');
    assert.deepEqual(parsed.issues, []);
    assert.deepEqual(
      parsed.accepted.map((o) => [o.type, o.value, o.firstSeen, o.lastSeen, o.confidence]),
      input.map((i) => [i.type, i.value, FIRST, LAST, 90]),
    );
  });
});
