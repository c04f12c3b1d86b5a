import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Indicator, IndicatorType } from '../../model/index.ts';
import { hosts } from './export.ts';

const NOW = Date.UTC(2025, 0, 1);

function indicator(type: IndicatorType, value: string): Indicator {
  return { type, value, firstSeen: NOW, lastSeen: NOW, sources: ['s'], threatTypes: [], malware: [], tlp: 'clear', status: 'active', addedAt: NOW };
}

function render(indicators: Indicator[], options: Record<string, string> = {}): { text: string; skipped: number } {
  const exporter = hosts.createExporter({ now: NOW, producer: { name: 'CERT\n127.0.0.1 bank.example' }, options });
  const text = exporter.begin() + indicators.map((i) => exporter.indicator(i)).join('') + exporter.end();
  return { text, skipped: exporter.skipped?.() ?? 0 };
}

describe('hosts export', () => {
  it('points each domain and host name at 0.0.0.0, one per line', () => {
    const { text } = render([indicator('domain', 'evil.example'), indicator('hostname', 'xn--80ak6aa92e.evil.example')]);
    assert.equal(
      text,
      '# hosts file exported by tix for CERT?127.0.0.1 bank.example at 2025-01-01T00:00:00.000Z\n0.0.0.0 evil.example\n0.0.0.0 xn--80ak6aa92e.evil.example\n',
    );
  });

  it('takes another address, and refuses one that is not an address', () => {
    assert.match(render([indicator('domain', 'evil.example')], { address: '::' }).text, /\n:: evil\.example\n$/);
    for (const address of ['localhost', '0.0.0.0 bank.example', '00.0.0.0', '']) {
      assert.throws(() => render([], { address }), { code: 'TIX_CONFIG_BAD_OPTION', field: 'address' });
    }
  });

  it('writes a hostile value never, and nothing but names', () => {
    const { text, skipped } = render([
      indicator('domain', 'evil.example 127.0.0.1 bank.example'),
      indicator('hostname', 'evil.example\n127.0.0.1 bank.example'),
      indicator('domain', 'evil.example#'),
      indicator('url', 'http://evil.example/'),
      indicator('ipv4', '192.0.2.1'),
    ]);
    assert.equal(text.split('\n').length, 2);
    assert.equal(skipped, 5);
  });
});
