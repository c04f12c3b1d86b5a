import { ConflictError } from '../../errors.ts';
import { AUDIT_GENESIS, auditContent, auditHash, type Agreement } from '../../policy/index.ts';
import type { AccessStore, AuditEntry, AuditRecord, NewAgreement } from '../access.ts';
import { deepFreeze, idList, ids, toAgreement, toAuditRecord, toDistribution, type Row } from '../sql/access.ts';
import type { AccessCache } from './access-cache.ts';
import { pgCode, type Db, type Sql } from './db.ts';
import { storable } from './text.ts';

/** A unique-name violation (SQLSTATE 23505) as the ConflictError SQLite's store throws. */
export async function unique<T>(work: Promise<T>, what: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (pgCode(error) === '23505') throw new ConflictError(`${what} already exists`);
    throw error;
  }
}

type Sharing = Pick<
  AccessStore,
  | 'createAgreement'
  | 'listAgreements'
  | 'findAgreement'
  | 'distribution'
  | 'listDistributions'
  | 'setSourceEvaluation'
  | 'setSourceDistribution'
  | 'appendAudit'
  | 'appendAudits'
  | 'listAudit'
>;

/** Agreements with their members (sorted ids, comma-separated), in one query. */
const AGREEMENTS = `SELECT a.*, (SELECT string_agg(m.org_id::text, ',' ORDER BY m.org_id) FROM agreement_members m WHERE m.agreement_id = a.id) AS members FROM agreements a`;
const agreementOf = (row: Row): Agreement => toAgreement(row, ids(row.members));

async function findAgreement(sql: Sql, nameOrId: string | number): Promise<Agreement | undefined> {
  if (typeof nameOrId === 'string' && !storable(nameOrId)) return undefined;
  const row = typeof nameOrId === 'number' ? await sql.get<Row>(`${AGREEMENTS} WHERE a.id = ?`, [nameOrId]) : await sql.get<Row>(`${AGREEMENTS} WHERE a.name = ?`, [nameOrId]);
  return row && agreementOf(row);
}

/**
 * Appends to the hash-chained audit log. Every process appends to one chain:
 * a transaction-scoped advisory lock lets one at a time read the chain's end
 * and extend it, so no two entries ever share a sequence number or a
 * predecessor.
 */
async function append(db: Db, entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
  if (entries.length === 0) return [];
  return db.transaction(async (sql) => {
    await sql.get("SELECT pg_advisory_xact_lock(hashtext('tix:audit_log'))");
    const last = await sql.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    let seq = last?.seq ?? 0;
    let prevHash = last?.hash ?? AUDIT_GENESIS;
    const records = entries.map((entry): AuditRecord => {
      seq++;
      const hash = auditHash(prevHash, seq, auditContent(entry));
      const record = { ...entry, seq, prevHash, hash };
      prevHash = hash;
      return record;
    });
    const column = <T>(pick: (record: AuditRecord) => T): T[] => records.map(pick);
    // one statement for any number of entries: a column of values per array
    await sql.run(
      `INSERT INTO audit_log (seq, at, org_id, user_id, key_id, action, target, detail, count, prev_hash, hash)
       SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[])`,
      [
        column((r) => r.seq),
        column((r) => r.at),
        column((r) => r.org ?? null),
        column((r) => r.user ?? null),
        column((r) => r.key ?? null),
        column((r) => r.action),
        column((r) => r.target),
        column((r) => JSON.stringify(r.detail)),
        column((r) => r.count ?? null),
        column((r) => r.prevHash),
        column((r) => r.hash),
      ],
    );
    return records;
  });
}

/**
 * Agreements, distributions, the grading and sharing of sources, and the
 * audit log. Agreements and distributions make every request's clearance:
 * they are held in the process between changes (access-cache.ts), and a
 * change made by any API node reaches every other as it commits. What is
 * returned is frozen, as the SQLite store's shared lists are.
 */
export function postgresSharing(db: Db, cache: AccessCache): Sharing {
  return {
    async createAgreement(agreement: NewAgreement, now: number) {
      const stored = await db.transaction(async (sql) => {
        const created = await unique(
          sql.get<{ id: number }>(
            'INSERT INTO agreements (name, purpose, countries, starts_at, ends_at, max_tlp, may_share_onward, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
            [agreement.name, agreement.purpose, agreement.countries.join(','), agreement.startsAt, agreement.endsAt ?? null, agreement.maxTlp, agreement.mayShareOnward ? 1 : 0, now],
          ),
          `agreement "${agreement.name}"`,
        );
        await sql.run('INSERT INTO agreement_members (agreement_id, org_id) SELECT ?, unnest(?::bigint[]) ON CONFLICT DO NOTHING', [created!.id, [...new Set(agreement.members)]]);
        return (await findAgreement(sql, created!.id))!;
      });
      cache.changed();
      return stored;
    },
    async listAgreements() {
      return [...(await cache.read('agreements', async () => (await db.all<Row>(`${AGREEMENTS} ORDER BY a.id`)).map((row) => deepFreeze(agreementOf(row)))))];
    },
    async findAgreement(nameOrId) {
      return findAgreement(db, nameOrId);
    },
    async distribution(spec) {
      const columns = [spec.owner, idList(spec.agreements), idList(spec.recipientOrgs), idList(spec.recipientUsers)];
      // insert if new, then read: two processes asking for one combination at once get the same row
      if ((await db.run('INSERT INTO distributions (owner_org_id, agreements, recipient_orgs, recipient_users) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', columns)) > 0) cache.changed();
      const row = await db.get<Row>('SELECT * FROM distributions WHERE owner_org_id = ? AND agreements = ? AND recipient_orgs = ? AND recipient_users = ?', columns);
      return toDistribution(row!);
    },
    async listDistributions() {
      return [...(await cache.read('distributions', async () => (await db.all<Row>('SELECT * FROM distributions ORDER BY id')).map((row) => deepFreeze(toDistribution(row)))))];
    },
    async setSourceEvaluation(source, evaluation) {
      if (!storable(source)) return false;
      const params = [evaluation.pap ?? null, evaluation.reliability ?? null, evaluation.accuracy ?? null, evaluation.handling ?? null, source];
      return (await db.run('UPDATE sources SET pap = ?, reliability = ?, accuracy = ?, handling = ? WHERE name = ?', params)) > 0;
    },
    async setSourceDistribution(source, distribution) {
      if (!storable(source)) return false;
      return (await db.run('UPDATE sources SET distribution_id = ? WHERE name = ?', [distribution, source])) > 0;
    },
    async appendAudit(entry: AuditEntry) {
      return (await append(db, [entry]))[0]!;
    },
    async appendAudits(entries) {
      return append(db, entries);
    },
    async listAudit({ after, limit }) {
      return (await db.all<Row>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?', [after ?? 0, limit])).map(toAuditRecord);
    },
  };
}
