/** What the API nodes of one database share besides the data: request budgets (see coordination.ts). */
export const COORDINATION_SCHEMA = `
CREATE UNLOGGED TABLE rate_buckets (
  caller text PRIMARY KEY,
  tokens double precision NOT NULL,
  at bigint NOT NULL
);
`;
