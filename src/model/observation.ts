import { z } from 'zod';
import { IndicatorTypeSchema, ThreatTypeSchema, TlpSchema } from './vocab.ts';

/** Milliseconds since the epoch, UTC. Dates cross the core as numbers; edges format them. */
export const EpochMsSchema = z.number().int().nonnegative();

/**
 * One source's statement about one value, as a parser yields it: what the
 * source says, and the raw line it said it on, kept as evidence.
 */
export const ObservationSchema = z.object({
  type: IndicatorTypeSchema,
  value: z.string().min(1),
  firstSeen: EpochMsSchema,
  lastSeen: EpochMsSchema,
  confidence: z.number().int().min(0).max(100).optional(),
  threatType: ThreatTypeSchema.optional(),
  malware: z.string().optional(),
  tags: z.array(z.string()),
  reference: z.string().optional(),
  tlp: TlpSchema.optional(),
  validUntil: EpochMsSchema.optional(),
  revoked: z.boolean().optional(),
  raw: z.string(),
  line: z.number().int().positive(),
  /** The exchange object the value came from (a STIX indicator or observable id, a MISP attribute uuid). */
  objectId: z.string().optional(),
});
export type Observation = z.infer<typeof ObservationSchema>;

export const IssueSeveritySchema = z.enum(['error', 'warning']);

/** A bad input record: data, not an exception. Printed like a compiler error. */
export const IssueSchema = z.object({
  code: z.string(),
  file: z.string(),
  line: z.number().int().nonnegative(),
  field: z.string().optional(),
  message: z.string(),
  severity: IssueSeveritySchema,
});
export type Issue = z.infer<typeof IssueSchema>;

export function formatIssue(issue: Issue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  const field = issue.field ? `${issue.field}: ` : '';
  return `${where}: ${field}${issue.message}`;
}
