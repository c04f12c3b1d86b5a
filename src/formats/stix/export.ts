import type { Indicator, IndicatorType, ThreatType } from '../../model/index.ts';
import { TLP_LEVELS } from '../../model/index.ts';
import type { ExportContext, ExportModule, Exporter } from '../../export/exporter.ts';
import { STIX_SCO_NAMESPACE, TIX_NAMESPACE, uuidV5 } from '../common/uuid.ts';
import { TLP2_MARKINGS, tlpMarkingDefinition } from './vocab.ts';

/** A string literal of the STIX pattern grammar: quote and backslash escaped. */
export function patternString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const HASH_NAMES: Partial<Record<IndicatorType, string>> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
  ssdeep: 'SSDEEP',
  tlsh: 'TLSH',
};

const RFC3986 = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;

const ipObject = (value: string): string => (value.includes(':') ? 'ipv6-addr' : 'ipv4-addr');

/** The STIX pattern of one tix value (STIX 2.1 §9), as tix reads it back. */
export function patternOf(type: IndicatorType, value: string): string | undefined {
  const hash = HASH_NAMES[type];
  if (hash) return `[file:hashes.${patternString(hash)} = ${patternString(value)}]`;
  switch (type) {
    case 'ipv4':
    case 'ipv6':
    case 'cidr':
      return `[${ipObject(value)}:value = ${patternString(value)}]`;
    case 'ip-port': {
      const at = value.lastIndexOf(':');
      const host = value.slice(0, at).replace(/^\[|\]$/g, '');
      return `[network-traffic:dst_ref.type = ${patternString(ipObject(host))} AND network-traffic:dst_ref.value = ${patternString(host)} AND network-traffic:dst_port = ${Number(value.slice(at + 1))}]`;
    }
    case 'domain':
    case 'hostname':
      return `[domain-name:value = ${patternString(value)}]`;
    case 'url':
      return `[url:value = ${patternString(value)}]`;
    case 'email':
      return `[email-addr:value = ${patternString(value)}]`;
    case 'asn':
      return `[autonomous-system:number = ${Number(value.replace(/^AS/i, ''))}]`;
    case 'x509-sha1':
      return `[x509-certificate:hashes.'SHA-1' = ${patternString(value)}]`;
    case 'filename':
      return `[file:name = ${patternString(value)}]`;
    default:
      return undefined;
  }
}

/** The cyber-observable for a value, with the deterministic id STIX 2.1 §2.9 prescribes (UUIDv5 of its id-contributing properties). */
function observableOf(type: IndicatorType, value: string): Record<string, unknown> | undefined {
  const sco = (scoType: string, properties: Record<string, unknown>): Record<string, unknown> => ({
    type: scoType,
    spec_version: '2.1',
    id: `${scoType}--${uuidV5(STIX_SCO_NAMESPACE, canonicalJson(properties))}`,
    ...properties,
  });
  const hash = HASH_NAMES[type];
  if (hash) return sco('file', { hashes: { [hash]: value } });
  switch (type) {
    case 'ipv4':
    case 'ipv6':
    case 'cidr':
      return sco(ipObject(value), { value });
    case 'domain':
    case 'hostname':
      return sco('domain-name', { value });
    case 'url':
      // the url object's value must be an RFC 3986 URI; feeds' URLs with raw ^, | or spaces keep only the indicator
      return RFC3986.test(value) ? sco('url', { value }) : undefined;
    case 'email':
      return sco('email-addr', { value });
    case 'x509-sha1':
      return sco('x509-certificate', { hashes: { 'SHA-1': value } });
    default:
      return undefined;
  }
}

/** JSON with keys sorted at every level: the canonical form the SCO id is derived from. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** tix threat types → the STIX 2.1 indicator-type vocabulary (§10.11). */
const INDICATOR_TYPE_OF_THREAT: Partial<Record<ThreatType, string>> = {
  'compromised-host': 'compromised',
  anonymiser: 'anonymization',
};

const stamp = (ms: number): string => new Date(ms).toISOString();

/** The id the exporter gives a value's indicator object: stable, so reports and later exports can refer to it. */
export function stixIndicatorId(type: IndicatorType, value: string): string {
  return `indicator--${uuidV5(TIX_NAMESPACE, `indicator:${type}:${value}`)}`;
}

/** The id the exporter gives the producer's identity object. */
export function stixIdentityId(producer: string): string {
  return `identity--${uuidV5(TIX_NAMESPACE, `identity:${producer}`)}`;
}

