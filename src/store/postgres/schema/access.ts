/** The PostgreSQL schema of the access part (see migrations.ts). */
export const ACCESS_SCHEMA = `
`;
