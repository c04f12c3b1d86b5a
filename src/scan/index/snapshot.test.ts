import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldKind } from '../record.ts';
import { blocksOf, IntelIndex, IntelIndexBuilder, type ReportMeta } from './intel-index.ts';
import { ByteScreen } from './screen.ts';
import { decodeSnapshot, encodeSections, encodeSnapshot, sectionsOf } from './snapshot.ts';
import { hashBytes, tableEntries } from './table.ts';

const facts = { createdAt: '2026-11-23T10:00:00.000Z', tool: 'tix test', filters: { source: 'feodo' }, indicators: 3 };

function build(metaCount: number): IntelIndexBuilder {
  const builder = new IntelIndexBuilder();
  builder.add('ipv4', '192.9.135.73', { sources: ['feodo'], tlp: 'clear', malware: ['Pikabot'], threatTypes: ['c2'], confidence: 75 });
  builder.add('cidr', '5.63.151.0/24', { sources: ['maltrail'], tlp: 'clear', malware: [], threatTypes: ['scanner'] });
  for (let i = 0; i < metaCount; i++) builder.add('hostname', `h${i}.evil.example.com`, { sources: [`s${i}`], tlp: 'amber', malware: [], threatTypes: [] });
  return builder;
}

function roundTrip(builder: IntelIndexBuilder): { index: IntelIndex; bytes: Uint8Array; id: string } {
  const { chunks, id } = encodeSnapshot(builder.build(), facts, [{ id: 'rfc1918', name: 'RFC 1918', description: '', version: 5, type: 'cidr', entries: ['10.0.0.0/8'], matchingAttributes: ['ip-src'] }]);
  const bytes = new Uint8Array(Buffer.concat(chunks));
  const decoded = decodeSnapshot(bytes, 'intel.tixsnap');
  assert.equal(decoded.id, id);
  assert.deepEqual(decoded.facts, facts);
  assert.equal(decoded.warninglists[0]!.id, 'rfc1918');
  return { index: new IntelIndex(decoded.parts), bytes, id };
}

const popcount = (word: number): number => {
  let n = 0;
  for (let w = word >>> 0; w; w &= w - 1) n++;
  return n;
};

