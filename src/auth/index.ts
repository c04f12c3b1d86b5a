export { generateApiKey, hashPassword, parseApiKey, secretMatches, verifyPassword } from './credentials.ts';
export type { NewApiKey } from './credentials.ts';
export { authenticate, clearanceFor, readerOf } from './authenticate.ts';
export type { AuthFailure, Principal } from './authenticate.ts';
