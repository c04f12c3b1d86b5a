import type { Issue } from '../model/index.ts';
import { taxiiTimestamp } from './time.ts';

/** One object of a POST as the status names it (§4.3.2). */
export interface StatusDetail {
  id: string;
  version?: string;
  message?: string;
}

/** The status resource of §4.3.1. tix imports a POST before it answers, so it is always `complete`. */
export interface StatusResource {
  id: string;
  status: 'complete';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: 0;
  successes?: StatusDetail[];
  failures?: StatusDetail[];
}

/** The issue codes that mean the STIX reader skipped an object (others, like an unknown custom type, keep it). */
const SKIPPED = new Set(['TIX_STIX_INVALID', 'TIX_JSON_SYNTAX', 'TIX_STIX_VERSION']);

/** The objects of a POST the STIX reader refused, by position in the envelope, with its reason. */
export function failuresOf(issues: readonly Issue[]): Map<number, string> {
  const failed = new Map<number, string>();
  for (const issue of issues) {
    const index = /^objects\[(\d+)\]/.exec(issue.field ?? '')?.[1];
    if (index === undefined || issue.severity !== 'error' || !SKIPPED.has(issue.code) || failed.has(Number(index))) continue;
    failed.set(Number(index), issue.message);
  }
  return failed;
}

/** How a status names a posted object: its id and version as posted, cut to a sane length (the body is the client's). */
function detailOf(object: unknown): StatusDetail {
  const { id, modified, created } = (typeof object === 'object' && object !== null ? object : {}) as Record<string, unknown>;
  const version = typeof modified === 'string' ? modified : typeof created === 'string' ? created : undefined;
  return { id: typeof id === 'string' ? id.slice(0, 300) : '(no id)', ...(version ? { version: version.slice(0, 40) } : {}) };
}

/** The status of a POST: every object either a success or a failure with its reason; no empty lists (§2). */
export function statusOf(id: string, requestedAt: number, objects: readonly unknown[], failed: ReadonlyMap<number, string>): StatusResource {
  const successes = objects.flatMap((object, index) => (failed.has(index) ? [] : [detailOf(object)]));
  const failures = objects.flatMap((object, index) => (failed.has(index) ? [{ ...detailOf(object), message: failed.get(index)! }] : []));
  return {
    id,
    status: 'complete',
    request_timestamp: taxiiTimestamp(requestedAt),
    total_count: objects.length,
    success_count: successes.length,
    failure_count: failures.length,
    pending_count: 0,
    ...(successes.length ? { successes } : {}),
    ...(failures.length ? { failures } : {}),
  };
}

/**
 * The statuses of recent POSTs, each readable by the poster's organisation
 * only, kept `ttlMs` (§4.3: SHOULD be queryable for at least 24 hours) while
 * they fit: at most `capacity` objects named across all statuses (a status
 * weighs one plus its objects), the oldest going first, the newest always
 * kept. Held in memory: a restart forgets them, and their ids then answer
 * 404 like expired ones.
 */
export class StatusBook {
  private readonly entries = new Map<string, { resource: StatusResource; org: number; at: number; weight: number }>();
  private weight = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  put(resource: StatusResource, org: number, at: number): void {
    const weight = 1 + resource.total_count;
    for (const [id, entry] of this.entries) {
      // insertion order is time order
      if (entry.at >= at - this.ttlMs && this.weight + weight <= this.capacity) break;
      this.entries.delete(id);
      this.weight -= entry.weight;
    }
    this.entries.set(resource.id, { resource, org, at, weight });
    this.weight += weight;
  }

  /** The status if it exists, has not expired and is this organisation's. */
  get(id: string, org: number, now: number): StatusResource | undefined {
    const entry = this.entries.get(id);
    return entry && entry.org === org && entry.at >= now - this.ttlMs ? entry.resource : undefined;
  }
}
