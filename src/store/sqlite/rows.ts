import type { Indicator, IndicatorStatus, IndicatorType, SourceView, ThreatType, Tlp } from '../../model/index.ts';
import { TLP_LEVELS, combineEvaluations, type Evaluation, type Handling, type Pap, type Reliability } from '../../model/index.ts';

export interface IndicatorRow {
  id: number;
  type: string;
  value: string;
  first_seen: number;
  last_seen: number;
  added_at: number;
}

export interface ObservationRow {
  indicator_id: number;
  source: string;
  first_seen: number;
  last_seen: number;
  confidence: number | null;
  threat_type: string | null;
  malware: string | null;
  tags: string;
  reference: string | null;
  tlp: string;
  valid_until: number | null;
  revoked_at: number | null;
  revoke_reason: string | null;
  listed: number;
  raw: string;
  origin: string | null;
  origin_line: number;
  pap: string | null;
  reliability: string | null;
  accuracy: number | null;
  handling: string | null;
  added_at: number;
  updated_at: number;
}

export const OBSERVATION_COLUMNS = `o.indicator_id, s.name AS source, o.first_seen, o.last_seen, o.confidence, o.threat_type,
  o.malware, o.tags, o.reference, o.tlp, o.valid_until, o.revoked_at, o.revoke_reason, o.listed, coalesce(o.raw, i.value) AS raw,
  im.origin, o.origin_line, s.pap, s.reliability, s.accuracy, s.handling, o.added_at, o.updated_at`;

/**
 * One row of OBSERVATION_COLUMNS read as an array (better-sqlite3's raw mode):
 * building the object here costs a third of letting the driver name every column.
 */
export function observationRow(a: unknown[]): ObservationRow {
  return {
    indicator_id: a[0] as number,
    source: a[1] as string,
    first_seen: a[2] as number,
    last_seen: a[3] as number,
    confidence: a[4] as number | null,
    threat_type: a[5] as string | null,
    malware: a[6] as string | null,
    tags: a[7] as string,
    reference: a[8] as string | null,
    tlp: a[9] as string,
    valid_until: a[10] as number | null,
    revoked_at: a[11] as number | null,
    revoke_reason: a[12] as string | null,
    listed: a[13] as number,
    raw: a[14] as string,
    origin: a[15] as string | null,
    origin_line: a[16] as number,
    pap: a[17] as string | null,
    reliability: a[18] as string | null,
    accuracy: a[19] as number | null,
    handling: a[20] as string | null,
    added_at: a[21] as number,
    updated_at: a[22] as number,
  };
}

export const OBSERVATION_JOINS =
  'JOIN indicators i ON i.id = o.indicator_id JOIN sources s ON s.id = o.source_id LEFT JOIN imports im ON im.id = o.origin_import';

export function toSourceView(row: ObservationRow): SourceView {
  const view: SourceView = {
    source: row.source,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    tags: row.tags ? row.tags.split(',') : [],
    tlp: row.tlp as Tlp,
    listed: row.listed === 1,
    raw: row.raw,
    addedAt: row.added_at,
    updatedAt: row.updated_at,
  };
  if (row.confidence !== null) view.confidence = row.confidence;
  if (row.threat_type !== null) view.threatType = row.threat_type as ThreatType;
  if (row.malware !== null) view.malware = row.malware;
  if (row.reference !== null) view.reference = row.reference;
  if (row.valid_until !== null) view.validUntil = row.valid_until;
  if (row.revoked_at !== null) view.revokedAt = row.revoked_at;
  if (row.revoke_reason !== null) view.revokeReason = row.revoke_reason;
  if (row.origin !== null) view.origin = { file: row.origin, line: row.origin_line };
  const evaluation: Evaluation = {};
  if (row.pap !== null) evaluation.pap = row.pap as Pap;
  if (row.reliability !== null) evaluation.reliability = row.reliability as Reliability;
  if (row.accuracy !== null) evaluation.accuracy = row.accuracy;
  if (row.handling !== null) evaluation.handling = row.handling as Handling;
  if (Object.keys(evaluation).length) view.evaluation = evaluation;
  return view;
}

function statusOf(view: SourceView, now: number): IndicatorStatus {
  if (view.revokedAt !== undefined) return 'revoked';
  if (view.validUntil !== undefined && view.validUntil <= now) return 'expired';
  return 'active';
}

/** The summary of one value across its sources. */
export function summarise(row: IndicatorRow, views: SourceView[], now: number): Indicator {
  if (views.length === 1) return summariseOne(row, views[0]!, now);
  const statuses = views.map((view) => statusOf(view, now));
  const status: IndicatorStatus = statuses.includes('active') ? 'active' : statuses.includes('expired') ? 'expired' : 'revoked';
  const confidences = views.flatMap((view) => (view.confidence === undefined ? [] : [view.confidence]));
  // the most shareable marking any source gives the value
  const tlp = views.reduce<Tlp>((best, view) => (TLP_LEVELS.indexOf(view.tlp) < TLP_LEVELS.indexOf(best) ? view.tlp : best), 'red');
  const indicator: Indicator = {
    type: row.type as IndicatorType,
    value: row.value,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    sources: [...new Set(views.map((view) => view.source))].sort(),
    threatTypes: [...new Set(views.flatMap((view) => (view.threatType ? [view.threatType] : [])))].sort(),
    malware: [...new Set(views.flatMap((view) => (view.malware ? [view.malware] : [])))].sort(),
    tlp,
    status,
    addedAt: row.added_at,
  };
  if (confidences.length) indicator.confidence = Math.max(...confidences);
  const evaluation = combineEvaluations(views.flatMap((view) => (view.evaluation ? [view.evaluation] : [])));
  if (evaluation) indicator.evaluation = evaluation;
  if (views.length && views.every((view) => view.validUntil !== undefined)) {
    indicator.validUntil = Math.max(...views.map((view) => view.validUntil!));
  }
  return indicator;
}

/** The summary of a value one source reports (most values): the same result without the merging. */
function summariseOne(row: IndicatorRow, view: SourceView, now: number): Indicator {
  const indicator: Indicator = {
    type: row.type as IndicatorType,
    value: row.value,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    sources: [view.source],
    threatTypes: view.threatType ? [view.threatType] : [],
    malware: view.malware ? [view.malware] : [],
    tlp: view.tlp,
    status: statusOf(view, now),
    addedAt: row.added_at,
  };
  if (view.confidence !== undefined) indicator.confidence = view.confidence;
  if (view.evaluation) indicator.evaluation = { ...view.evaluation };
  if (view.validUntil !== undefined) indicator.validUntil = view.validUntil;
  return indicator;
}
