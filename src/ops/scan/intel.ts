import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Warninglist } from '../../enrich/warninglists.ts';
import { InputError } from '../../errors.ts';
import { patternIndicators } from '../../pattern/index.ts';
import { IntelIndex, IntelIndexBuilder, type IndexParts } from '../../scan/index/intel-index.ts';
import { contentId, decodeSnapshot, type SnapshotFacts } from '../../scan/index/snapshot.ts';
import type { IntelFacts } from '../../scan/report.ts';
import type { Clearance } from '../../policy/index.ts';
import type { IndicatorQuery, Store } from '../../store/store.ts';

/** Indicators read from the store per page. */
const PAGE = 5_000;

export interface LoadedIntel {
  index: IntelIndex;
  /** Warninglists that came with the intel (a snapshot carries the store's). */
  warninglists: Warninglist[];
  facts: IntelFacts;
  snapshot: SnapshotFacts;
}

/** Memory that worker threads can share without copies. */
export const sharedAlloc = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);

/**
 * Builds the matching index from every active indicator of the store that
 * `query` selects, and the STIX pattern indicators beside them; with
 * `query.clearance`, only what that reader may read goes in (the store
 * applies it inside both queries), so nothing else can hit.
 */
export async function buildFromStore(store: Store, query: Omit<IndicatorQuery, 'limit' | 'after'>, facts: Omit<SnapshotFacts, 'indicators'>): Promise<{ parts: IndexParts; snapshot: SnapshotFacts }> {
  const builder = new IntelIndexBuilder();
  let after: string | undefined;
  let count = 0;
  for (;;) {
    const page = await store.search({ ...query, limit: PAGE, ...(after ? { after } : {}) });
    for (const indicator of page.items) {
      builder.add(indicator.type, indicator.value, {
        sources: indicator.sources,
        tlp: indicator.tlp,
        malware: indicator.malware,
        threatTypes: indicator.threatTypes,
        ...(indicator.confidence === undefined ? {} : { confidence: indicator.confidence }),
      });
      count++;
    }
    if (!page.next) break;
    after = page.next;
  }
  count += await addPatterns(store, builder, query.now, query.clearance);
  return { parts: builder.build(sharedAlloc), snapshot: { ...facts, indicators: count } };
}

/**
 * STIX indicators whose patterns cannot be reduced to values (their values
 * are in the index already): kept whole, for the matcher to evaluate on each
 * record. Revoked and expired ones are left out.
 */
async function addPatterns(store: Store, builder: IntelIndexBuilder, now: number, clearance: Clearance | undefined): Promise<number> {
  let added = 0;
  let after: string | undefined;
  for (;;) {
    const page = await store.listObjects({ types: ['indicator'], limit: 1000, ...(clearance ? { clearance } : {}), ...(after ? { after } : {}) });
    for (const { object, source, tlp } of page.items) {
      const indicator = object as { id: string; pattern?: unknown; pattern_type?: unknown; name?: unknown; revoked?: unknown; valid_until?: unknown; confidence?: unknown };
      if (typeof indicator.pattern !== 'string' || (indicator.pattern_type !== undefined && indicator.pattern_type !== 'stix')) continue;
      if (indicator.revoked === true) continue;
      if (typeof indicator.valid_until === 'string' && Date.parse(indicator.valid_until) < now) continue;
      let complex: boolean;
      try {
        complex = patternIndicators(indicator.pattern).complex;
      } catch {
        // a pattern that does not parse was reported when it was imported
        continue;
      }
      if (!complex) continue;
      builder.addPattern(indicator.id, indicator.pattern, {
        sources: [source],
        tlp,
        malware: [],
        threatTypes: [],
        ...(typeof indicator.confidence === 'number' ? { confidence: indicator.confidence } : {}),
      }, typeof indicator.name === 'string' ? indicator.name : undefined);
      added++;
    }
    if (!page.next) return added;
    after = page.next;
  }
}

export function intelFromParts(parts: IndexParts, snapshot: SnapshotFacts, origin: string, warninglists: Warninglist[], id = contentId(parts, snapshot)): LoadedIntel {
  return {
    index: new IntelIndex(parts),
    warninglists,
    facts: { id, createdAt: snapshot.createdAt, indicators: snapshot.indicators, origin },
    snapshot,
  };
}

/** Reads a snapshot file into shared memory and checks its content hash. */
export function loadSnapshot(path: string): LoadedIntel {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError('TIX_INPUT_UNREADABLE', `${path}: ${(error as Error).message}`, { file: path });
  }
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const { parts, facts, warninglists, id } = decodeSnapshot(bytes.subarray(0, read), path);
    return intelFromParts(parts, facts, `snapshot ${path}`, warninglists, id);
  } finally {
    closeSync(fd);
  }
}
