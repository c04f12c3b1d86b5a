import { InputError } from '../errors.ts';
import { indicatorValues, patternOf, TLP2_MARKINGS, tlpMarkingDefinition, tlpOfMarking } from '../formats/stix/index.ts';
import { TIX_NAMESPACE, uuidV5 } from '../formats/common/uuid.ts';
import type { IndicatorType, Pap, Tlp } from '../model/index.ts';
import type { ReportContent, ReportDraft } from './report.ts';

/** A report as the STIX export needs it. */
export interface ReportForStix extends ReportContent {
  stixId: string;
  ownerName: string;
  tlp: Tlp;
  pap?: Pap;
  version: number;
  createdAt: number;
  updatedAt: number;
}

const stamp = (ms: number): string => new Date(ms).toISOString();
type StixObject = Record<string, unknown>;

/** The same ids the STIX indicator export gives (values, malware by name), so a report and an export of its values agree. */
export const indicatorId = (type: IndicatorType, value: string): string => `indicator--${uuidV5(TIX_NAMESPACE, `indicator:${type}:${value}`)}`;
const namedId = (kind: string, name: string): string => `${kind}--${uuidV5(TIX_NAMESPACE, `${kind}:${name.toLowerCase()}`)}`;

/**
 * A report as a STIX 2.1 bundle: the `report` (name, description = the
 * Markdown body, published, object_refs) with its author's identity, its
 * TLP 2.0 marking, an indicator per linked value, malware, threat actors and
 * campaigns by name; STIX ids it links are referenced as they are. PAP and
 * the summary travel as custom properties, attachments as external
 * references carrying their SHA-256 (never their bytes).
 */
export function reportBundle(report: ReportForStix): { type: 'bundle'; id: string; objects: StixObject[] } {
  const created = stamp(report.createdAt);
  const modified = stamp(report.updatedAt);
  const identity = { type: 'identity', spec_version: '2.1', id: namedId('identity', report.ownerName), created, modified: created, name: report.ownerName, identity_class: 'organization' };
  const marking = [TLP2_MARKINGS[report.tlp]];
  const common = (type: string, id: string): StixObject => ({ type, spec_version: '2.1', id, created_by_ref: identity.id, created, modified, object_marking_refs: marking });
  const linked: StixObject[] = [];
  for (const { type, value } of report.links.indicators) {
    const pattern = patternOf(type, value);
    if (!pattern) continue;
    linked.push({ ...common('indicator', indicatorId(type, value)), name: value, indicator_types: ['malicious-activity'], pattern, pattern_type: 'stix', pattern_version: '2.1', valid_from: stamp(report.publishedAt) });
  }
  for (const name of report.links.malware) linked.push({ ...common('malware', namedId('malware', name)), name, is_family: true });
  for (const name of report.links.actors) linked.push({ ...common('threat-actor', namedId('threat-actor', name)), name });
  for (const name of report.links.campaigns) linked.push({ ...common('campaign', namedId('campaign', name)), name });
  const refs = [...linked.map((object) => object.id as string), ...report.links.objects];
  const stix: StixObject = {
    ...common('report', report.stixId),
    name: report.title,
    description: report.body,
    report_types: ['threat-report'],
    published: stamp(report.publishedAt),
    // object_refs may not be empty (STIX 2.1 §4.14): a report linking nothing refers to its author
    object_refs: refs.length ? refs : [identity.id],
  };
  if (report.summary) stix.x_tix_summary = report.summary;
  if (report.pap) stix.x_tix_pap = report.pap;
  stix.x_tix_version = report.version;
  if (report.attachments.length) {
    stix.external_references = report.attachments.map((attachment) => ({ source_name: 'attachment', description: attachment.name, hashes: { 'SHA-256': attachment.sha256 } }));
  }
  return { type: 'bundle', id: `bundle--${uuidV5(TIX_NAMESPACE, `report-bundle:${report.stixId}:${report.version}`)}`, objects: [identity, tlpMarkingDefinition(report.tlp), stix, ...linked] };
}

