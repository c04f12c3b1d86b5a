/** The PostgreSQL schema of the sync part (see migrations.ts). */
export const SYNC_SCHEMA = `
`;
