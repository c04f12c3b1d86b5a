import { z } from 'zod';
import type { Tlp } from '../model/index.ts';

export const ORG_KINDS = ['vendor', 'international-police', 'regional-police', 'national-police', 'cert', 'isp', 'other'] as const;
export const OrgKindSchema = z.enum(ORG_KINDS);
export type OrgKind = z.infer<typeof OrgKindSchema>;

export const ROLES = ['admin', 'analyst', 'reader', 'sync'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** A named data-sharing agreement (an operation's, a standing one): who, which countries, until when, how sensitive. */
export interface Agreement {
  id: number;
  name: string;
  members: readonly number[];
  countries: readonly string[];
  purpose: string;
  startsAt: number;
  endsAt?: number;
  /** The most restrictive TLP the agreement carries; items marked above it are not shared through it. */
  maxTlp: Tlp;
  /** Whether members may pass the data on to their own recipients. */
  mayShareOnward: boolean;
}

/**
 * Who an item is shared with, beyond what its TLP says: its owner, the
 * agreements it is shared under, and named recipients (organisations for
 * AMBER+STRICT, individual users for RED). Many items share one distribution,
 * so the rules are evaluated per distribution, not per item.
 */
export interface Distribution {
  id: number;
  owner: number;
  agreements: readonly number[];
  recipientOrgs: readonly number[];
  recipientUsers: readonly number[];
}

/** Who is asking. Anonymous readers exist only where the operator lets TLP:CLEAR out unauthenticated. */
export type Reader = { kind: 'anonymous' } | { kind: 'member'; org: number; user?: number };

/** What a reader may read, compiled once per request into sets a store query can use. */
export interface Clearance {
  /** TLP:CLEAR items are readable. */
  clear: boolean;
  /** TLP:GREEN items are readable (any organisation on the instance). */
  green: boolean;
  /** Distributions readable at every level: the reader's own data. */
  own: readonly number[];
  /** Distributions whose AMBER items are readable. */
  amber: readonly number[];
  /** Distributions whose AMBER+STRICT items are readable. */
  strict: readonly number[];
  /** Distributions whose RED items are readable. */
  red: readonly number[];
}
