import type { IndicatorType } from '../model/index.ts';
import { accept, reject, type Normalised } from './result.ts';

const HEX = /^[0-9a-f]+$/;
const HASH_LENGTHS: Record<number, IndicatorType> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };
const EXPECTED_LENGTH: Partial<Record<IndicatorType, number>> = {
  md5: 32,
  sha1: 40,
  sha256: 64,
  sha512: 128,
  ja3: 32,
  'x509-sha1': 40,
};
/** ssdeep: blocksize:hash:hash, base64 alphabet; an optional ,"filename" suffix is dropped. */
const SSDEEP = /^(\d{1,10}):([A-Za-z0-9/+]{1,64}):([A-Za-z0-9/+]{1,64})$/;
const TLSH = /^(t1)?[0-9a-f]{70}$/;

/** A hex digest of known length, lowercased; x509 fingerprints may be written with colons. */
export function normaliseHash(input: string, type?: IndicatorType): Normalised {
  let hex = input.trim().toLowerCase();
  if (type === 'x509-sha1' && hex.includes(':')) hex = hex.replaceAll(':', '');
  if (!HEX.test(hex)) return reject('hash is not hexadecimal');
  if (type === undefined) {
    const guessed = HASH_LENGTHS[hex.length];
    return guessed ? accept(guessed, hex) : reject(`hash length ${hex.length} matches no known hash`);
  }
  const expected = EXPECTED_LENGTH[type];
  if (expected === undefined) return reject(`${type} is not a hex digest type`);
  if (hex.length !== expected) return reject(`${type} must be ${expected} hex digits, got ${hex.length}`);
  return accept(type, hex);
}

export function normaliseSsdeep(input: string): Normalised {
  let text = input.trim();
  const comma = text.indexOf(',');
  if (comma > 0) text = text.slice(0, comma);
  return SSDEEP.test(text) ? accept('ssdeep', text) : reject('not an ssdeep hash (blocksize:hash:hash)');
}

export function normaliseTlsh(input: string): Normalised {
  const text = input.trim().toLowerCase();
  if (!TLSH.test(text)) return reject('not a TLSH digest (70 hex digits, optionally prefixed T1)');
  // T1 only names the digest's version (TLSH 4 prints it, older tools do not): one digest, one canonical form
  return accept('tlsh', text.startsWith('t1') ? text : `t1${text}`);
}
