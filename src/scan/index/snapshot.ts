import { createHash } from 'node:crypto';
import { InputError } from '../../errors.ts';
import type { Warninglist } from '../../enrich/warninglists.ts';
import { allBlocks, BLOCK_PREFIXES, BLOCK_WORDS, blockPrefix, type IndexInfo, type IndexParts } from './intel-index.ts';
import { fromWholeHashes, type TableArrays } from './table.ts';

/**
 * The portable intel snapshot: the matching index's typed arrays as they lie
 * in memory, plus the metadata a report needs, behind a content hash that is
 * checked on every load.
 *
 *   "TIXSNAP\x01"  u32 header length  u32 0  header JSON  padding to 8
 *   body: sections, each padded to 8 (so typed arrays view them in place)
 *
 * Version 4 sizes its address blocks to the addresses (a /16 to a /24 each,
 * see AddressBlocks), where version 3 kept a /16 each. Version 3 folds each
 * key's shape into its fingerprint (table.ts); version 2 keeps the table's
 * 16-bit fingerprints of the hash alone and its filter; version 1 kept whole
 * 32-bit hashes, from which both are derived on load. All four load.
 *
 * The header names each section's offset and length within the body and the
 * body's SHA-256; the body holds everything else, the JSON facts included, so
 * the hash covers all that a scan relies on. The header itself is outside the
 * hash, so a loader accepts only the one layout a writer makes: the sections
 * in SECTION_ORDER, each where the one before ends (padded to 8), the last
 * ending the body, each the size its content calls for. Otherwise a changed
 * header could point a section at other hashed bytes (swap two sections of
 * the same size, say) and the hash would still match.
 */
const MAGIC = Buffer.from('TIXSNAP\x01', 'latin1');

/** What a snapshot says about itself. */
export interface SnapshotFacts {
  createdAt: string;
  /** The tix that wrote it. */
  tool: string;
  /** The filters it was exported with, as given. */
  filters: Record<string, string>;
  indicators: number;
}

interface SnapshotHeader {
  format: 'tix-snapshot';
  version: 1 | 2 | 3 | 4;
  sha256: string;
  sections: Array<{ name: string; offset: number; length: number }>;
}

/** The versions this tix reads; it writes the last. */
const SNAPSHOT_VERSIONS: ReadonlyArray<SnapshotHeader['version']> = [1, 2, 3, 4];

const pad8 = (n: number): number => (n + 7) & ~7;

/** Every section a snapshot of any version may hold, in the order writers lay them out. */
const SECTION_ORDER = ['info', 'warninglists', 'hashes', 'fingerprints', 'filter', 'values', 'dir', 'arena', 'cidrGroups', 'cidrNets', 'cidrValues', 'ipv4Blocks', 'ipPortBlocks'];

/** Why a header's sections are not laid out as a writer lays them out, or undefined when they are. */
function layoutProblem(sections: SnapshotHeader['sections'], bodyLength: number): string | undefined {
  let offset = 0;
  let order = -1;
  for (const section of sections) {
    const { name, offset: at, length } = section ?? {};
    const rank = SECTION_ORDER.indexOf(name);
    if (rank < 0) return `an unknown section ${JSON.stringify(name)}`;
    if (rank <= order) return `section ${name} is out of order`;
    if (!Number.isSafeInteger(length) || length < 0 || at !== offset) return `section ${name} is not where the section before it ends`;
    order = rank;
    offset += pad8(length);
  }
  return offset === bodyLength ? undefined : `the sections end at byte ${offset} of a ${bodyLength}-byte body`;
}

