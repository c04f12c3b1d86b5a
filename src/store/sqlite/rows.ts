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
