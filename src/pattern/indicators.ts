import type { IndicatorType } from '../model/index.ts';
import { normalise, normaliseAsn, parsePort, type Normalised } from '../normalise/index.ts';
import type { ComparisonNode, Literal, Pattern, PatternNode, PropTest } from './ast.ts';
import { canonicalIp } from './compare.ts';
import { parsePattern } from './parser.ts';
import { pathKey } from './path.ts';

/**
 * The values a pattern can be indexed by: for a pattern that is only
 * equalities on indicator-bearing properties, joined by OR, every value it
 * names, normalised as tix stores it. Anything else (negation, !=, LIKE,
 * MATCHES, ranges, qualifiers, observation operators, AND across objects or
 * over extra properties) is `complex`: an index lookup would over- or
 * under-match it, so only the matcher can use it, and `values` is empty.
 */
export interface PatternIndicators {
  values: IndicatorValue[];
  /** Constants that are not valid indicators of their type; reported, never returned. */
  rejected: RejectedValue[];
  complex: boolean;
  /** Why the pattern is complex. */
  reason?: string;
}

export interface IndicatorValue {
  type: IndicatorType;
  value: string;
}

export interface RejectedValue {
  path: string;
  value: string;
  reason: string;
}

/** How to read the constant at a path: a normalise type, or an address family that must match. */
type Hint = IndicatorType | 'ipv4-only' | 'ipv6-only' | 'ip-or-host';

/** The STIX hash algorithm vocabulary (§10.7) names of the hashes tix holds. */
export const STIX_HASH_TYPES: Readonly<Record<string, IndicatorType>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-512': 'sha512',
  SSDEEP: 'ssdeep',
  TLSH: 'tlsh',
};

const PATHS: Record<string, Hint> = {
  'ipv4-addr:value': 'ipv4-only',
  'ipv6-addr:value': 'ipv6-only',
  'domain-name:value': 'domain',
  'url:value': 'url',
  'email-addr:value': 'email',
  'email-message:from_ref.value': 'email',
  'email-message:sender_ref.value': 'email',
  'file:name': 'filename',
  'autonomous-system:number': 'asn',
  "x509-certificate:hashes.'SHA-1'": 'x509-sha1',
  'network-traffic:dst_ref.value': 'ip-or-host',
  'network-traffic:src_ref.value': 'ip-or-host',
};
for (const [name, type] of Object.entries(STIX_HASH_TYPES)) {
  PATHS[`file:hashes.${name.includes('-') ? `'${name}'` : name}`] = type;
  PATHS[`artifact:hashes.${name.includes('-') ? `'${name}'` : name}`] = type;
}

const REF_TYPES: Record<string, Hint> = { 'ipv4-addr': 'ipv4-only', 'ipv6-addr': 'ipv6-only', 'domain-name': 'domain' };

/** A comparison an index can answer: equality, IN, or ISSUBSET (an address inside a block). */
interface Term {
  key: string;
  type: string;
  constants: Literal[];
  subset: boolean;
}

class Complex {
  constructor(readonly reason: string) {}
}

export function patternIndicators(pattern: string | Pattern): PatternIndicators {
  const parsed = typeof pattern === 'string' ? parsePattern(pattern) : pattern;
  const values = new Map<string, IndicatorValue>();
  const rejected: RejectedValue[] = [];
  try {
    for (const observation of observationsJoinedByOr(parsed.root)) {
      for (const group of conjunctions(observation)) {
        for (const [key, result] of groupValues(group.map(term))) {
          if (result.ok) values.set(`${result.type}\0${result.value}`, { type: result.type, value: result.value });
          else rejected.push({ path: key, value: result.input, reason: result.reason });
        }
      }
    }
  } catch (error) {
    if (!(error instanceof Complex)) throw error;
    return { values: [], rejected: [], complex: true, reason: error.reason };
  }
  return { values: [...values.values()], rejected, complex: false };
}

/** Observation expressions joined by OR: each matches on its own, so each contributes its values. */
function observationsJoinedByOr(node: PatternNode): ComparisonNode[] {
  switch (node.kind) {
    case 'observation':
      return [node.comparison];
    case 'or':
      return [...observationsJoinedByOr(node.left), ...observationsJoinedByOr(node.right)];
    case 'and':
      throw new Complex('observation expressions joined by AND need several observations');
    case 'followedby':
      throw new Complex('FOLLOWEDBY orders observations in time');
    case 'within':
      throw new Complex('the WITHIN qualifier limits observations in time');
    case 'repeats':
      throw new Complex('the REPEATS qualifier needs repeated observations');
    case 'start-stop':
      throw new Complex('the START/STOP qualifier limits observations in time');
  }
}

/** The comparison as OR-ed groups of AND-ed tests; an OR inside an AND is not a plain list of values. */
function conjunctions(node: ComparisonNode): PropTest[][] {
  if (node.kind === 'or') return [...conjunctions(node.left), ...conjunctions(node.right)];
  if (node.kind === 'test') return [[node]];
  const left = conjunctions(node.left);
  const right = conjunctions(node.right);
  if (left.length > 1 || right.length > 1) throw new Complex('OR inside AND combines values with other conditions');
  return [[...left[0]!, ...right[0]!]];
}

function term(test: PropTest): Term {
  const key = pathKey(test.path);
  if (test.negated) throw new Complex(`NOT negates the comparison on ${key}`);
  switch (test.operator) {
    case '=':
      return { key, type: test.path.objectType, constants: [test.value], subset: false };
    case 'IN':
      return { key, type: test.path.objectType, constants: test.value, subset: false };
    case 'ISSUBSET':
      return { key, type: test.path.objectType, constants: [test.value], subset: true };
    case 'EXISTS':
      throw new Complex(`EXISTS tests that ${key} is present, not its value`);
    default:
      throw new Complex(`${test.operator} on ${key} matches more than one value`);
  }
}

