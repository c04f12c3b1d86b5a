import type { IndicatorType, Pap, Tlp } from '../model/index.ts';
import type { OutcomeKind, RfiAction, RfiPriority, RfiStatus } from '../investigations/rules.ts';

/**
 * Investigations, requests for information and outcomes. Everything of an
 * investigation (its items, its requests and their threads) is read by its
 * member organisations alone, whatever the TLP of what it holds: every read
 * names the reading organisation, and membership is part of the query.
 */

export interface NewInvestigation {
  org: number;
  caseNumber: string;
  title: string;
  countries: string[];
  leadOfficer?: string;
  tlp: Tlp;
  pap?: Pap;
  createdAt: number;
}

export interface Investigation extends NewInvestigation {
  id: number;
  orgName: string;
  /** Member organisations, the opening one included. */
  members: Array<{ id: number; name: string }>;
}

export type ItemKind = 'finding' | 'indicator' | 'report';

export type NewItem =
  | { kind: 'finding'; data: unknown; note?: string }
  | { kind: 'indicator'; indicator: { type: IndicatorType; value: string }; note?: string }
  | { kind: 'report'; report: number; note?: string };

export interface InvestigationItem {
  id: number;
  kind: ItemKind;
  indicator?: { type: IndicatorType; value: string };
  report?: { id: number; title: string };
  data?: unknown;
  note?: string;
  org: number;
  orgName: string;
  createdAt: number;
}

export interface RfiMessage {
  id: number;
  org: number;
  orgName: string;
  action: RfiAction | 'ask';
  text: string;
  indicators: Array<{ type: IndicatorType; value: string }>;
  reports: number[];
  createdAt: number;
}

/** A value asked about: an indicator (typed, normalised), or anything else as given (a wallet address, an account name). */
export interface RfiValue {
  type?: IndicatorType;
  value: string;
}

export interface Rfi {
  id: number;
  investigation: number;
  caseNumber: string;
  from: number;
  fromName: string;
  to: number;
  toName: string;
  subject: string;
  values: RfiValue[];
  priority: RfiPriority;
  dueAt?: number;
  status: RfiStatus;
  createdAt: number;
  updatedAt: number;
  thread: RfiMessage[];
}

export interface NewRfi {
  investigation: number;
  from: number;
  to: number;
  user?: number;
  subject: string;
  question: string;
  values: RfiValue[];
  priority: RfiPriority;
  dueAt?: number;
  createdAt: number;
}

export interface RfiReply {
  org: number;
  user?: number;
  action: RfiAction;
  text: string;
  indicators: Array<{ type: IndicatorType; value: string }>;
  /** Reports given with the answer: each must be readable by the answering organisation. */
  reports: number[];
  at: number;
}

export interface RfiQuery {
  /** The reading organisation: it sees the requests of its investigations. */
  org: number;
  /** Only requests to the reader (its queue), or from it. */
  role?: 'to' | 'from';
  status?: RfiStatus;
  investigation?: number;
  /** Only requests overdue at this time (open, due before it). */
  overdueAt?: number;
  limit: number;
}

export interface NewOutcome {
  org: number;
  user?: number;
  kind: OutcomeKind;
  target: { indicator: { type: IndicatorType; value: string } } | { report: number };
  note?: string;
  occurredAt: number;
  createdAt: number;
}

export interface Outcome {
  id: number;
  org: number;
  orgName: string;
  kind: OutcomeKind;
  indicator?: { type: IndicatorType; value: string };
  report?: number;
  note?: string;
  occurredAt: number;
  createdAt: number;
}

export interface InvestigationStore {
  /** Refused with TIX_CONFLICT when the organisation already has that case number. */
  openInvestigation(investigation: NewInvestigation): Promise<Investigation>;
  /** By id or case number (the reader's own first); undefined unless `org` is a member (no org: the operator). */
  getInvestigation(ref: number | string, org?: number): Promise<Investigation | undefined>;
  listInvestigations(org?: number): Promise<Investigation[]>;
  /** Adds member organisations; only the opening organisation invites. */
  inviteMembers(investigation: number, by: number | undefined, orgs: number[], at: number): Promise<Investigation>;
  /** Attaches an item; the caller must be a member, and a report must be one it may read (checked by the caller's report read). */
  addItem(investigation: number, item: NewItem, by: { org: number; user?: number }, at: number): Promise<InvestigationItem>;
  listItems(investigation: number, org?: number): Promise<InvestigationItem[]>;
  createRfi(rfi: NewRfi): Promise<Rfi>;
  getRfi(id: number, org?: number): Promise<Rfi | undefined>;
  listRfis(query: RfiQuery): Promise<Rfi[]>;
  /** Answers, declines, comments, closes or reopens, as the request's state machine allows; all or nothing. */
  replyRfi(id: number, reply: RfiReply): Promise<Rfi>;
  /** Records an outcome; undefined when no such value or report exists. */
  addOutcome(outcome: NewOutcome): Promise<Outcome | undefined>;
  /**
   * Outcomes of a value or report, as its reader may see them: the
   * organisation that recorded each, and the owners of the data concerned
   * (the sources reporting the value, the report's owner).
   */
  listOutcomes(target: NewOutcome['target'], org?: number): Promise<Outcome[]>;
}
