import type { RfiPriority } from '../investigations/rules.ts';

/** What happened to a request for information that its other party should hear of. */
export type RfiEvent = 'asked' | 'answered' | 'declined' | 'comment' | 'reopened';

export type NoticeKind = `rfi-${RfiEvent}`;

/** The parts of a request a notice names. */
export interface RfiNoticeFacts {
  id: number;
  caseNumber: string;
  /** The organisation that acted. */
  actor: string;
  priority: RfiPriority;
  dueAt?: number;
}

export interface Notice {
  kind: NoticeKind;
  subject: string;
  body: string;
  /** The web UI's path of the request (`/#/requests/12`). */
  link: string;
}

const VERB: Record<RfiEvent, string> = {
  asked: 'asks your organisation',
  answered: 'answered',
  declined: 'declined',
  comment: 'added to',
  reopened: 'reopened',
};

/**
 * The e-mail that tells a party of a request that something happened to it.
 * It names the request, the case and who acted, never the question, the
 * values or the answer: those stay behind sign-in, readable by the
 * investigation's members alone, and mail crosses relays tix does not control.
 */
export function rfiNotice(event: RfiEvent, facts: RfiNoticeFacts): Notice {
  const what = event === 'asked' ? `${facts.actor} ${VERB.asked} a question (request ${facts.id})` : `${facts.actor} ${VERB[event]} request ${facts.id}`;
  const urgent = facts.priority === 'urgent' || facts.priority === 'high' ? ` [${facts.priority}]` : '';
  const due = event === 'asked' && facts.dueAt !== undefined ? `\nAn answer is due by ${new Date(facts.dueAt).toISOString().slice(0, 16).replace('T', ' ')} UTC.` : '';
  return {
    kind: `rfi-${event}`,
    subject: `[tix]${urgent} ${what}, investigation ${facts.caseNumber}`,
    body: `${what} in investigation ${facts.caseNumber}.${due}\n\nSign in to tix to read it; this message carries none of its content.\n`,
    link: `/#/requests/${facts.id}`,
  };
}

/** Who hears of an event: the party that did not act. The asking side hears of answers, declines and comments to it; the asked side of questions, comments and reopenings. */
export function noticeAudience(event: RfiEvent, actorIsAsker: boolean): 'asker' | 'asked' {
  if (event === 'asked' || event === 'reopened') return 'asked';
  if (event === 'comment') return actorIsAsker ? 'asked' : 'asker';
  return 'asker';
}

/** The event a reply is, for notices; closing tells nobody (the asker closes its own request). */
export function replyEvent(action: 'answer' | 'decline' | 'comment' | 'close' | 'reopen'): RfiEvent | undefined {
  return ({ answer: 'answered', decline: 'declined', comment: 'comment', reopen: 'reopened', close: undefined } as const)[action];
}
