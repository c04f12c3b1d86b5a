/**
 * Undo the defanging analysts apply so values cannot be clicked:
 * hxxp://, [.], (.), {.}, [dot], [:], [at], [@], and the like.
 * Applied before any other normalisation; a fanged value passes through unchanged.
 */
const SCHEME_FANGS: Array<[RegExp, string]> = [
  [/^h[x*]{2}p(s?)(?=\[?:|:)/i, 'http$1'],
  [/^f[x*]p(?=\[?:|:)/i, 'ftp'],
  [/^(https?|ftp)\[:\]\/\//i, '$1://'],
  [/^(https?|ftp)\[:\/\/\]/i, '$1://'],
  [/^(https?|ftp):\\\\/i, '$1://'],
];

const INFIX_FANGS: Array<[RegExp, string]> = [
  [/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[\s\.\s\]|\\\./gi, '.'],
  [/\[:\]|\(:\)|\{:\}/g, ':'],
  [/\[at\]|\(at\)|\{at\}|\[@\]|\(@\)|\{@\}/gi, '@'],
  [/\[\/\]/g, '/'],
];

const MAYBE_FANGED = /[[({\\]|^h[x*]{2}p|^f[x*]p/i;

export function refang(input: string): string {
  if (!MAYBE_FANGED.test(input)) return input;
  let out = input;
  for (const [pattern, replacement] of INFIX_FANGS) out = out.replace(pattern, replacement);
  for (const [pattern, replacement] of SCHEME_FANGS) out = out.replace(pattern, replacement);
  return out;
}