/** The named sections of a snapshot, in file order. */
export function sectionsOf(parts: IndexParts, facts: SnapshotFacts, warninglists: readonly Warninglist[]): Array<[string, Uint8Array]> {
  const bytes = (array: ArrayBufferView): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return [
    ['info', Buffer.from(JSON.stringify({ info: parts.info, facts }), 'utf8')],
    ['warninglists', Buffer.from(JSON.stringify(warninglists), 'utf8')],
    ['fingerprints', bytes(parts.table.fingerprints)],
    ['filter', bytes(parts.table.filter)],
    ['values', bytes(parts.table.values)],
    ['dir', bytes(parts.table.dir)],
    ['arena', bytes(parts.table.arena)],
    ['cidrGroups', bytes(parts.cidr.groups)],
    ['cidrNets', bytes(parts.cidr.nets)],
    ['cidrValues', bytes(parts.cidr.values)],
    ['ipv4Blocks', bytes(parts.blocks.ipv4)],
    ['ipPortBlocks', bytes(parts.blocks.ipPort)],
  ];
}

/** The snapshot as a list of buffers to write one after the other, and its id (the body's SHA-256). */
export function encodeSnapshot(parts: IndexParts, facts: SnapshotFacts, warninglists: readonly Warninglist[] = []): { chunks: Uint8Array[]; id: string } {
  return encodeSections(sectionsOf(parts, facts, warninglists), SNAPSHOT_VERSIONS.at(-1)!);
}

/** Named sections laid out as a snapshot of a given version (the older version only to test that it still loads). */
export function encodeSections(sections: Array<[string, Uint8Array]>, version: SnapshotHeader['version']): { chunks: Uint8Array[]; id: string } {
  const hash = createHash('sha256');
  const body: Uint8Array[] = [];
  const layout: SnapshotHeader['sections'] = [];
  let offset = 0;
  for (const [name, data] of sections) {
    layout.push({ name, offset, length: data.byteLength });
    const padding = new Uint8Array(pad8(data.byteLength) - data.byteLength);
    body.push(data, padding);
    hash.update(data);
    hash.update(padding);
    offset += pad8(data.byteLength);
  }
  const id = hash.digest('hex');
  const header: SnapshotHeader = { format: 'tix-snapshot', version, sha256: id, sections: layout };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(pad8(16 + headerBytes.length));
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(prefix, 16);
  return { chunks: [prefix, ...body], id };
}

/** The bytes of an IndexParts' content, hashed as a snapshot would hash them: an id for intel read from a store. */
export function contentId(parts: IndexParts, facts: SnapshotFacts): string {
  return encodeSnapshot(parts, facts).id;
}

/**
 * Reads a snapshot from its bytes (a SharedArrayBuffer lets scan threads
 * share it without copies): checks magic, header and content hash, and
 * returns views onto the same memory.
 */