type Result = Normalised & { input: string };

/** The values one AND-ed group pins down, by the path each came from. */
function groupValues(terms: Term[]): [string, Result][] {
  const byKey = new Map<string, Term>();
  for (const t of terms) {
    if (byKey.has(t.key)) throw new Complex(`${t.key} is compared twice in one AND`);
    byKey.set(t.key, t);
  }
  const types = new Set(terms.map((t) => t.type));
  // [ipv4-addr:value = 'x' AND network-traffic:dst_port = 80] is how many producers write an ip:port
  const address = byKey.get('ipv4-addr:value') ?? byKey.get('ipv6-addr:value');
  const port = byKey.get('network-traffic:dst_port');
  if (types.size > 1) {
    if (address && port && terms.length === 2 && !address.subset) return withPort(address, port, 'ip-or-host');
    throw new Complex(`AND across different objects (${[...types].join(', ')}) never matches one object`);
  }
  if (terms[0]!.type === 'network-traffic') return networkTraffic(byKey);
  const [first, second] = terms;
  const hint = PATHS[first!.key];
  if (hint === undefined) throw new Complex(`${first!.key} has no indicator type`);
  if (second) throw new Complex(`${second.key} further restricts ${first!.key}`);
  return constants(first!, hint);
}

/** `network-traffic:dst_ref.value`, optionally with `dst_ref.type` and `dst_port` (or the src_ equivalents). */
function networkTraffic(byKey: Map<string, Term>): [string, Result][] {
  const side = byKey.has('network-traffic:dst_ref.value') ? 'dst' : 'src';
  const value = byKey.get(`network-traffic:${side}_ref.value`);
  const refType = byKey.get(`network-traffic:${side}_ref.type`);
  const port = byKey.get(`network-traffic:${side}_port`);
  for (const key of byKey.keys()) {
    if (![value, refType, port].some((t) => t?.key === key)) {
      throw new Complex(value ? `${key} further restricts network-traffic:${side}_ref.value` : `${key} has no indicator type`);
    }
  }
  if (!value) throw new Complex(`${[...byKey.keys()][0]} has no indicator type`);
  let hint: Hint = 'ip-or-host';
  if (refType) {
    const named = refType.constants.map((c) => (c.kind === 'string' ? REF_TYPES[c.value] : undefined));
    if (named.length !== 1 || named[0] === undefined) throw new Complex(`${refType.key} ${refType.constants.map((c) => c.text).join(', ')} has no indicator type`);
    hint = named[0];
  }
  if (port) {
    if (value.subset) throw new Complex(`ISSUBSET on ${value.key} with a port names no single ip:port`);
    if (hint === 'domain') throw new Complex('tix has no indicator type for a host name with a port');
    return withPort(value, port, hint);
  }
  return constants(value, hint);
}

function constants(t: Term, hint: Hint): [string, Result][] {
  const addressed = hint === 'ipv4-only' || hint === 'ipv6-only' || hint === 'ip-or-host';
  if (t.subset && !addressed) throw new Complex(`ISSUBSET on ${t.key} has no indicator type`);
  // an address or block: ISSUBSET means "inside this block", which is what a cidr indicator matches
  return t.constants.map((constant) => [t.key, read(constant, t.subset && hint === 'ip-or-host' ? 'cidr' : hint, t.key)]);
}

/** Every address × port pair as an ip-port. */
function withPort(address: Term, port: Term, hint: Hint): [string, Result][] {
  const out: [string, Result][] = [];
  for (const a of address.constants) {
    const ip = read(a, hint, address.key);
    for (const p of port.constants) {
      const portText = p.kind === 'int' ? String(p.value) : p.text;
      if (!ip.ok) out.push([address.key, ip]);
      else if (p.kind !== 'int' || parsePort(portText) === undefined) {
        out.push([port.key, { ok: false, reason: 'not a port number from 1 to 65535', input: portText }]);
      } else if (ip.type !== 'ipv4' && ip.type !== 'ipv6') {
        out.push([address.key, { ok: false, reason: `an ip:port needs a single address, not a ${ip.type}`, input: ip.input }]);
      } else {
        const pair = normalise(ip.type === 'ipv6' ? `[${ip.value}]:${portText}` : `${ip.value}:${portText}`, 'ip-port');
        out.push([address.key, { ...pair, input: `${ip.input}:${portText}` }]);
      }
    }
  }
  return out;
}

/** One constant through tix's normalisers, checked against what its path promises. */
function read(constant: Literal, hint: Hint, key: string): Result {
  if (hint === 'asn' && constant.kind === 'int') return { ...normaliseAsn(String(constant.value)), input: constant.text };
  if (constant.kind !== 'string') return { ok: false, reason: `${key} needs a string constant`, input: constant.text };
  const input = constant.value;
  let result: Normalised;
  switch (hint) {
    case 'ipv4-only':
    case 'ipv6-only': {
      result = normalise(input, 'cidr');
      // by the written form: an IPv4-mapped IPv6 address is fine in ipv6-addr, and stored as IPv4
      const v6 = input.includes(':');
      if (result.ok && v6 !== (hint === 'ipv6-only')) result = { ok: false, reason: `${key} holds an ${v6 ? 'IPv6' : 'IPv4'} address` };
      break;
    }
    case 'ip-or-host':
      result = canonicalIp(input) === undefined ? normalise(input, 'domain') : normalise(input, 'cidr');
      break;
    default:
      result = normalise(input, hint);
  }
  return { ...result, input };
}
