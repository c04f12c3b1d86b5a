/**
 * PostgreSQL text cannot hold a NUL character (SQLite's can): a name, key
 * prefix or id with one is in no row, and sent as a parameter it would fail
 * the statement. Lookups answer "none" for it without asking the server.
 */
export const storable = (...values: ReadonlyArray<string | undefined>): boolean => values.every((value) => value === undefined || !value.includes('\0'));
