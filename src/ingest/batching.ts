/**
 * When a batch of values goes to the store, on the parser thread and on the writer's own thread alike, so
 * that both read an input into the same batches. Small enough that a batch's objects die young (a
 * 50,000-row batch outlived the young generation: garbage collection then cost a ThreatFox CSV load a fifth
 * of its time and 140 MB more memory); large enough that each write's fixed cost is spread thin.
 */
export interface BatchLimits {
  /** Values. */
  rows: number;
  /**
   * Bytes of line input: a CSV's long lines made a batch of a few thousand rows a megabyte of text, which
   * the parser thread built, and the writer read, well out of the processor's caches (one 256 KiB chunk a
   * batch took a tenth off a ThreatFox load).
   */
  bytes: number;
}

export const BATCH_LIMITS: BatchLimits = { rows: 5_000, bytes: 256 * 1024 };

/** A batch ends at the end of a chunk of input once it holds this many values or was read from this much input. */
export function batchIsFull(rows: number, bytes: number, limits: BatchLimits): boolean {
  return rows >= limits.rows || bytes >= limits.bytes;
}