describe('intel snapshot', () => {
  it('round-trips the index, its metadata and warninglists (16-bit numbers)', () => {
    const { index } = roundTrip(build(10));
    assert.equal(index.parts.table.shaped, true, 'fingerprints that fold in the keys\' shapes');
    const hit = index.ip('192.9.135.73')!;
    assert.deepEqual(index.meta(hit.meta).malware, ['Pikabot']);
    assert.equal(index.ip('5.63.151.9')!.indicator, '5.63.151.0/24');
    assert.equal(index.host('x.h7.evil.example.com')!.indicator, 'h7.evil.example.com');
    assert.deepEqual(index.meta(index.host('h7.evil.example.com')!.meta).sources, ['s7']);
  });

  it('round-trips the address blocks, one bit per /16 holding an IPv4 or ip:port indicator', () => {
    const builder = build(1);
    builder.add('ip-port', '45.9.148.10:4444', { sources: ['threatfox'], tlp: 'clear', malware: [], threatTypes: ['c2'] });
    builder.add('ip-port', '[2001:db8::1]:443', { sources: ['threatfox'], tlp: 'clear', malware: [], threatTypes: ['c2'] });
    const { index } = roundTrip(builder);
    const set = (blocks: Uint32Array<ArrayBufferLike>): string[] =>
      Array.from({ length: 65536 }, (_, block) => block).filter((block) => (blocks[block >>> 5]! >>> (block & 31)) & 1).map((block) => `${block >>> 8}.${block & 255}`);
    assert.deepEqual(set(index.parts.blocks.ipv4), ['192.9']);
    assert.deepEqual(set(index.parts.blocks.ipPort), ['45.9']);
    assert.equal(index.nearIpv4(0xc0098749), true);
    assert.equal(index.nearIpv4(0xc00a0001), false, '192.10.0.1');
    assert.equal(index.nearIpPort(0x2d090001), true, '45.9.0.1');
  });

  it('sizes the address blocks to the addresses: finer blocks for more of them, down to a /24', () => {
    const meta: ReportMeta = { sources: ['feed'], tlp: 'clear', malware: [], threatTypes: ['c2'] };
    const builder = build(1);
    // 100,000 addresses spread over the space (and 192.9.135.73): about 8 bits each is 2^20 bits, a bit per /20
    const twenties = new Set([0xc0098749 >>> 12]);
    for (let i = 0; i < 100_000; i++) {
      const ip = (Math.imul(i + 1, 0x9e3779b1) >>> 0) | 1;
      twenties.add(ip >>> 12);
      builder.add('ipv4', `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`, meta);
    }
    builder.add('ip-port', '45.9.148.10:4444', meta);
    const { index, bytes } = roundTrip(builder);
    const header = JSON.parse(Buffer.from(bytes.subarray(16, 16 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true))).toString('utf8')) as { version: number };
    assert.equal(header.version, 4);
    assert.equal(index.parts.blocks.ipv4.length, 2 ** 15, 'one bit per /20');
    assert.equal(index.parts.blocks.ipPort.length, 2 ** 11, 'one ip:port address: a bit per /16');
    const set = [...index.parts.blocks.ipv4].reduce((sum, word) => sum + popcount(word), 0);
    assert.equal(set, twenties.size, 'a bit for each /20 that holds an address');
    for (const twenty of [...twenties].slice(0, 1000)) assert.equal(index.nearIpv4(twenty << 12), true);
    assert.equal(index.nearIpv4(0xc0098749), true, '192.9.135.73');
    // 192.9.135.73's /16 holds it; its other /20s are turned away unless a spread address lies there too
    const sameSixteen = Array.from({ length: 16 }, (_, k) => 0xc0090001 + (k << 12)).filter((ip) => !index.nearIpv4(ip));
    assert.ok(sameSixteen.length >= 10, `${sameSixteen.length} of the 16 /20s of 192.9.0.0/16 turned away`);
    for (const ip of sameSixteen) assert.equal(index.ip(`${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`), undefined);
    const screen = new ByteScreen(index);
    const text = '192.9.135.73';
    assert.equal(screen.value('ip', new TextEncoder().encode(text), 0, text.length), true);
    // blocks finer than a /24 are never made: 2 MB at most
    assert.equal(blocksOf(Uint32Array.from({ length: 3_000_000 }, (_, i) => i * 1021)).length, 2 ** 19);
    assert.equal(blocksOf(new Uint32Array(0)).length, 2 ** 11, 'no address: a /16 each, all clear');
  });

  it('refuses address blocks of a size no writer makes, and /16 blocks alone before version 4', () => {
    const parts = build(10).build();
    const load = (version: 3 | 4, words: number): unknown => {
      const sections = sectionsOf(parts, facts, []).map(([name, data]): [string, Uint8Array] => [name, name === 'ipv4Blocks' ? new Uint8Array(words * 4) : data]);
      return decodeSnapshot(new Uint8Array(Buffer.concat(encodeSections(sections, version).chunks)), `v${version}.tixsnap`);
    };
    assert.ok(load(3, 2048), 'a version-3 snapshot with its /16 blocks');
    assert.ok(load(4, 2 ** 19), 'a version-4 snapshot with /24 blocks');
    assert.throws(() => load(3, 4096), /section ipv4Blocks is 16384 bytes, not the blocks of a \/16$/);
    assert.throws(() => load(4, 3000), /section ipv4Blocks is 12000 bytes, not the blocks of a \/16 to a \/24/);
    assert.throws(() => load(4, 2 ** 20), /not the blocks of a \/16 to a \/24/);
  });

  it('round-trips 32-bit numbers when more than 65,535 metadata records are shared', () => {
    const { index } = roundTrip(build(70_000));
    assert.deepEqual(index.meta(index.host('h69999.evil.example.com')!.meta).sources, ['s69999']);
  });

  it('refuses a changed byte, a foreign file and a cut header', () => {
    const { bytes } = roundTrip(build(10));
    const changed = new Uint8Array(bytes);
    changed[changed.length - 3]! ^= 1;
    assert.throws(() => decodeSnapshot(changed, 'x.tixsnap'), (error: Error & { code?: string }) => error.code === 'TIX_SNAPSHOT_INVALID' && /content hash mismatch/.test(error.message));
    assert.throws(() => decodeSnapshot(new TextEncoder().encode('{"type":"bundle"}'), 'x.json'), /not a tix intel snapshot/);
    assert.throws(() => decodeSnapshot(bytes.subarray(0, 20), 'x.tixsnap'), /cut short/);
    const newer = Buffer.from(bytes);
    const at = newer.indexOf('"version":4');
    newer.write('"version":9', at);
    assert.throws(() => decodeSnapshot(new Uint8Array(newer), 'newer.tixsnap'), (error: Error & { code?: string }) =>
      error.code === 'TIX_SNAPSHOT_INVALID' && error.message === 'newer.tixsnap: snapshot version 9 is not one this tix reads (1 to 4); a newer tix may have written it');
  });

  it('refuses a header that lays the hashed sections out otherwise, though the content hash still matches', () => {
    const builder = build(10);
    builder.add('cidr', '45.9.148.0/24', { sources: ['maltrail'], tlp: 'clear', malware: [], threatTypes: ['scanner'] });
    const { bytes } = roundTrip(builder);
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const header = JSON.parse(Buffer.from(bytes.subarray(16, 16 + headerLength)).toString('utf8')) as { sections: Array<{ name: string; offset: number; length: number }> };
    const body = bytes.subarray((16 + headerLength + 7) & ~7);
    // the same body behind a header changed by `edit`
    const withHeader = (edit: (sections: Array<{ name: string; offset: number; length: number }>) => void): Uint8Array => {
      const changed = structuredClone(header);
      edit(changed.sections);
      const text = Buffer.from(JSON.stringify(changed), 'utf8');
      const prefix = Buffer.alloc((16 + text.length + 7) & ~7);
      Buffer.from(bytes.subarray(0, 8)).copy(prefix, 0);
      prefix.writeUInt32LE(text.length, 8);
      text.copy(prefix, 16);
      return new Uint8Array(Buffer.concat([prefix, body]));
    };
    assert.equal(decodeSnapshot(withHeader(() => {}), 'same.tixsnap').parts.cidr.nets.length, 2, 'the header written again as it was loads');
    const refused = (edit: (sections: Array<{ name: string; offset: number; length: number }>) => void, why: RegExp): void => {
      assert.throws(() => decodeSnapshot(withHeader(edit), 'x.tixsnap'), (error: Error & { code?: string }) => error.code === 'TIX_SNAPSHOT_INVALID' && why.test(error.message) && /damaged or was altered|calls for|bytes for/.test(error.message), why.source);
    };
    const named = (sections: Array<{ name: string }>, name: string): number => sections.findIndex((section) => section.name === name);
    // two sections of the same size, names swapped: the networks would be read as their metadata numbers and back
    refused((sections) => {
      const [nets, values] = [named(sections, 'cidrNets'), named(sections, 'cidrValues')];
      [sections[nets]!.name, sections[values]!.name] = [sections[values]!.name, sections[nets]!.name];
    }, /out of order/);
    refused((sections) => void (sections[named(sections, 'cidrNets')]!.offset += 8), /not where the section before it ends/);
    refused((sections) => void (sections[named(sections, 'arena')]!.length -= 1), /arena is \d+ bytes where its content calls for/);
    refused((sections) => void sections.pop(), /the sections end at byte/);
    refused((sections) => void (sections[0]!.name = 'extra'), /an unknown section "extra"/);
  });

  it('loads a first-version snapshot, which kept whole 32-bit key hashes instead of fingerprints and a filter', () => {
    const parts = build(10).build();
    const encoder = new TextEncoder();
    const whole = Uint32Array.from([...tableEntries(parts.table)].map((entry) => hashBytes(entry.tag, encoder.encode(entry.text))));
    // the sections of today, with whole hashes where the fingerprints and the filter are
    const sections = sectionsOf(parts, facts, []).flatMap(([name, data]): Array<[string, Uint8Array]> => {
      if (name === 'fingerprints') return [['hashes', new Uint8Array(whole.buffer)]];
      return name === 'filter' || name.endsWith('Blocks') ? [] : [[name, data]];
    });
    const { chunks, id } = encodeSections(sections, 1);
    const decoded = decodeSnapshot(new Uint8Array(Buffer.concat(chunks)), 'old.tixsnap');
    assert.equal(decoded.id, id);
    assert.equal(decoded.parts.table.shaped, false, 'fingerprints of the hash alone');
    assert.deepEqual([...decoded.parts.table.fingerprints], [...whole].map((h) => h & 0xffff));
    assert.deepEqual([...decoded.parts.table.filter], [...parts.table.filter]);
    const index = new IntelIndex(decoded.parts);
    assert.equal(index.ip('192.9.135.73')!.indicator, '192.9.135.73');
    assert.equal(index.host('a.h3.evil.example.com')!.indicator, 'h3.evil.example.com');
    assert.equal(index.host('h3.good.example.com'), undefined);
    // written before the address blocks: every bit set, so the screen turns no address away on them
    assert.equal(decoded.parts.blocks.ipv4.every((word) => word === 0xffffffff), true);
    assert.equal(index.nearIpv4(0x0a000001) && index.nearIpPort(0x0a000001), true);
  });

  it('loads a second-version snapshot, whose fingerprints are of the hash alone, and screens with it', () => {
    const parts = build(10).build();
    const encoder = new TextEncoder();
    const unshaped = Uint16Array.from([...tableEntries(parts.table)], (entry) => hashBytes(entry.tag, encoder.encode(entry.text)) & 0xffff);
    assert.notDeepEqual([...unshaped], [...parts.table.fingerprints], 'version 3 folds the shapes in');
    const sections = sectionsOf(parts, facts, []).map(([name, data]): [string, Uint8Array] => [name, name === 'fingerprints' ? new Uint8Array(unshaped.buffer) : data]);
    const decoded = decodeSnapshot(new Uint8Array(Buffer.concat(encodeSections(sections, 2).chunks)), 'v2.tixsnap');
    assert.equal(decoded.parts.table.shaped, false);
    const index = new IntelIndex(decoded.parts);
    assert.equal(index.ip('192.9.135.73')!.indicator, '192.9.135.73');
    assert.equal(index.host('a.h3.evil.example.com')!.indicator, 'h3.evil.example.com');
    const screen = new ByteScreen(index);
    const value = (kind: FieldKind, text: string): boolean => screen.value(kind, encoder.encode(text), 0, text.length);
    assert.equal(value('ip', '192.9.135.73'), true);
    assert.equal(value('host', 'a.h3.evil.example.com'), true);
    assert.equal(value('host', 'h3.good.example.com'), false);
  });
});
