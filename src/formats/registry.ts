import { InputError } from '../errors.ts';
import { csv } from './csv/index.ts';
import { feodo } from './feodo/index.ts';
import type { FormatModule } from './format.ts';
import { freetext } from './freetext/index.ts';
import { malwarebazaar } from './malwarebazaar/index.ts';
import { maltrail } from './maltrail/index.ts';
import { phishtank } from './phishtank/index.ts';
import { plainList } from './plain-list/index.ts';
import { stix } from './stix/index.ts';
import { misp } from './misp/index.ts';
import { threatfox } from './threatfox/index.ts';
import { viriback } from './viriback/index.ts';

/** The one list of formats. Adding a format is one folder and one line here. */
const FORMATS: readonly FormatModule[] = [feodo, threatfox, malwarebazaar, phishtank, viriback, maltrail, stix, misp, csv, plainList, freetext];

const byId = new Map<string, FormatModule>();
for (const format of FORMATS) {
  if (byId.has(format.id)) throw new Error(`duplicate format id ${format.id}`);
  byId.set(format.id, format);
}

export function listFormats(): readonly FormatModule[] {
  return FORMATS;
}

export function getFormat(id: string): FormatModule {
  const format = byId.get(id);
  if (!format) {
    throw new InputError('TIX_FORMAT_UNKNOWN', `unknown format "${id}"; known formats: ${[...byId.keys()].join(', ')}`);
  }
  return format;
}

/**
 * The format that reads `head` best. A tie at the top is an error: tix never
 * guesses between two formats, the user picks one with --format.
 */
export function detectFormat(head: string, file: string): FormatModule {
  const scored = FORMATS.map((format) => ({ format, score: safeScore(format, head, file) }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) throw new InputError('TIX_FORMAT_UNKNOWN', `${file}: no format recognises this input; name one with --format`, { file });
  const tied = scored.filter((entry) => entry.score === best.score);
  if (tied.length > 1) {
    throw new InputError(
      'TIX_FORMAT_AMBIGUOUS',
      `${file}: formats ${tied.map((entry) => entry.format.id).join(' and ')} match equally well; name one with --format`,
      { file },
    );
  }
  return best.format;
}

function safeScore(format: FormatModule, head: string, file: string): number {
  const score = format.detect(head, file);
  return Number.isFinite(score) ? Math.min(Math.max(score, 0), 1) : 0;
}
