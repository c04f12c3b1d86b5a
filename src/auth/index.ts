export { generateApiKey, hashPassword, parseApiKey, secretMatches, verifyPassword } from './credentials.ts';
export type { NewApiKey } from './credentials.ts';
export { authenticate, clearanceFor, clearanceFrom, readAccessLists, readerOf, type AccessLists } from './authenticate.ts';
export type { AuthFailure, Principal } from './authenticate.ts';
