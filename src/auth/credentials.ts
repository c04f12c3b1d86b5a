import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, length: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** An API key as the user sees it once: `tix_<prefix>_<secret>`. Only the prefix and a hash of the secret are stored. */
export interface NewApiKey {
  token: string;
  prefix: string;
  hash: string;
}

const KEY_FORMAT = /^tix_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/**
 * A new random key: 96 bits of public prefix to find it by, 256 bits of
 * secret. The secret is hashed with SHA-256, not a slow hash: it is random
 * and long, so there is nothing to guess, and every request must check it.
 */
export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `tix_${prefix}_${secret}`, prefix, hash: hashSecret(secret) };
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The prefix and secret of a presented key, or undefined when it is not shaped like one. */
export function parseApiKey(token: string): { prefix: string; secret: string } | undefined {
  const match = KEY_FORMAT.exec(token);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

// scrypt with N=2^15, r=8 (about 32 MiB and tens of ms per hash): OWASP's recommended minimum for scrypt
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** `scrypt$N$r$p$salt$hash`, parameters stored so they can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return timingSafeEqual(actual, expected);
}
