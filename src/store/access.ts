import type { Evaluation, Tlp } from '../model/index.ts';
import type { Agreement, Distribution, OrgKind, Role } from '../policy/index.ts';

export interface Organisation {
  id: number;
  name: string;
  kind: OrgKind;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  createdAt: number;
}

export interface User {
  id: number;
  name: string;
  org: number;
  role: Role;
  /** Where the user is told of requests for information, when the server sends mail. */
  email?: string;
  createdAt: number;
  disabledAt?: number;
}

/** A user with the stored password hash, for authentication only; never serialised. */
export interface UserCredentials extends User {
  passwordHash?: string;
}

export interface ApiKeyRecord {
  id: number;
  /** The public part of the key (`tix_<prefix>_<secret>`), by which it is found. */
  prefix: string;
  org: number;
  user?: number;
  role: Role;
  label?: string;
  createdAt: number;
  expiresAt?: number;
  revokedAt?: number;
  lastUsedAt?: number;
}

export interface ApiKeyCredentials extends ApiKeyRecord {
  /** Hash of the secret part. */
  hash: string;
}

export interface NewAgreement {
  name: string;
  members: number[];
  countries: string[];
  purpose: string;
  startsAt: number;
  endsAt?: number;
  maxTlp: Tlp;
  mayShareOnward: boolean;
}

export interface WebSession {
  id: string;
  user: number;
  userName: string;
  csrf: string;
  createdAt: number;
  usedAt: number;
}

export interface AuditEntry {
  at: number;
  org?: number;
  user?: number;
  key?: number;
  /** `read` or `write`, then what: `read:indicators`, `write:import`, `write:key`. */
  action: string;
  /** What was acted on: a path, a value, a key prefix. */
  target: string;
  /** The filter or change, as given. */
  detail: Record<string, unknown>;
  /** Items returned or written. */
  count?: number;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * Who may see what: organisations, users, keys, agreements, the
 * distributions sources are shared under, and the audit log.
 */
export interface AccessStore {
  createOrganisation(org: Omit<Organisation, 'id'>): Promise<Organisation>;
  listOrganisations(): Promise<Organisation[]>;
  /** By name (case-insensitive) or numeric id. */
  findOrganisation(nameOrId: string | number): Promise<Organisation | undefined>;
  createUser(user: Omit<User, 'id'> & { passwordHash?: string }): Promise<User>;
  listUsers(org?: number): Promise<User[]>;
  findUser(name: string): Promise<UserCredentials | undefined>;
  setUserPassword(name: string, passwordHash: string): Promise<boolean>;
  /** Sets or (undefined) clears the user's e-mail address; false when there is no such user. */
  setUserEmail(name: string, email: string | undefined): Promise<boolean>;
  createApiKey(key: Omit<ApiKeyCredentials, 'id'>): Promise<ApiKeyRecord>;
  listApiKeys(org?: number): Promise<ApiKeyRecord[]>;
  findApiKey(prefix: string): Promise<ApiKeyCredentials | undefined>;
  revokeApiKey(prefix: string, at: number): Promise<boolean>;
  touchApiKey(id: number, at: number): Promise<void>;
  createAgreement(agreement: NewAgreement, now: number): Promise<Agreement>;
  listAgreements(): Promise<Agreement[]>;
  findAgreement(nameOrId: string | number): Promise<Agreement | undefined>;
  /** The distribution with exactly these owner, agreements and recipients, created if new. */
  distribution(spec: Omit<Distribution, 'id'>): Promise<Distribution>;
  listDistributions(): Promise<Distribution[]>;
  /** Grades a source (PAP, reliability, accuracy, handling code); fields left out are cleared. */
  setSourceEvaluation(source: string, evaluation: Evaluation): Promise<boolean>;
  /** Shares a source (and so everything it reported) under a distribution. */
  setSourceDistribution(source: string, distribution: number): Promise<boolean>;
  appendAudit(entry: AuditEntry): Promise<AuditRecord>;
  /** Appends several entries, in order, in one transaction (one turn of the write lock for many requests' entries). */
  appendAudits(entries: readonly AuditEntry[]): Promise<AuditRecord[]>;
  listAudit(options: { after?: number; limit: number }): Promise<AuditRecord[]>;
  /**
   * A random secret of this instance, made on first use and kept in the
   * store, so every server of one store shares it and it survives restarts
   * (the key of TAXII `next` tokens, for example).
   */
  instanceSecret(name: string): Promise<Buffer>;
  /** Web UI sessions, shared by every server of the store: `id` is a hash of the cookie's token. */
  saveWebSession(session: WebSession): Promise<void>;
  findWebSession(id: string): Promise<WebSession | undefined>;
  touchWebSession(id: string, at: number): Promise<void>;
  /** Ends one session; with `before`, also every session last used before then. */
  deleteWebSession(id: string | undefined, before?: number): Promise<void>;
  /**
   * Keeps the status of an exchange request (a TAXII POST) for its
   * organisation, in the store so that every server of it answers for it
   * and a restart forgets nothing; statuses made before `expireBefore` go.
   */
  saveStatus(status: { id: string; org: number; at: number; body: string }, expireBefore: number): Promise<void>;
  /** A status's body, if it exists, is this organisation's, and was made at or after `notBefore`. */
  findStatus(id: string, org: number, notBefore: number): Promise<string | undefined>;
}
