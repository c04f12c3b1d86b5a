import type { Warninglist } from '../enrich/warninglists.ts';

export type { Warninglist, WarninglistType } from '../enrich/warninglists.ts';
export { WARNINGLIST_TYPES } from '../enrich/warninglists.ts';

/** The warninglist part of the Store. */
export interface WarninglistStore {
  /** Adds or replaces lists by id, all at once (one transaction). */
  putWarninglists(lists: readonly Warninglist[], now: number): Promise<void>;
  listWarninglists(): Promise<Warninglist[]>;
}
