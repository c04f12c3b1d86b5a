import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntelIndex, IntelIndexBuilder } from './index/intel-index.ts';
import { RecordMatcher } from './match.ts';
import { jsonlFinding, renderCsv, renderHtml, renderJsonl } from './render.ts';
import { ReportBuilder, iso } from './report.ts';

describe('scan report', () => {
  const builder = new IntelIndexBuilder();
  builder.add('ipv4', '192.168.1.1', { sources: ['feed'], tlp: 'clear', malware: [], threatTypes: ['c2'] });
  builder.add('url', 'http://evil.example/gate.php', { sources: ['urls'], tlp: 'green', malware: ['Bot'], threatTypes: ['c2'], confidence: 90 });
  const index = new IntelIndex(builder.build());
  const matcher = new RecordMatcher(index);
  const at = (iso: string): number => Date.parse(iso);

  function build(benign: boolean) {
    const report = new ReportBuilder(index, benign ? (type, value) => (type === 'ipv4' && value.startsWith('192.168.') ? ['rfc1918'] : []) : undefined);
    const file = { path: 'a.log', size: 1, sha256: 'ab', format: 'zeek-json', compressed: false, lines: 3, hits: 0, weakHits: 0, knownBenign: 0, problems: 0 };
    report.add('a.log', matcher.match({ line: 1, time: at('2024-05-02T00:00:00Z'), values: [{ field: 'id.resp_h', kind: 'ip', value: '192.168.1.1' }] }), file);
    report.add('a.log', matcher.match({ line: 2, time: at('2024-05-01T00:00:00Z'), values: [{ field: 'url', kind: 'url', value: 'http://evil.example/gate.php' }] }), file);
    report.add('a.log', matcher.match({ line: 3, time: at('2024-05-03T00:00:00Z'), values: [{ field: 'url', kind: 'url', value: 'http://evil.example/other' }, { field: 'id.resp_h', kind: 'ip', value: '192.168.1.1' }] }), file);
    report.file(file);
    return { built: report.build({ id: 'x'.repeat(64), createdAt: '2024-06-01T00:00:00.000Z', indicators: 2, origin: 'test' }, '0.1.0', at('2024-06-02T00:00:00Z'), at('2024-06-02T00:00:05Z')), file };
  }

  it('verdicts, per-file counts, and per-indicator counts with first and last time in the evidence', () => {
    const { built, file } = build(true);
    assert.deepEqual(built.findings.map((f) => `${f.line}:${f.verdict}`), ['1:known-benign', '2:hit', '3:weak-hit', '3:known-benign']);
    assert.deepEqual([file.hits, file.weakHits, file.knownBenign], [1, 1, 2]);
    const benign = built.indicators.find((s) => s.indicator === '192.168.1.1')!;
    assert.deepEqual([benign.count, benign.firstTime, benign.lastTime], [2, '2024-05-02T00:00:00.000Z', '2024-05-03T00:00:00.000Z']);
    assert.deepEqual(built.indicators.map((s) => s.verdict), ['hit', 'weak-hit', 'known-benign'], 'hits first');
  });

  it('without warninglists the private address is a hit', () => {
    assert.ok(build(false).built.findings.filter((f) => f.value === '192.168.1.1').every((f) => f.verdict === 'hit'));
  });

  it('a JSON line of a finding is its object as JSON.stringify writes it, the kind in front', () => {
    const { built } = build(true);
    const odd = { ...built.findings[1]!, value: 'http://evil.example/"quoted"\\\n\u2028é', file: 'dir\\a "b".log' };
    const findings = [...built.findings, odd];
    assert.ok(findings.some((f) => f.time && f.confidence !== undefined) && findings.some((f) => f.warninglists), 'every optional key met');
    // twice: the second time from the metadata written once
    for (const finding of [...findings, ...findings]) assert.equal(jsonlFinding(finding), `{"kind":"finding",${JSON.stringify(finding).slice(1)}\n`);
  });

  it('JSON lines: one object per finding, then the summary with the chain of custody; CSV neutralises formulas; HTML escapes', () => {
    const { built } = build(true);
    const lines = renderJsonl(built).trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.filter((l) => l.kind === 'finding').length, 4);
    assert.deepEqual(Object.keys(lines[0]).slice(0, 7), ['kind', 'file', 'line', 'field', 'value', 'indicator', 'indicatorType']);
    assert.equal(lines.at(-1).kind, 'summary');
    assert.equal(lines.at(-1).files[0].sha256, 'ab');
    built.findings[0]!.value = '=HYPERLINK("x")';
    assert.match(renderCsv(built), /"'=HYPERLINK\(""x""\)"/);
    built.findings[0]!.value = '<script>alert(1)</script>';
    assert.doesNotMatch(renderHtml(built), /<script>/);
  });
});

describe('report times', () => {
  it('writes every time as Date.toISOString does', () => {
    const times = [0, 1, 999, 1000, 59_999, 60_000, 1_763_892_000_048, 1_763_892_059_999, 946_684_799_999, 253_402_300_799_999, -1, 253_402_300_800_000, 1.5, -62_198_755_200_000];
    for (let ms = 1_700_000_000_000; ms < 1_700_000_000_000 + 200_000; ms += 997) times.push(ms);
    for (const ms of times) assert.equal(iso(ms), new Date(ms).toISOString(), String(ms));
    assert.equal(iso(undefined), undefined);
    assert.equal(iso(Number.NaN), undefined);
    assert.equal(iso(8.65e15), undefined, 'beyond what a Date holds');
  });
});
