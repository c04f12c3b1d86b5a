/** The PostgreSQL schema of the casework part (see migrations.ts). */
export const CASEWORK_SCHEMA = `
`;
