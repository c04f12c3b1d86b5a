import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';

/**
 * The instance's package-signing key (Ed25519), kept in the data directory
 * (`keys/package-signing.pem`, readable by its owner only) and made on first
 * use. Its public half (`keys/package-signing.pub.pem`) is what recipients
 * are given to check packages with.
 */
export function signingKey(dataDir: string): { privateKey: KeyObject; publicKey: KeyObject; publicPem: string } {
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'package-signing.pem');
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const pair = generateKeyPairSync('ed25519');
    pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(`${file}.tmp`, pem, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    writeFileSync(join(dir, 'package-signing.pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** A public key a recipient trusts, from a PEM file. */
export function readPublicKey(file: string): KeyObject {
  try {
    return createPublicKey(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError('TIX_INPUT_UNREADABLE', `${file}: not a readable public key: ${(error as Error).message}`, { file }, { cause: error });
  }
}
