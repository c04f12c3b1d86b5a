import type { DocumentFormat } from '../format.ts';
import { detectMisp } from './detect.ts';
import { createMispParser } from './parse.ts';

/**
 * MISP events (JSON) in any of the three shapes MISP and PyMISP write:
 * `{"response":[{"Event":…}]}` (restSearch), `{"Event":…}` (event export,
 * feed files) and a bare event object. Attributes and objects' attributes
 * become observations; see README in this folder for the mapping.
 */
export const misp: DocumentFormat = {
  id: 'misp',
  title: 'MISP event (JSON)',
  kind: 'exchange',
  reads: 'document',
  detect: (head) => detectMisp(head),
  createParser: (ctx, sink) => createMispParser(ctx, sink),
};

export { mispExport } from './export.ts';
export { createMispFeedWriter } from './feed-writer.ts';
export type { FeedWrite, MispFeedGrouping, MispFeedOptions, MispFeedWriter } from './feed-writer.ts';
export { readMispFeedHashes, readMispFeedManifest } from './feed-manifest.ts';
export type { MispFeedEntry, MispFeedHashes, MispFeedManifest } from './feed-manifest.ts';
// what other areas build MISP with (research reports as events): tix types as MISP attribute types
export { EXPORT_TYPES } from './types.ts';
