import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseSecretKey, SECRET_KEY_BYTES } from '../auth/sealed.ts';
import { readKeyFile, writeKeyFileOnce } from './key-file.ts';

/**
 * The instance's secret key, which seals the credentials it stores (see
 * auth/sealed.ts): `TIX_SECRET_KEY` when set, which every node on one
 * PostgreSQL database must be given alike; else, for the embedded store,
 * `keys/secret.key` in the data directory, made on first need (`create`).
 * Undefined when there is none (PostgreSQL without TIX_SECRET_KEY, or no key
 * file made yet).
 */
export function secretKey(dataDir: string, options: { embedded: boolean; create: boolean; env?: NodeJS.ProcessEnv }): Buffer | undefined {
  const given = (options.env ?? process.env).TIX_SECRET_KEY;
  if (given !== undefined && given.trim() !== '') return parseSecretKey(given);
  if (!options.embedded) return undefined;
  const file = join(dataDir, 'keys', 'secret.key');
  const text = readKeyFile(file) ?? (options.create ? writeKeyFileOnce(file, `${randomBytes(SECRET_KEY_BYTES).toString('hex')}\n`).text : undefined);
  return text === undefined ? undefined : parseSecretKey(text, file);
}
