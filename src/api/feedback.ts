import { z } from 'zod';
import { confidenceAfterFeedback, OUTCOME_KINDS } from '../investigations/rules.ts';
import { IndicatorTypeSchema, type IndicatorDetail } from '../model/index.ts';
import type { Outcome } from '../store/investigations.ts';
import { iso, IsoDateSchema, OrgRefSchema } from './schemas.ts';

/** Outcomes on the wire, and the feedback annotation they add to a value: never a change to any source's observation. */

export const OutcomeWireSchema = z.object({
  id: z.number().int(),
  organisation: OrgRefSchema.describe('who reported it'),
  kind: z.enum(OUTCOME_KINDS),
  indicator: z.object({ type: IndicatorTypeSchema, value: z.string() }).optional(),
  report: z.number().int().optional(),
  note: z.string().optional(),
  occurredAt: IsoDateSchema,
  createdAt: IsoDateSchema,
});

export const FeedbackWireSchema = z
  .object({
    outcomes: z.array(OutcomeWireSchema),
    confidence: z
      .array(z.object({ source: z.string(), confidence: z.number().int().optional().describe('as the source reported it'), afterFeedback: z.number().int().optional().describe('lowered by reported false positives') }))
      .describe('each visible source\'s confidence beside what the feedback makes of it'),
  })
  .describe('what came of the value, as told by those who used it: shown to them and to the owners of its sources');

export function serialiseOutcome(outcome: Outcome): z.infer<typeof OutcomeWireSchema> {
  return {
    id: outcome.id,
    organisation: { id: outcome.org, name: outcome.orgName },
    kind: outcome.kind,
    ...(outcome.indicator ? { indicator: outcome.indicator } : {}),
    ...(outcome.report === undefined ? {} : { report: outcome.report }),
    ...(outcome.note === undefined ? {} : { note: outcome.note }),
    occurredAt: iso(outcome.occurredAt),
    createdAt: iso(outcome.createdAt),
  };
}

export function feedbackOf(detail: IndicatorDetail, outcomes: Outcome[]): z.infer<typeof FeedbackWireSchema> {
  return {
    outcomes: outcomes.map(serialiseOutcome),
    confidence: detail.observations.map((view) => {
      const after = confidenceAfterFeedback(view.confidence, outcomes);
      return { source: view.source, ...(view.confidence === undefined ? {} : { confidence: view.confidence }), ...(after === undefined ? {} : { afterFeedback: after }) };
    }),
  };
}
