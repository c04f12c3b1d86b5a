import { z } from 'zod';

/** PAP (Permissible Actions Protocol): what a recipient may actively do with the information, CLEAR (anything) to RED (nothing that could be noticed). */
export const PAP_LEVELS = ['clear', 'green', 'amber', 'red'] as const;
export const PapSchema = z.enum(PAP_LEVELS);
export type Pap = z.infer<typeof PapSchema>;

/** Source reliability of the 4x4 evaluation European police use: A (no doubt) to C, X (cannot be judged). */
export const RELIABILITY_GRADES = ['A', 'B', 'C', 'X'] as const;
export const ReliabilitySchema = z.enum(RELIABILITY_GRADES);
export type Reliability = z.infer<typeof ReliabilitySchema>;

/** Information accuracy: 1 (known to be true without reservation) to 4 (not known personally, cannot be corroborated). */
export const AccuracySchema = z.number().int().min(1).max(4);

/** Handling codes: H0 (no restriction) to H3 (no dissemination without the source's permission). */
export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export const HandlingSchema = z.enum(HANDLING_CODES);
export type Handling = z.infer<typeof HandlingSchema>;

/** How a source's information is graded and may be handled, beside its TLP. */
export const EvaluationSchema = z.object({
  pap: PapSchema.optional(),
  reliability: ReliabilitySchema.optional(),
  accuracy: AccuracySchema.optional(),
  handling: HandlingSchema.optional(),
});
export type Evaluation = z.infer<typeof EvaluationSchema>;

/**
 * The evaluation of a value several sources report: the best grading any of
 * them gives (a value is as credible as its most reliable source), and the
 * strictest handling any of them asks for (every restriction binds).
 */
export function combineEvaluations(evaluations: readonly Evaluation[]): Evaluation | undefined {
  const combined: Evaluation = {};
  for (const evaluation of evaluations) {
    if (evaluation.reliability && (!combined.reliability || RELIABILITY_GRADES.indexOf(evaluation.reliability) < RELIABILITY_GRADES.indexOf(combined.reliability))) {
      combined.reliability = evaluation.reliability;
    }
    if (evaluation.accuracy !== undefined && (combined.accuracy === undefined || evaluation.accuracy < combined.accuracy)) combined.accuracy = evaluation.accuracy;
    if (evaluation.pap && (!combined.pap || PAP_LEVELS.indexOf(evaluation.pap) > PAP_LEVELS.indexOf(combined.pap))) combined.pap = evaluation.pap;
    if (evaluation.handling && (!combined.handling || HANDLING_CODES.indexOf(evaluation.handling) > HANDLING_CODES.indexOf(combined.handling))) combined.handling = evaluation.handling;
  }
  return Object.keys(combined).length ? combined : undefined;
}