export function decodeSnapshot(bytes: Uint8Array, file: string, verify = true): { parts: IndexParts; facts: SnapshotFacts; warninglists: Warninglist[]; id: string } {
  const bad = (message: string): InputError => new InputError('TIX_SNAPSHOT_INVALID', `${file}: ${message}`, { file });
  if (bytes.byteLength < 16 || !Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(MAGIC)) throw bad('not a tix intel snapshot');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (16 + headerLength > bytes.byteLength) throw bad('the header is cut short');
  let header: SnapshotHeader;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 16, headerLength).toString('utf8')) as SnapshotHeader;
  } catch {
    throw bad('the header is not JSON');
  }
  if (header.format !== 'tix-snapshot' || !Array.isArray(header.sections)) throw bad('the header is not a tix snapshot header');
  if (!SNAPSHOT_VERSIONS.includes(header.version)) {
    throw bad(`snapshot version ${JSON.stringify(header.version)} is not one this tix reads (${SNAPSHOT_VERSIONS[0]} to ${SNAPSHOT_VERSIONS.at(-1)}); a newer tix may have written it`);
  }
  const bodyStart = bytes.byteOffset + pad8(16 + headerLength);
  const body = new Uint8Array(bytes.buffer, bodyStart, Math.max(0, bytes.byteOffset + bytes.byteLength - bodyStart));
  const layout = layoutProblem(header.sections, body.byteLength);
  if (layout) throw bad(`the header's layout is not a snapshot's (${layout}): the file is damaged or was altered`);
  if (verify) {
    const digest = createHash('sha256').update(body).digest('hex');
    if (digest !== header.sha256) throw bad(`content hash mismatch (the file is damaged or was altered): header says ${header.sha256.slice(0, 16)}…, content is ${digest.slice(0, 16)}…`);
  }
  const section = (name: string): { offset: number; length: number } => {
    const found = header.sections.find((s) => s.name === name);
    if (!found || found.offset % 8 !== 0 || found.offset + found.length > body.byteLength) throw bad(`section ${name} is missing or out of bounds`);
    return found;
  };
  const u32 = (name: string): Uint32Array<ArrayBufferLike> => {
    const s = section(name);
    if (s.length % 4 !== 0) throw bad(`section ${name} is not whole 32-bit words`);
    return new Uint32Array(body.buffer, body.byteOffset + s.offset, s.length / 4);
  };
  const infoSection = section('info');
  const { info, facts } = JSON.parse(Buffer.from(body.buffer, body.byteOffset + infoSection.offset, infoSection.length).toString('utf8')) as { info: IndexInfo; facts: SnapshotFacts };
  const dir = u32('dir');
  if (dir.length < 2 || dir.length % 2 !== 0) throw bad('section dir is not a bucket directory');
  const keys = dir[dir.length - 2]!;
  const exact = (name: string, bytes: number): void => {
    if (section(name).length !== bytes) throw bad(`section ${name} is ${section(name).length} bytes where its content calls for ${bytes}`);
  };
  // the numbers beside the keys are 16 or 32 bits wide, as many bytes per key as the section says
  const values = (): Uint16Array<ArrayBufferLike> | Uint32Array<ArrayBufferLike> => {
    const s = section('values');
    if (keys > 0 && s.length === keys * 4) return new Uint32Array(body.buffer, body.byteOffset + s.offset, keys);
    if (s.length !== keys * 2) throw bad(`section values is ${s.length} bytes for ${keys} keys (2 or 4 a key)`);
    return new Uint16Array(body.buffer, body.byteOffset + s.offset, keys);
  };
  const keyed = (): Pick<TableArrays, 'fingerprints' | 'filter' | 'shaped'> => {
    if (header.version === 1) return fromWholeHashes(u32('hashes'));
    const s = section('fingerprints');
    exact('fingerprints', keys * 2);
    const filter = u32('filter');
    if (filter.length === 0) throw bad('section filter is empty');
    return { fingerprints: new Uint16Array(body.buffer, body.byteOffset + s.offset, keys), filter, shaped: header.version >= 3 };
  };
  const lists = section('warninglists');
  const warninglists = JSON.parse(Buffer.from(body.buffer, body.byteOffset + lists.offset, lists.length).toString('utf8')) as Warninglist[];
  const arena = section('arena');
  exact('arena', dir[dir.length - 1]!);
  exact('cidrValues', section('cidrNets').length);
  // snapshots written before the address blocks have none: every bit set turns nothing away
  const hasBlocks = header.sections.some((s) => s.name === 'ipv4Blocks');
  const blocks = hasBlocks ? { ipv4: u32('ipv4Blocks'), ipPort: u32('ipPortBlocks') } : allBlocks();
  for (const [name, words] of [['ipv4Blocks', blocks.ipv4.length], ['ipPortBlocks', blocks.ipPort.length]] as const) {
    const sized = header.version >= 4 ? blockPrefix(words) !== undefined : words === BLOCK_WORDS;
    if (!sized) throw bad(`section ${name} is ${words * 4} bytes, not the blocks of a /${header.version >= 4 ? `${BLOCK_PREFIXES.min} to a /${BLOCK_PREFIXES.max}` : BLOCK_PREFIXES.min}`);
  }
  return {
    warninglists,
    parts: {
      table: { ...keyed(), values: values(), dir, arena: new Uint8Array(body.buffer, body.byteOffset + arena.offset, arena.length) },
      cidr: { groups: u32('cidrGroups'), nets: u32('cidrNets'), values: u32('cidrValues') },
      blocks,
      info,
    },
    facts,
    id: header.sha256,
  };
}
