import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Indicator, IndicatorType } from '../../model/index.ts';
import { suricataDataset } from './dataset.ts';

const NOW = Date.UTC(2025, 0, 1);

function indicator(type: IndicatorType, value: string): Indicator {
  return { type, value, firstSeen: NOW, lastSeen: NOW, sources: ['s'], threatTypes: [], malware: [], tlp: 'clear', status: 'active', addedAt: NOW };
}

function render(type: string | undefined, indicators: Indicator[]) {
  const exporter = suricataDataset.createExporter({ now: NOW, producer: { name: 'p' }, options: type === undefined ? {} : { type } });
  const text = exporter.begin() + indicators.map((i) => exporter.indicator(i)).join('') + exporter.end();
  return { text, skipped: exporter.skipped?.() ?? 0 };
}

const SAMPLE = [
  indicator('domain', 'evil.example'),
  indicator('hostname', 'a.evil.example'),
  indicator('ipv4', '192.0.2.1'),
  indicator('ipv6', '2001:db8::1'),
  indicator('md5', 'd41d8cd98f00b204e9800998ecf8427e'),
  indicator('sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
  indicator('x509-sha1', 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'),
  indicator('filename', 'invoice,\u00e9.exe'),
];

describe('suricata-dataset export', () => {
  it('writes names as base64, one per line, as the dataset file format reads strings', () => {
    const { text, skipped } = render('domain,hostname', SAMPLE);
    assert.equal(text, 'ZXZpbC5leGFtcGxl\nYS5ldmlsLmV4YW1wbGU=\n');
    assert.deepEqual(text.trim().split('\n').map((line) => Buffer.from(line, 'base64').toString()), ['evil.example', 'a.evil.example']);
    assert.equal(skipped, SAMPLE.length - 2);
  });

  it('writes file hashes as hex and addresses as text', () => {
    assert.equal(render('sha256', SAMPLE).text, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n');
    assert.equal(render('md5', SAMPLE).text, 'd41d8cd98f00b204e9800998ecf8427e\n');
    assert.equal(render('ipv4', SAMPLE).text, '192.0.2.1\n');
    assert.equal(render('ipv4,ipv6', SAMPLE).text, '192.0.2.1\n2001:db8::1\n');
  });

  it('base64-encodes a value that holds the comma or bytes a line could not', () => {
    const { text } = render('filename', SAMPLE);
    assert.match(text, /^[A-Za-z0-9+/]+=*\n$/);
    assert.equal(Buffer.from(text.trim(), 'base64').toString('utf8'), 'invoice,\u00e9.exe');
  });

  it('writes certificate SHA-1s as tls.cert_fingerprint shows them', () => {
    const { text } = render('x509-sha1', SAMPLE);
    assert.equal(Buffer.from(text.trim(), 'base64').toString(), 'a9:4a:8f:e5:cc:b1:9b:a6:1c:4c:08:73:d3:91:e9:87:98:2f:bb:d3');
  });

  it('asks for type= and refuses types one dataset cannot hold together', () => {
    assert.throws(() => render(undefined, []), (error: Error & { code?: string; field?: string }) => {
      assert.equal(error.code, 'TIX_CONFIG_BAD_OPTION');
      assert.equal(error.field, 'type');
      assert.match(error.message, /a dataset holds one kind of value; say which with --option type=TYPE/);
      return true;
    });
    assert.throws(() => render('url', []), /"url" cannot be a dataset value/);
    assert.throws(() => render('md5,sha256', []), /need different dataset types \(md5, sha256\)/);
    assert.throws(() => render('domain,ipv4', []), /export them to separate files/);
  });
});
