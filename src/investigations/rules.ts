import { InputError, TixError } from '../errors.ts';
import type { OrgKind } from '../policy/index.ts';

/**
 * The rules of investigations, requests for information and outcomes, as
 * pure functions: who may open an investigation, who sees one, how a request
 * moves from open to answered, declined or closed, when it is overdue, and
 * what a reported false positive does to a value's confidence.
 */

/** Only police organisations open investigations. */
export const POLICE_KINDS: readonly OrgKind[] = ['international-police', 'regional-police', 'national-police'];

export function mayOpenInvestigation(kind: OrgKind): boolean {
  return POLICE_KINDS.includes(kind);
}

/** Everything in an investigation is read by its members alone (the opening organisation is one), whatever the items' own TLP. */
export function isMember(org: number, investigation: { org: number; members: readonly number[] }): boolean {
  return investigation.org === org || investigation.members.includes(org);
}

export const RFI_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type RfiPriority = (typeof RFI_PRIORITIES)[number];

export const RFI_STATUSES = ['open', 'answered', 'declined', 'closed'] as const;
export type RfiStatus = (typeof RFI_STATUSES)[number];

/** What a party does to a request: the recipient answers or declines; the requester comments, or closes it. */
export type RfiAction = 'answer' | 'decline' | 'comment' | 'close' | 'reopen';

export interface RfiParties {
  status: RfiStatus;
  /** The organisation that asked. */
  from: number;
  /** The organisation asked. */
  to: number;
}

/**
 * The state machine of a request:
 * - open → answered (the recipient answers; it may answer again while answered, adding to the thread)
 * - open → declined (the recipient declines, with a reason)
 * - open, answered, declined → closed (the requester closes it); closed → open (the requester reopens it)
 * - either party comments while it is not closed.
 * Anything else is refused with TIX_RFI_NOT_OPEN (a closed or declined request) or TIX_RFI_NOT_PARTY.
 */
export function nextRfiStatus(rfi: RfiParties, actor: number, action: RfiAction): RfiStatus {
  const recipient = actor === rfi.to;
  const requester = actor === rfi.from;
  if (!recipient && !requester) throw new TixError('TIX_RFI_NOT_PARTY', 'only the requesting and the asked organisation act on a request');
  switch (action) {
    case 'answer':
    case 'decline':
      if (!recipient) throw new TixError('TIX_RFI_NOT_PARTY', `only the organisation asked may ${action} a request`);
      if (rfi.status === 'closed' || rfi.status === 'declined') throw new TixError('TIX_RFI_NOT_OPEN', `the request is ${rfi.status}; it can no longer be ${action === 'answer' ? 'answered' : 'declined'}`);
      if (action === 'decline' && rfi.status !== 'open') throw new TixError('TIX_RFI_NOT_OPEN', `the request is ${rfi.status}; only an open request can be declined`);
      return action === 'answer' ? 'answered' : 'declined';
    case 'comment':
      if (rfi.status === 'closed') throw new TixError('TIX_RFI_NOT_OPEN', 'the request is closed');
      return rfi.status;
    case 'close':
      if (!requester) throw new TixError('TIX_RFI_NOT_PARTY', 'only the requesting organisation closes a request');
      if (rfi.status === 'closed') throw new TixError('TIX_RFI_NOT_OPEN', 'the request is already closed');
      return 'closed';
    case 'reopen':
      if (!requester) throw new TixError('TIX_RFI_NOT_PARTY', 'only the requesting organisation reopens a request');
      if (rfi.status !== 'closed') throw new TixError('TIX_RFI_NOT_OPEN', `the request is ${rfi.status}, not closed`);
      return 'open';
  }
}

/** A request still waiting for its answer after its due date. */
export function isOverdue(rfi: { status: RfiStatus; dueAt?: number }, now: number): boolean {
  return rfi.status === 'open' && rfi.dueAt !== undefined && now > rfi.dueAt;
}

/** A due date must lie after the moment of asking. */
export function checkDueDate(dueAt: number | undefined, now: number): void {
  if (dueAt !== undefined && dueAt <= now) throw new InputError('TIX_INPUT_BAD_FIELD', 'the due date has passed already', { field: 'dueAt', value: new Date(dueAt).toISOString() });
}

export const OUTCOME_KINDS = ['takedown', 'arrest', 'site-removed', 'false-positive', 'confirmed', 'other'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** Each false positive reported by a distinct organisation halves what is left of a value's confidence. */
export const FALSE_POSITIVE_FACTOR = 0.5;

/**
 * A source's confidence in a value as its readers' feedback qualifies it: the
 * source's own figure is never changed; this is the figure shown beside it.
 * Only false positives lower it, one step per reporting organisation.
 */
export function confidenceAfterFeedback(confidence: number | undefined, outcomes: ReadonlyArray<{ kind: OutcomeKind; org: number }>): number | undefined {
  if (confidence === undefined) return undefined;
  const reporters = new Set(outcomes.filter((outcome) => outcome.kind === 'false-positive').map((outcome) => outcome.org)).size;
  return Math.round(confidence * FALSE_POSITIVE_FACTOR ** reporters);
}
