import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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
    pem = createOnce(dir, file);
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/**
 * Makes the key unless another process (a worker of `tix serve`, a CLI
 * command) made it first: the new file is linked into place, which fails if
 * one is there already, and then the one there is the key.
 */
function createOnce(dir: string, file: string): string {
  const pair = generateKeyPairSync('ed25519');
  const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const draft = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(draft, pem, { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFileSync(file, 'utf8');
  } finally {
    unlinkSync(draft);
  }
  writeFileSync(join(dir, 'package-signing.pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return pem;
}

/** A public key a recipient trusts, from a PEM file. */
export function readPublicKey(file: string): KeyObject {
  try {
    return createPublicKey(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError('TIX_INPUT_UNREADABLE', `${file}: not a readable public key: ${(error as Error).message}`, { file }, { cause: error });
  }
}
