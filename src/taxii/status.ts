import type { Issue } from '../model/index.ts';
import type { AccessStore } from '../store/access.ts';
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
 * only, kept `ttlMs` (§4.3: SHOULD be queryable for at least 24 hours). They
 * live in the store: every server of it answers for a status, and a restart
 * forgets none.
 */
export class StatusBook {
  constructor(
    private readonly store: Pick<AccessStore, 'saveStatus' | 'findStatus'>,
    private readonly ttlMs: number,
  ) {}

  async put(resource: StatusResource, org: number, at: number): Promise<void> {
    await this.store.saveStatus({ id: resource.id, org, at, body: JSON.stringify(resource) }, at - this.ttlMs);
  }

  /** The status if it exists, has not expired and is this organisation's. */
  async get(id: string, org: number, now: number): Promise<StatusResource | undefined> {
    const body = await this.store.findStatus(id, org, now - this.ttlMs);
    return body === undefined ? undefined : (JSON.parse(body) as StatusResource);
  }
}
