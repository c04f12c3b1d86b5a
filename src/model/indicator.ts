import { z } from 'zod';
import { EvaluationSchema } from './evaluation.ts';
import { EpochMsSchema } from './observation.ts';
import { IndicatorTypeSchema, ThreatTypeSchema, TlpSchema } from './vocab.ts';

/** The merged state of one source's observations of one value, as stored. */
export const SourceViewSchema = z.object({
  source: z.string(),
  firstSeen: EpochMsSchema,
  lastSeen: EpochMsSchema,
  confidence: z.number().int().min(0).max(100).optional(),
  threatType: ThreatTypeSchema.optional(),
  malware: z.string().optional(),
  tags: z.array(z.string()),
  reference: z.string().optional(),
  tlp: TlpSchema,
  validUntil: EpochMsSchema.optional(),
  revokedAt: EpochMsSchema.optional(),
  revokeReason: z.string().optional(),
  listed: z.boolean(),
  raw: z.string(),
  origin: z.object({ file: z.string(), line: z.number().int() }).optional(),
  /** PAP, reliability, accuracy and handling code of the source. */
  evaluation: EvaluationSchema.optional(),
  addedAt: EpochMsSchema,
  updatedAt: EpochMsSchema,
});
export type SourceView = z.infer<typeof SourceViewSchema>;

export const IndicatorStatusSchema = z.enum(['active', 'expired', 'revoked']);
export type IndicatorStatus = z.infer<typeof IndicatorStatusSchema>;

/** One value with the summary of what all its sources say. */
export const IndicatorSchema = z.object({
  type: IndicatorTypeSchema,
  value: z.string(),
  firstSeen: EpochMsSchema,
  lastSeen: EpochMsSchema,
  sources: z.array(z.string()),
  confidence: z.number().int().min(0).max(100).optional(),
  threatTypes: z.array(ThreatTypeSchema),
  malware: z.array(z.string()),
  tlp: TlpSchema,
  status: IndicatorStatusSchema,
  /** Until when the value is valid: the latest of its sources' validity, absent if any source gives none. */
  validUntil: EpochMsSchema.optional(),
  /** The sources' evaluations combined: the best grading, the strictest handling. */
  evaluation: EvaluationSchema.optional(),
  addedAt: EpochMsSchema,
});
export type Indicator = z.infer<typeof IndicatorSchema>;

export const IndicatorDetailSchema = IndicatorSchema.extend({
  observations: z.array(SourceViewSchema),
});
export type IndicatorDetail = z.infer<typeof IndicatorDetailSchema>;
