import type { ObjectPath, PathStep } from './ast.ts';
import { KEYWORDS } from './lexer.ts';

const BARE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A property name as the grammar lets it be written: bare when it can be, else quoted. */
export function formatKey(key: string): string {
  if (BARE.test(key) && !KEYWORDS.has(key) && key !== 'true' && key !== 'false') return key;
  return `'${key.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

export function formatStep(step: PathStep, first: boolean): string {
  if ('key' in step) return first ? formatKey(step.key) : `.${formatKey(step.key)}`;
  return `[${step.index}]`;
}

/** `file:hashes.'SHA-256'`, exactly as written (keys quoted only where needed). */
export function formatPath(path: ObjectPath): string {
  return `${path.objectType}:${path.steps.map((step, i) => formatStep(step, i === 0)).join('')}`;
}

/**
 * Hash algorithm names as the STIX hashing-algorithm vocabulary spells them.
 * Producers write `hashes.MD5`, `hashes.md5`, `hashes.SHA256` and
 * `hashes.'SHA-256'` for the same thing (all four occur in real feeds), so
 * keys under `hashes` are compared in this one spelling.
 */
const HASH_NAMES: Record<string, string> = {
  MD5: 'MD5',
  SHA1: 'SHA-1',
  SHA224: 'SHA-224',
  SHA256: 'SHA-256',
  SHA384: 'SHA-384',
  SHA512: 'SHA-512',
  SHA3224: 'SHA3-224',
  SHA3256: 'SHA3-256',
  SHA3384: 'SHA3-384',
  SHA3512: 'SHA3-512',
  SSDEEP: 'SSDEEP',
  TLSH: 'TLSH',
};

export function canonicalHashName(name: string): string {
  return HASH_NAMES[name.toUpperCase().replace(/[-_]/g, '')] ?? name;
}

/** The steps with hash algorithm names in their canonical spelling. */
export function canonicalSteps(steps: readonly PathStep[]): PathStep[] {
  return steps.map((step, i) => {
    const previous = steps[i - 1];
    if ('key' in step && previous && 'key' in previous && previous.key === 'hashes') return { key: canonicalHashName(step.key) };
    return step;
  });
}

/**
 * The key an observation record uses for this path: the path as written,
 * keys quoted only where needed, hash names canonical. `file:hashes.SHA256`
 * and `file:hashes.'SHA-256'` have the same key.
 */
export function pathKey(path: ObjectPath): string {
  return formatPath({ ...path, steps: canonicalSteps(path.steps) });
}
