/** The PostgreSQL schema of the activity part (see migrations.ts). */
export const ACTIVITY_SCHEMA = `
`;
