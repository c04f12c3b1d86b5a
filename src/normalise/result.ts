import type { IndicatorType } from '../model/index.ts';

export type Normalised = { ok: true; type: IndicatorType; value: string } | { ok: false; reason: string };

export const accept = (type: IndicatorType, value: string): Normalised => ({ ok: true, type, value });
export const reject = (reason: string): Normalised => ({ ok: false, reason });