export interface ImportedReport {
  stixId: string;
  tlp?: Tlp;
  pap?: Pap;
  draft: ReportDraft;
}

const PAPS = new Set(['clear', 'green', 'amber', 'red']);

/**
 * The `report` objects of a STIX bundle (or array of objects) as drafts:
 * name → title, description → body (sanitised when prepared), published,
 * object_refs resolved against the bundle (indicators to their values,
 * malware, threat actors, intrusion sets and campaigns to their names);
 * refs to objects not in the bundle stay STIX ids, which the store then
 * checks the importer may read. Pure; a malformed report is an InputError.
 */
export function reportsFromStix(document: unknown): ImportedReport[] {
  const objects: StixObject[] = Array.isArray(document)
    ? (document as StixObject[])
    : document && typeof document === 'object' && Array.isArray((document as StixObject).objects)
      ? ((document as StixObject).objects as StixObject[])
      : document && typeof document === 'object'
        ? [document as StixObject]
        : [];
  const byId = new Map(objects.filter((object) => object && typeof object.id === 'string').map((object) => [object.id as string, object]));
  const reports = objects.filter((object) => object && object.type === 'report');
  if (!reports.length) throw new InputError('TIX_INPUT_EMPTY', 'the document holds no STIX report object');
  return reports.map((report, index) => {
    const field = (name: string): string => `objects[${index}] (${String(report.id).slice(0, 60)}).${name}`;
    if (typeof report.id !== 'string' || !/^report--[0-9a-f-]{36}$/.test(report.id)) throw new InputError('TIX_STIX_INVALID', `${field('id')}: not a report id`, { field: 'id' });
    if (typeof report.name !== 'string' || !report.name.trim()) throw new InputError('TIX_STIX_INVALID', `${field('name')}: missing`, { field: 'name' });
    const published = typeof report.published === 'string' ? Date.parse(report.published) : NaN;
    if (Number.isNaN(published)) throw new InputError('TIX_STIX_INVALID', `${field('published')}: missing or not a timestamp`, { field: 'published' });
    const refs = Array.isArray(report.object_refs) ? (report.object_refs as unknown[]).filter((ref): ref is string => typeof ref === 'string') : [];
    const draft: ReportDraft & { indicators: Array<{ type: IndicatorType; value: string }>; malware: string[]; actors: string[]; campaigns: string[]; objects: string[] } = {
      title: report.name,
      body: typeof report.description === 'string' ? report.description : '',
      publishedAt: published,
      indicators: [],
      malware: [],
      actors: [],
      campaigns: [],
      objects: [],
    };
    if (typeof report.x_tix_summary === 'string') draft.summary = report.x_tix_summary;
    for (const ref of refs) {
      const object = byId.get(ref);
      if (!object) {
        draft.objects.push(ref);
        continue;
      }
      const name = typeof object.name === 'string' ? object.name : undefined;
      if (object.type === 'indicator' && typeof object.pattern === 'string') {
        const found = indicatorValues(object.pattern);
        if (found.ok) draft.indicators.push(...found.values);
      } else if (object.type === 'malware' && name) draft.malware.push(name);
      else if ((object.type === 'threat-actor' || object.type === 'intrusion-set') && name) draft.actors.push(name);
      else if (object.type === 'campaign' && name) draft.campaigns.push(name);
      // the author's identity, markings and other bundled objects carry nothing a report links by value
    }
    const markings = Array.isArray(report.object_marking_refs) ? (report.object_marking_refs as unknown[]).filter((ref): ref is string => typeof ref === 'string') : [];
    const tlp = markings.map(tlpOfMarking).find((level) => level !== undefined);
    const pap = typeof report.x_tix_pap === 'string' && PAPS.has(report.x_tix_pap) ? (report.x_tix_pap as Pap) : undefined;
    return { stixId: report.id, ...(tlp ? { tlp } : {}), ...(pap ? { pap } : {}), draft };
  });
}
