import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';

export interface ManifestFile {
  path: string;
  sha256: string;
  bytes: number;
}

/** What a package holds, for whom and until when, and who vouches for it. */
export interface Manifest {
  format: 'tix-package/1';
  operation: string;
  country: string;
  recipient?: string;
  producer: string;
  createdAt: string;
  expiresAt: string;
  files: ManifestFile[];
  signer: {
    /** Ed25519 public key, SPKI DER in base64. */
    publicKey: string;
    /** First 16 hex digits of the SHA-256 of the public key: what a recipient compares with the fingerprint given out of band. */
    keyId: string;
  };
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Fingerprint of an Ed25519 public key. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16);
}

/** A file's manifest entry. */
export function manifestEntry(path: string, content: Buffer | string): ManifestFile {
  return { path, sha256: sha256(content), bytes: Buffer.byteLength(content) };
}

export function buildManifest(
  files: ReadonlyArray<{ path: string; content: Buffer | string } | ManifestFile>,
  meta: { operation: string; country: string; recipient?: string; producer: string; createdAt: number; expiresAt: number },
  publicKey: KeyObject,
): Manifest {
  return {
    format: 'tix-package/1',
    operation: meta.operation,
    country: meta.country,
    ...(meta.recipient === undefined ? {} : { recipient: meta.recipient }),
    producer: meta.producer,
    createdAt: new Date(meta.createdAt).toISOString(),
    expiresAt: new Date(meta.expiresAt).toISOString(),
    files: files
      .map((file) => ('sha256' in file ? file : manifestEntry(file.path, file.content)))
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
    signer: { publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), keyId: keyIdOf(publicKey) },
  };
}

/** The manifest's bytes as written, and their Ed25519 signature (base64). */
export function signManifest(manifest: Manifest, privateKey: KeyObject): { text: string; signature: string } {
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  return { text, signature: `${sign(null, Buffer.from(text), privateKey).toString('base64')}\n` };
}

export interface Verification {
  ok: boolean;
  manifest?: Manifest;
  /** Each thing wrong, one line each. */
  problems: string[];
  expired: boolean;
}

/**
 * Checks a package: the signature over the manifest's exact bytes (with the
 * key the manifest names, or the one the recipient trusts), then every
 * file's size and SHA-256, and that no file was added or removed. Any changed
 * byte anywhere fails it.
 */
export function verifyPackage(
  read: { manifest: Buffer; signature: string; files: ReadonlyMap<string, Buffer> },
  options: { now: number; trustedKey?: KeyObject },
): Verification {
  const problems: string[] = [];
  let manifest: Manifest;
  try {
    manifest = JSON.parse(read.manifest.toString('utf8')) as Manifest;
  } catch (error) {
    return { ok: false, problems: [`${MANIFEST}: not JSON (${(error as Error).message})`], expired: false };
  }
  if (manifest?.format !== 'tix-package/1' || !Array.isArray(manifest.files) || !manifest.signer?.publicKey) {
    return { ok: false, problems: [`${MANIFEST}: not a tix package manifest`], expired: false };
  }
  let key: KeyObject;
  try {
    key = options.trustedKey ?? createPublicKey({ key: Buffer.from(manifest.signer.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch (error) {
    return { ok: false, manifest, problems: [`${MANIFEST}: the signer's public key is unreadable (${(error as Error).message})`], expired: false };
  }
  if (options.trustedKey && manifest.signer.keyId !== keyIdOf(options.trustedKey)) problems.push(`${MANIFEST}: signed by key ${manifest.signer.keyId}, not the trusted key ${keyIdOf(options.trustedKey)}`);
  let signed = false;
  try {
    signed = verify(null, read.manifest, key, Buffer.from(read.signature.trim(), 'base64'));
  } catch (error) {
    problems.push(`${SIGNATURE}: unreadable (${(error as Error).message})`);
  }
  if (!signed) problems.push(`${SIGNATURE}: the signature does not match ${MANIFEST}`);
  const listed = new Set<string>();
  for (const file of manifest.files) {
    listed.add(file.path);
    const content = read.files.get(file.path);
    if (!content) problems.push(`${file.path}: missing`);
    else if (content.length !== file.bytes || sha256(content) !== file.sha256) problems.push(`${file.path}: changed (SHA-256 differs from the manifest)`);
  }
  for (const path of read.files.keys()) if (!listed.has(path)) problems.push(`${path}: not in the manifest`);
  const expired = Date.parse(manifest.expiresAt) <= options.now;
  return { ok: problems.length === 0, manifest, problems, expired };
}