export const stixExport: ExportModule = {
  id: 'stix',
  title: 'STIX 2.1 bundle: indicators with patterns, observables, malware and relationships, TLP 2.0 markings',
  mediaType: 'application/stix+json;version=2.1',
  extension: 'json',
  types: ['ipv4', 'ipv6', 'cidr', 'ip-port', 'domain', 'hostname', 'url', 'email', 'md5', 'sha1', 'sha256', 'sha512', 'ssdeep', 'tlsh', 'asn', 'x509-sha1', 'filename'],
  createExporter(ctx: ExportContext): Exporter {
    const now = stamp(ctx.now);
    const identity = {
      type: 'identity',
      spec_version: '2.1',
      id: stixIdentityId(ctx.producer.name),
      created: now,
      modified: now,
      name: ctx.producer.name,
      identity_class: 'organization',
    };
    const malwareIds = new Map<string, string>();
    const object = (value: unknown): string => `,\n${JSON.stringify(value)}`;
    return {
      begin() {
        const bundleId = `bundle--${uuidV5(TIX_NAMESPACE, `bundle:${ctx.producer.name}:${now}`)}`;
        const head = [identity, ...TLP_LEVELS.map(tlpMarkingDefinition)].map((item) => JSON.stringify(item)).join(',\n');
        return `{"type":"bundle","id":"${bundleId}","objects":[\n${head}`;
      },
      indicator(indicator: Indicator) {
        const pattern = patternOf(indicator.type, indicator.value);
        if (!pattern) return '';
        const id = stixIndicatorId(indicator.type, indicator.value);
        const validFrom = stamp(indicator.firstSeen);
        const stix: Record<string, unknown> = {
          type: 'indicator',
          spec_version: '2.1',
          id,
          created_by_ref: identity.id,
          created: stamp(indicator.addedAt),
          modified: stamp(Math.max(indicator.addedAt, indicator.lastSeen)),
          name: indicator.value,
          indicator_types: [...new Set(indicator.threatTypes.map((threat) => INDICATOR_TYPE_OF_THREAT[threat] ?? 'malicious-activity'))],
          pattern,
          pattern_type: 'stix',
          pattern_version: '2.1',
          valid_from: validFrom,
          object_marking_refs: [TLP2_MARKINGS[indicator.tlp]],
        };
        if (!(stix.indicator_types as string[]).length) stix.indicator_types = ['malicious-activity'];
        // valid_until must lie after valid_from (STIX 2.1 §4.7)
        if (indicator.validUntil !== undefined && indicator.validUntil > indicator.firstSeen) stix.valid_until = stamp(indicator.validUntil);
        if (indicator.confidence !== undefined) stix.confidence = indicator.confidence;
        const labels = [...indicator.threatTypes, ...indicator.sources.map((source) => `source:${source}`)];
        if (labels.length) stix.labels = labels;
        if (indicator.status === 'revoked') stix.revoked = true;
        // STIX has no PAP or 4x4 evaluation; a custom property (STIX 2.1 §11.1) carries them
        if (indicator.evaluation) {
          const { pap, reliability, accuracy, handling } = indicator.evaluation;
          stix.x_tix_evaluation = {
            ...(pap ? { pap } : {}),
            ...(reliability ? { source_reliability: reliability } : {}),
            ...(accuracy !== undefined ? { information_accuracy: accuracy } : {}),
            ...(handling ? { handling_code: handling } : {}),
          };
        }
        let text = object(stix);
        const sco = observableOf(indicator.type, indicator.value);
        if (sco) text += object(sco);
        for (const name of indicator.malware) {
          let malwareId = malwareIds.get(name);
          if (!malwareId) {
            malwareId = `malware--${uuidV5(TIX_NAMESPACE, `malware:${name.toLowerCase()}`)}`;
            malwareIds.set(name, malwareId);
            text += object({ type: 'malware', spec_version: '2.1', id: malwareId, created_by_ref: identity.id, created: now, modified: now, name, is_family: true });
          }
          text += object({
            type: 'relationship',
            spec_version: '2.1',
            id: `relationship--${uuidV5(TIX_NAMESPACE, `indicates:${id}:${malwareId}`)}`,
            created_by_ref: identity.id,
            created: now,
            modified: now,
            relationship_type: 'indicates',
            source_ref: id,
            target_ref: malwareId,
            object_marking_refs: [TLP2_MARKINGS[indicator.tlp]],
          });
        }
        return text;
      },
      end() {
        return '\n]}\n';
      },
    };
  },
};
