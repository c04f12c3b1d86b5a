import type { IndicatorType } from '../../model/index.ts';
import { normalise } from '../../normalise/index.ts';

/** Line-level refanging: schemes and separators may be defanged anywhere in prose. */
const PROSE_FANGS: Array<[RegExp, string]> = [
  [/\bh[xX*]{2}p(s?)(\[:\]|:)\/\//g, 'http$1://'],
  [/\bf[xX*]p(\[:\]|:)\/\//g, 'ftp://'],
  [/\b(https?|ftp)\[:\]\/\//gi, '$1://'],
  [/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.'],
  [/\[:\]/g, ':'],
  [/\[at\]|\(at\)|\[@\]|\(@\)/gi, '@'],
];

/** Characters that end a candidate token in running text. */
const SPLIT = /[\s,;"'<>(){}|]+/;
const TRAILING = /[.,;:!?)\]}>'"*]+$/;
/** Not "[": a bracketed IPv6 address keeps it; an unmatched one is dropped below. */
const LEADING = /^[(<'"*]+/;
/** A token worth normalising: it has a dot, colon or @, or is a long hex string. */
const CANDIDATE = /[.:@]|^[0-9a-fA-F]{32,}$/;

export interface Extracted {
  type: IndicatorType;
  value: string;
}

/**
 * Every indicator in a line of free text (a report, an e-mail, a chat log),
 * as MISP's freetext import finds them. Words that are not indicators are
 * not errors; they are passed over.
 */
export function extractIndicators(line: string): Extracted[] {
  let text = line;
  for (const [pattern, replacement] of PROSE_FANGS) text = text.replace(pattern, replacement);
  const found: Extracted[] = [];
  const seen = new Set<string>();
  for (const piece of text.split(SPLIT)) {
    let token = piece.replace(LEADING, '').replace(TRAILING, '');
    if (token.length < 4 || !CANDIDATE.test(token)) continue;
    if (token.startsWith('[') && !token.includes(']')) token = token.slice(1);
    const result = normalise(token, undefined, { knownSuffix: true });
    if (!result.ok) continue;
    const key = `${result.type}\u0000${result.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ type: result.type, value: result.value });
  }
  return found;
}
