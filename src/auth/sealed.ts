import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError, TixError } from '../errors.ts';

/**
 * Credentials tix must send on (a remote's key for a sync) cannot be stored
 * hashed as its own API keys are: they are stored sealed instead, with
 * AES-256-GCM under the instance's secret key (`TIX_SECRET_KEY`, or a key
 * file in the data directory), so that a dump or backup of the store does not
 * give them away. A sealed value reads `sealed:v1:` and then, in base64url,
 * the 12-byte nonce, the 16-byte tag and the ciphertext. A value stored
 * before sealing (no prefix) is read as it is.
 */
const PREFIX = 'sealed:v1:';
/** Binds a sealed value to its use: a value sealed for something else does not open here. */
const PURPOSE = Buffer.from('tix stored credential');

export const SECRET_KEY_BYTES = 32;

export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export function sealSecret(key: Buffer, plain: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(PURPOSE);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** The clear text of a stored credential; `what` names it in errors (`sync peer: its key`). */
export function openSecret(key: Buffer | undefined, stored: string, what: string): string {
  if (!isSealed(stored)) return stored;
  if (!key) throw new TixError('TIX_SECRET_SEALED', `${what} is stored sealed, and this process has no secret key: set TIX_SECRET_KEY as where it was saved`);
  const bytes = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(PURPOSE);
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new TixError('TIX_SECRET_SEALED', `${what} is stored sealed under another secret key than this process has (TIX_SECRET_KEY, or the data directory's keys/secret.key), or was altered`, { cause: error });
  }
}

/** A secret key as given in TIX_SECRET_KEY: 64 hex digits (`openssl rand -hex 32`). */
export function parseSecretKey(text: string, from = 'TIX_SECRET_KEY'): Buffer {
  const trimmed = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(trimmed)) throw new ConfigError(`${from}: 64 hexadecimal digits, a 32-byte key (make one with: openssl rand -hex 32)`);
  return Buffer.from(trimmed, 'hex');
}
