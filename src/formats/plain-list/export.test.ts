import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseText } from '../../../test/helpers/parse-file.ts';
import type { Indicator, IndicatorType } from '../../model/index.ts';
import { plainListExport } from './export.ts';

const NOW = Date.UTC(2025, 0, 1);

function indicator(type: IndicatorType, value: string): Indicator {
  return { type, value, firstSeen: NOW, lastSeen: NOW, sources: ['s'], threatTypes: [], malware: [], tlp: 'clear', status: 'active', addedAt: NOW };
}

function render(indicators: Indicator[]): { text: string; skipped: number } {
  const exporter = plainListExport.createExporter({ now: NOW, producer: { name: 'p' }, options: {} });
  const text = exporter.begin() + indicators.map((i) => exporter.indicator(i)).join('') + exporter.end();
  return { text, skipped: exporter.skipped?.() ?? 0 };
}

const SAMPLE = [
  indicator('ipv4', '192.0.2.1'),
  indicator('ip-port', '[2001:db8::1]:443'),
  indicator('url', 'http://evil.example/a b'.replace(' ', '%20')),
  indicator('domain', 'evil.example'),
  indicator('sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
];

describe('plain-list export', () => {
  it('writes one value per line and nothing else', () => {
    assert.equal(render(SAMPLE).text, `${SAMPLE.map((i) => i.value).join('\n')}\n`);
    assert.equal(render([]).text, '');
  });

  it('never splits a value across lines', () => {
    const { text, skipped } = render([indicator('filename', 'a\nb'), indicator('filename', 'c\rd'), indicator('domain', 'evil.example')]);
    assert.equal(text, 'evil.example\n');
    assert.equal(skipped, 2);
  });

  it('reads back through tix plain-list import as the same values and types', async () => {
    const parsed = await parseText('plain-list', render(SAMPLE).text);
    assert.deepEqual(parsed.issues, []);
    assert.deepEqual(parsed.accepted.map((o) => [o.type, o.value]), SAMPLE.map((i) => [i.type, i.value]));
  });
});
