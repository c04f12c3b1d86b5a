import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv4Number, portNumber } from './keys.ts';

describe('in-place parsing of the values a connection log composes', () => {
  it('reads a canonical IPv4 address inside a longer text, and nothing else', () => {
    assert.equal(ipv4Number('10.0.0.1'), 0x0a000001);
    assert.equal(ipv4Number('198.51.100.7:443', 0, 12), (198 << 24 >>> 0) + (51 << 16) + (100 << 8) + 7);
    for (const [text, end] of [['010.0.0.1', 9], ['1.2.3.256', 9], ['1.2.3', 5], ['1.2.3.4.5', 9], ['1.2.3.4:80', 10]] as const) assert.equal(ipv4Number(text, 0, end), -1, text);
  });

  it('reads a canonical port after the colon: 1 to 65535, no leading zero, digits only', () => {
    assert.equal(portNumber('1.2.3.4:443', 8), 443);
    assert.equal(portNumber('1.2.3.4:65535', 8), 65535);
    for (const text of ['1.2.3.4:', '1.2.3.4:0', '1.2.3.4:080', '1.2.3.4:65536', '1.2.3.4:123456', '1.2.3.4:8a', '1.2.3.4:+80']) assert.equal(portNumber(text, 8), -1, text);
  });
});
