import type { NoticeKind } from '../mail/notice.ts';

/** A notice claimed for sending: the address is the user's as it is now, not as it was when the notice was written. */
export interface OutgoingMail {
  id: number;
  to: string;
  user: string;
  kind: NoticeKind;
  subject: string;
  body: string;
  link?: string;
  /** Attempts so far, this one included. */
  attempts: number;
}

export type MailOutcome = { sent: number } | { retryAt: number; error: string } | { failedAt: number; error: string };

export type MailStatus = 'queued' | 'sent' | 'failed';

export interface MailRecord {
  id: number;
  user: string;
  kind: NoticeKind;
  subject: string;
  status: MailStatus;
  attempts: number;
  createdAt: number;
  sentAt?: number;
  lastError?: string;
}

/** The e-mail outbox: notices written beside what they announce, sent by whichever server process claims them first. */
export interface MailStore {
  /** Claims up to `limit` notices that are due, for `leaseMs`: another process claims them again only once the lease ran out (a process that died mid-send). */
  claimMail(now: number, leaseMs: number, limit: number): Promise<OutgoingMail[]>;
  settleMail(id: number, outcome: MailOutcome): Promise<void>;
  listMail(query: { status?: MailStatus; limit: number }): Promise<MailRecord[]>;
}
