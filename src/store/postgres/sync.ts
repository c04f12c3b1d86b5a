import type { Db } from './db.ts';
import type { SyncStore } from '../sync.ts';
import {
  ADD_SYNC,
  addSyncParams,
  runUpdate,
  SYNC_COLUMNS,
  toPending,
  toSyncState,
  UNPUSHED_SIGHTINGS,
  type PendingRow,
  type SyncRow,
} from '../sqlite/sync.ts';

export function postgresSync(db: Db): SyncStore {
  return {
    async addSync(sync, now) {
      await db.run(ADD_SYNC, addSyncParams(sync, now));
    },
    async removeSync(name) {
      return db.transaction(async (sql) => {
        await sql.run('DELETE FROM sync_pushed WHERE sync_name = ?', [name]);
        return (await sql.run('DELETE FROM sync_state WHERE name = ?', [name])) > 0;
      });
    },
    async listSyncs() {
      return (await db.all<SyncRow>(`SELECT ${SYNC_COLUMNS} FROM sync_state ORDER BY name COLLATE "C"`)).map(toSyncState);
    },
    async getSync(name) {
      const row = await db.get<SyncRow>(`SELECT ${SYNC_COLUMNS} FROM sync_state WHERE name = ?`, [name]);
      return row && toSyncState(row);
    },
    async recordSyncRun(name, record) {
      const { sets, params } = runUpdate(record);
      if (sets.length) await db.run(`UPDATE sync_state SET ${sets.join(', ')} WHERE name = ?`, [...params, name]);
    },
    async unpushedSightings(name, limit) {
      return (await db.all<PendingRow>(UNPUSHED_SIGHTINGS, [name, name, limit])).map(toPending);
    },
    async markSightingsPushed(name, sightings, at) {
      if (!sightings.length) return;
      await db.transaction(async (sql) => {
        for (const id of sightings) await sql.run('INSERT INTO sync_pushed (sync_name, sighting_id, pushed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [name, id, at]);
      });
    },
  };
}
