import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { readKeyFile, writeKeyFileOnce } from './key-file.ts';

/**
 * The instance's package-signing key (Ed25519), kept in the data directory
 * (`keys/package-signing.pem`, readable by its owner only) and made on first
 * use. Its public half (`keys/package-signing.pub.pem`) is what recipients
 * are given to check packages with.
 */
export function signingKey(dataDir: string): { privateKey: KeyObject; publicKey: KeyObject; publicPem: string } {
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'package-signing.pem');
  const pem = readKeyFile(file) ?? createKey(dir, file);
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Makes the key, and its public half beside it, unless another process made it first (then that one is the key). */
function createKey(dir: string, file: string): string {
  const pair = generateKeyPairSync('ed25519');
  const written = writeKeyFileOnce(file, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  if (written.created) writeFileSync(join(dir, 'package-signing.pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return written.text;
}

/** A public key a recipient trusts, from a PEM file. */
export function readPublicKey(file: string): KeyObject {
  try {
    return createPublicKey(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError('TIX_INPUT_UNREADABLE', `${file}: not a readable public key: ${(error as Error).message}`, { file }, { cause: error });
  }
}
