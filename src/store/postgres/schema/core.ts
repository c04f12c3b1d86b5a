/** The PostgreSQL schema of the core part (see migrations.ts). */
export const CORE_SCHEMA = `
`;
