import { randomBytes } from 'node:crypto';
import type { AccessStore, User } from '../access.ts';
import { publicKey, toKey, toOrganisation, toUser, toWebSession, type Row } from '../sql/access.ts';
import type { AccessCache } from './access-cache.ts';
import type { Db } from './db.ts';
import { postgresSharing, unique } from './access-sharing.ts';
import { storable } from './text.ts';

/**
 * Who may see what, in PostgreSQL: organisations, users, keys, web sessions,
 * exchange statuses and secrets here; agreements, distributions, the grading
 * of sources and the audit log in access-sharing.ts. Organisations,
 * agreements and distributions are held between changes (access-cache.ts);
 * everything else, keys first, is read from the database on every call.
 */
export function postgresAccess(db: Db, cache: AccessCache): AccessStore {
  return { ...postgresIdentities(db, cache), ...postgresSessions(db), ...postgresSharing(db, cache) };
}

type Identities = Pick<
  AccessStore,
  | 'createOrganisation'
  | 'listOrganisations'
  | 'findOrganisation'
  | 'createUser'
  | 'listUsers'
  | 'findUser'
  | 'setUserPassword'
  | 'setUserEmail'
  | 'createApiKey'
  | 'listApiKeys'
  | 'findApiKey'
  | 'revokeApiKey'
  | 'touchApiKey'
>;

function postgresIdentities(db: Db, cache: AccessCache): Identities {
  return {
    async createOrganisation(org) {
      const row = await unique(
        db.get<{ id: number }>('INSERT INTO organisations (name, kind, country, created_at) VALUES (?, ?, ?, ?) RETURNING id', [org.name, org.kind, org.country ?? null, org.createdAt]),
        `organisation "${org.name}"`,
      );
      cache.changed();
      return { ...org, id: row!.id };
    },
    async listOrganisations() {
      return (await db.all<Row>('SELECT * FROM organisations ORDER BY id')).map(toOrganisation);
    },
    async findOrganisation(nameOrId) {
      if (typeof nameOrId === 'string' && !storable(nameOrId)) return undefined;
      // by id, as every request's key names it: held between changes
      if (typeof nameOrId === 'number') {
        return cache.read(`organisation:${nameOrId}`, async () => {
          const row = await db.get<Row>('SELECT * FROM organisations WHERE id = ?', [nameOrId]);
          return row && toOrganisation(row);
        });
      }
      // names are citext: found whatever their case, as in SQLite
      const row = await db.get<Row>('SELECT * FROM organisations WHERE name = ?', [nameOrId]);
      return row && toOrganisation(row);
    },
    async createUser(user) {
      const row = await unique(
        db.get<{ id: number }>('INSERT INTO users (name, org_id, role, email, password_hash, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id', [
          user.name,
          user.org,
          user.role,
          user.email ?? null,
          user.passwordHash ?? null,
          user.createdAt,
          user.disabledAt ?? null,
        ]),
        `user "${user.name}"`,
      );
      const { passwordHash: _hash, ...rest } = user;
      return { ...rest, id: row!.id };
    },
    async listUsers(org) {
      const rows = org === undefined ? await db.all<Row>('SELECT * FROM users ORDER BY id') : await db.all<Row>('SELECT * FROM users WHERE org_id = ? ORDER BY id', [org]);
      return rows.map((row) => {
        const { passwordHash: _hash, ...user } = toUser(row);
        return user as User;
      });
    },
    async findUser(name) {
      if (!storable(name)) return undefined;
      const row = await db.get<Row>('SELECT * FROM users WHERE name = ?', [name]);
      return row && toUser(row);
    },
    async setUserPassword(name, passwordHash) {
      if (!storable(name)) return false;
      return (await db.run('UPDATE users SET password_hash = ? WHERE name = ?', [passwordHash, name])) > 0;
    },
    async setUserEmail(name, email) {
      if (!storable(name)) return false;
      return (await db.run('UPDATE users SET email = ? WHERE name = ?', [email ?? null, name])) > 0;
    },
    async createApiKey(key) {
      // the secret is never stored: only its hash, found again by the key's public prefix
      const row = await unique(
        db.get<{ id: number }>('INSERT INTO api_keys (prefix, hash, org_id, user_id, role, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id', [
          key.prefix,
          key.hash,
          key.org,
          key.user ?? null,
          key.role,
          key.label ?? null,
          key.createdAt,
          key.expiresAt ?? null,
        ]),
        `key "${key.prefix}"`,
      );
      return publicKey({ ...key, id: row!.id });
    },
    async listApiKeys(org) {
      const rows = org === undefined ? await db.all<Row>('SELECT * FROM api_keys ORDER BY id') : await db.all<Row>('SELECT * FROM api_keys WHERE org_id = ? ORDER BY id', [org]);
      return rows.map((row) => publicKey(toKey(row)));
    },
    async findApiKey(prefix) {
      if (!storable(prefix)) return undefined;
      const row = await db.get<Row>('SELECT * FROM api_keys WHERE prefix = ?', [prefix]);
      return row && toKey(row);
    },
    async revokeApiKey(prefix, at) {
      if (!storable(prefix)) return false;
      return (await db.run('UPDATE api_keys SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL', [at, prefix])) > 0;
    },
    async touchApiKey(id, at) {
      await db.run('UPDATE api_keys SET last_used_at = ? WHERE id = ?', [at, id]);
    },
  };
}

type Sessions = Pick<AccessStore, 'saveWebSession' | 'findWebSession' | 'touchWebSession' | 'deleteWebSession' | 'instanceSecret' | 'saveStatus' | 'findStatus'>;

/** What every server process of the store shares: web sessions, secrets, exchange statuses. */
function postgresSessions(db: Db): Sessions {
  return {
    async saveWebSession(session) {
      await db.run('INSERT INTO web_sessions (id, user_id, user_name, csrf, created_at, used_at) VALUES (?, ?, ?, ?, ?, ?)', [
        session.id,
        session.user,
        session.userName,
        session.csrf,
        session.createdAt,
        session.usedAt,
      ]);
    },
    async findWebSession(id) {
      if (!storable(id)) return undefined;
      const row = await db.get<Row>('SELECT id, user_id, user_name, csrf, created_at, used_at FROM web_sessions WHERE id = ?', [id]);
      return row && toWebSession(row);
    },
    async touchWebSession(id, at) {
      await db.run('UPDATE web_sessions SET used_at = ? WHERE id = ?', [at, id]);
    },
    async deleteWebSession(id, before) {
      if (id !== undefined) await db.run('DELETE FROM web_sessions WHERE id = ?', [id]);
      if (before !== undefined) await db.run('DELETE FROM web_sessions WHERE used_at < ?', [before]);
    },
    async instanceSecret(name) {
      // insert if absent, then read: two servers starting at once agree on one secret
      await db.run('INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32)]);
      return (await db.get<{ value: Buffer }>('SELECT value FROM secrets WHERE name = ?', [name]))!.value;
    },
    async saveStatus(status, expireBefore) {
      await db.transaction(async (sql) => {
        await sql.run('DELETE FROM exchange_statuses WHERE created_at < ?', [expireBefore]);
        await sql.run('INSERT INTO exchange_statuses (id, org_id, created_at, body) VALUES (?, ?, ?, ?)', [status.id, status.org, status.at, status.body]);
      });
    },
    async findStatus(id, org, notBefore) {
      if (!storable(id)) return undefined;
      return (await db.get<{ body: string }>('SELECT body FROM exchange_statuses WHERE id = ? AND org_id = ? AND created_at >= ?', [id, org, notBefore]))?.body;
    },
  };
}
