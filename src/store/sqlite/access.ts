import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ConflictError } from '../../errors.ts';
import { AUDIT_GENESIS, auditContent, auditHash, type Agreement, type Distribution } from '../../policy/index.ts';
import type { AccessStore, AuditEntry, AuditRecord, NewAgreement, User } from '../access.ts';
import { deepFreeze, idList, publicKey, toAgreement, toAuditRecord, toDistribution, toKey, toOrganisation, toUser, toWebSession, type Row } from '../sql/access.ts';

function unique<T>(work: () => T, what: string): T {
  try {
    return work();
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ConflictError(`${what} already exists`);
    throw error;
  }
}

/**
 * The organisations, users, keys, agreements, distributions and audit log of a SQLite store. `onAudit` hears of
 * every audit entry appended (the store keeps those appended while an import is open).
 */
export function sqliteAccess(db: Database.Database, onAudit?: (entries: readonly AuditEntry[]) => void): AccessStore {
  // every statement here has a fixed text: prepared once, not on each request's authentication
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const agreementOf = (row: Row): Agreement =>
    toAgreement(
      row,
      (prepare('SELECT org_id FROM agreement_members WHERE agreement_id = ? ORDER BY org_id').all(row.id) as Array<{ org_id: number }>).map((member) => member.org_id),
    );
  const distributionOf = toDistribution;

  // every request's clearance is made of the agreements and distributions: read once per change (any process's, see access_generation)
  let lists: { generation: number; agreements: Agreement[]; distributions: Distribution[] } | undefined;
  // asked twice in one turn (a clearance wants both lists at once), the generation is read once: one snapshot for both
  let checkedThisTurn = false;
  const cached = (): NonNullable<typeof lists> => {
    if (lists && checkedThisTurn) return lists;
    checkedThisTurn = true;
    queueMicrotask(() => (checkedThisTurn = false));
    const generation = (prepare('SELECT n FROM access_generation').get() as { n: number }).n;
    if (lists?.generation !== generation) {
      lists = {
        generation,
        // frozen: shared by every caller until the next change
        agreements: (prepare('SELECT * FROM agreements ORDER BY id').all() as Row[]).map((row) => deepFreeze(agreementOf(row))),
        distributions: (prepare('SELECT * FROM distributions ORDER BY id').all() as Row[]).map((row) => deepFreeze(distributionOf(row))),
      };
    }
    return lists;
  };
  const append = (entries: readonly AuditEntry[]): AuditRecord[] => {
    const records = appendNow(entries);
    onAudit?.(entries);
    return records;
  };
  const appendNow = (entries: readonly AuditEntry[]): AuditRecord[] =>
    db.transaction((): AuditRecord[] => {
      const last = prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
      let seq = last?.seq ?? 0;
      let prevHash = last?.hash ?? AUDIT_GENESIS;
      const insert = prepare('INSERT INTO audit_log (seq, at, org_id, user_id, key_id, action, target, detail, count, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      return entries.map((entry) => {
        seq++;
        const hash = auditHash(prevHash, seq, auditContent(entry));
        insert.run(seq, entry.at, entry.org ?? null, entry.user ?? null, entry.key ?? null, entry.action, entry.target, JSON.stringify(entry.detail), entry.count ?? null, prevHash, hash);
        const record = { ...entry, seq, prevHash, hash };
        prevHash = hash;
        return record;
      });
    }).immediate();
  return {
    async saveWebSession(session) {
      prepare('INSERT INTO web_sessions (id, user_id, user_name, csrf, created_at, used_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        session.id,
        session.user,
        session.userName,
        session.csrf,
        session.createdAt,
        session.usedAt,
      );
    },
    async findWebSession(id) {
      const row = prepare('SELECT id, user_id, user_name, csrf, created_at, used_at FROM web_sessions WHERE id = ?').get(id) as Row | undefined;
      if (!row) return undefined;
      return toWebSession(row);
    },
    async touchWebSession(id, at) {
      prepare('UPDATE web_sessions SET used_at = ? WHERE id = ?').run(at, id);
    },
    async deleteWebSession(id, before) {
      if (id !== undefined) prepare('DELETE FROM web_sessions WHERE id = ?').run(id);
      if (before !== undefined) prepare('DELETE FROM web_sessions WHERE used_at < ?').run(before);
    },
    async instanceSecret(name) {
      // INSERT OR IGNORE then read: two servers starting at once agree on one secret
      prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)').run(name, randomBytes(32));
      return (prepare('SELECT value FROM secrets WHERE name = ?').get(name) as { value: Buffer }).value;
    },
    async saveStatus(status, expireBefore) {
      db.transaction(() => {
        prepare('DELETE FROM exchange_statuses WHERE created_at < ?').run(expireBefore);
        prepare('INSERT INTO exchange_statuses (id, org_id, created_at, body) VALUES (?, ?, ?, ?)').run(status.id, status.org, status.at, status.body);
      }).immediate();
    },
    async findStatus(id, org, notBefore) {
      const row = prepare('SELECT body FROM exchange_statuses WHERE id = ? AND org_id = ? AND created_at >= ?').get(id, org, notBefore) as { body: string } | undefined;
      return row?.body;
    },
    async createOrganisation(org) {
      const id = unique(
        () => prepare('INSERT INTO organisations (name, kind, country, created_at) VALUES (?, ?, ?, ?)').run(org.name, org.kind, org.country ?? null, org.createdAt).lastInsertRowid,
        `organisation "${org.name}"`,
      );
      return { ...org, id: Number(id) };
    },
    async listOrganisations() {
      return (prepare('SELECT * FROM organisations ORDER BY id').all() as Row[]).map(toOrganisation);
    },
    async findOrganisation(nameOrId) {
      const row = (typeof nameOrId === 'number'
        ? prepare('SELECT * FROM organisations WHERE id = ?').get(nameOrId)
        : prepare('SELECT * FROM organisations WHERE name = ?').get(nameOrId)) as Row | undefined;
      return row && toOrganisation(row);
    },
    async createUser(user) {
      const id = unique(
        () =>
          prepare('INSERT INTO users (name, org_id, role, email, password_hash, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
            .run(user.name, user.org, user.role, user.email ?? null, user.passwordHash ?? null, user.createdAt, user.disabledAt ?? null).lastInsertRowid,
        `user "${user.name}"`,
      );
      const { passwordHash: _hash, ...rest } = user;
      return { ...rest, id: Number(id) };
    },
    async listUsers(org) {
      const rows = (org === undefined ? prepare('SELECT * FROM users ORDER BY id').all() : prepare('SELECT * FROM users WHERE org_id = ? ORDER BY id').all(org)) as Row[];
      return rows.map((row) => {
        const { passwordHash: _hash, ...user } = toUser(row);
        return user as User;
      });
    },
    async findUser(name) {
      const row = prepare('SELECT * FROM users WHERE name = ?').get(name) as Row | undefined;
      return row && toUser(row);
    },
    async setUserPassword(name, passwordHash) {
      return prepare('UPDATE users SET password_hash = ? WHERE name = ?').run(passwordHash, name).changes > 0;
    },
    async setUserEmail(name, email) {
      return prepare('UPDATE users SET email = ? WHERE name = ?').run(email ?? null, name).changes > 0;
    },
    async createApiKey(key) {
      const id = db
        .prepare('INSERT INTO api_keys (prefix, hash, org_id, user_id, role, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(key.prefix, key.hash, key.org, key.user ?? null, key.role, key.label ?? null, key.createdAt, key.expiresAt ?? null).lastInsertRowid;
      return publicKey({ ...key, id: Number(id) });
    },
    async listApiKeys(org) {
      const rows = (org === undefined ? prepare('SELECT * FROM api_keys ORDER BY id').all() : prepare('SELECT * FROM api_keys WHERE org_id = ? ORDER BY id').all(org)) as Row[];
      return rows.map((row) => publicKey(toKey(row)));
    },
    async findApiKey(prefix) {
      const row = prepare('SELECT * FROM api_keys WHERE prefix = ?').get(prefix) as Row | undefined;
      return row && toKey(row);
    },
    async revokeApiKey(prefix, at) {
      return prepare('UPDATE api_keys SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL').run(at, prefix).changes > 0;
    },
    async touchApiKey(id, at) {
      prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, id);
    },
    async createAgreement(agreement: NewAgreement, now: number) {
      const id = db.transaction(() => {
        const created = Number(
          unique(
            () =>
              prepare('INSERT INTO agreements (name, purpose, countries, starts_at, ends_at, max_tlp, may_share_onward, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
                .run(agreement.name, agreement.purpose, agreement.countries.join(','), agreement.startsAt, agreement.endsAt ?? null, agreement.maxTlp, agreement.mayShareOnward ? 1 : 0, now)
                .lastInsertRowid,
            `agreement "${agreement.name}"`,
          ),
        );
        const member = prepare('INSERT OR IGNORE INTO agreement_members (agreement_id, org_id) VALUES (?, ?)');
        for (const org of agreement.members) member.run(created, org);
        return created;
      })();
      return agreementOf(prepare('SELECT * FROM agreements WHERE id = ?').get(id) as Row);
    },
    async listAgreements() {
      return [...cached().agreements];
    },
    async findAgreement(nameOrId) {
      const row = (typeof nameOrId === 'number'
        ? prepare('SELECT * FROM agreements WHERE id = ?').get(nameOrId)
        : prepare('SELECT * FROM agreements WHERE name = ?').get(nameOrId)) as Row | undefined;
      return row && agreementOf(row);
    },
    async distribution(spec) {
      const columns = [spec.owner, idList(spec.agreements), idList(spec.recipientOrgs), idList(spec.recipientUsers)];
      prepare('INSERT OR IGNORE INTO distributions (owner_org_id, agreements, recipient_orgs, recipient_users) VALUES (?, ?, ?, ?)').run(...columns);
      const row = prepare('SELECT * FROM distributions WHERE owner_org_id = ? AND agreements = ? AND recipient_orgs = ? AND recipient_users = ?').get(...columns) as Row;
      return distributionOf(row);
    },
    async listDistributions() {
      return [...cached().distributions];
    },
    async setSourceEvaluation(source, evaluation) {
      return (
        prepare('UPDATE sources SET pap = ?, reliability = ?, accuracy = ?, handling = ? WHERE name = ?')
          .run(evaluation.pap ?? null, evaluation.reliability ?? null, evaluation.accuracy ?? null, evaluation.handling ?? null, source).changes > 0
      );
    },
    async setSourceDistribution(source, distribution) {
      return prepare('UPDATE sources SET distribution_id = ? WHERE name = ?').run(distribution, source).changes > 0;
    },
    async appendAudit(entry: AuditEntry) {
      return append([entry])[0]!;
    },
    async appendAudits(entries) {
      return append(entries);
    },
    async listAudit({ after, limit }) {
      const rows = prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(after ?? 0, limit) as Row[];
      return rows.map(toAuditRecord);
    },
  };
}
