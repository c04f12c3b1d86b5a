/**
 * Report bodies are Markdown written by one organisation and read by others,
 * so they are made harmless once, when written, and never rendered to HTML
 * by tix: whatever renders them later gets text that holds no markup and no
 * link that runs code.
 *
 * - Raw HTML is escaped (`<script>` becomes `\<script>`), so a renderer shows
 *   it as text: no tags, so no event-handler attributes either. Only fenced
 *   code blocks at the left margin are left alone (a renderer shows them as
 *   text already); everywhere else, inline code included, escaping is the
 *   safe side of any doubt about where code ends.
 * - Link and image destinations (inline `[t](url)`, reference definitions
 *   `[r]: url`) keep only `http`, `https` and `mailto` URLs and relative ones;
 *   any other scheme (`javascript:`, `data:`, `vbscript:`, `file:`, however
 *   disguised with case, entities, control characters or whitespace) is
 *   replaced with `#blocked`.
 */

export interface SanitisedMarkdown {
  markdown: string;
  /** What was neutralised, for the writer to see: `html <script>`, `link javascript:`. */
  neutralised: string[];
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);
export const BLOCKED_URL = '#blocked';

const NAMED: Record<string, string> = { colon: ':', tab: '\t', newline: '\n', sol: '/', lpar: '(', rpar: ')', amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

/** A URL as a browser would read its scheme: entities decoded, escapes removed, control characters and spaces dropped, lowercased. */
function schemeOf(url: string): string | undefined {
  let text = url;
  for (let i = 0; i < 3; i++) {
    text = text
      .replace(/&#x([0-9a-f]+);?/gi, (_m, hex: string) => String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff)))
      .replace(/&#(\d+);?/g, (_m, dec: string) => String.fromCodePoint(Math.min(Number(dec), 0x10ffff)))
      .replace(/&([a-z]+);?/gi, (match, name: string) => NAMED[name.toLowerCase()] ?? match)
      .replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  // eslint-disable-next-line no-control-regex
  const squeezed = text.replace(/\\/g, '').replace(/[\u0000-\u0020\u007f-\u00a0\u200b-\u200f\u2028\u2029\ufeff]/g, '').toLowerCase();
  const match = /^([a-z][a-z0-9+.-]*):/.exec(squeezed);
  return match ? match[1] : undefined;
}

/** Whether a link destination may stay: no scheme (relative, `#anchor`) or a safe one. */
export function isSafeUrl(url: string): boolean {
  const scheme = schemeOf(url.trim().replace(/^<|>$/g, ''));
  return scheme === undefined || SAFE_SCHEMES.has(scheme);
}

/** The end of a link destination that starts at `start`: `<…>`, or a run without whitespace whose parentheses balance (at any depth). */
function destinationEnd(text: string, start: number, inline: boolean): number {
  if (text[start] === '<') {
    const close = text.slice(start).search(/[>\n]/);
    return close < 0 ? text.length : start + close + 1;
  }
  let depth = 0;
  let at = start;
  for (; at < text.length; at++) {
    const char = text[at]!;
    if (/\s/.test(char)) break;
    if (char === '\\') {
      at++;
      continue;
    }
    if (inline && char === '(') depth++;
    if (inline && char === ')') {
      if (depth === 0) break;
      depth--;
    }
  }
  return at;
}

/**
 * Every link destination a renderer could read, anywhere in a run of prose
 * (inline `](dest` of links and images, definitions `]: dest`), with the
 * whitespace and line break CommonMark allows before it; unsafe ones become
 * `#blocked`. Errs on the side of blocking: text that merely looks like a
 * link with a dangerous scheme is changed too.
 */
function neutraliseLinks(text: string, neutralised: string[]): string {
  let out = '';
  let from = 0;
  for (const match of text.matchAll(/\]([(:])/g)) {
    const opener = match.index + 2;
    if (opener < from) continue;
    let start = opener;
    while (start < text.length && /\s/.test(text[start]!)) start++;
    const end = destinationEnd(text, start, match[1] === '(');
    const destination = text.slice(start, end);
    if (!destination || isSafeUrl(destination)) continue;
    neutralised.push(`link ${destination.slice(0, 40)}`);
    out += text.slice(from, start) + BLOCKED_URL;
    from = end;
  }
  return out + text.slice(from);
}

/**
 * Backslash-escapes what a renderer would read as HTML: a `<` that opens a tag, comment or declaration, and a `&` that
 * starts an entity (CommonMark shows `\\<` and `\\&` as the characters). Already-escaped ones are left, so it is idempotent.
 * Code spans get no exemption: telling them apart exactly as a renderer would is where sanitisers fail, and an escaped
 * `<` in inline code only shows its backslash.
 */
function escapeHtml(text: string, neutralised: string[]): string {
  return text.replace(/(\\*)(<(\/?[A-Za-z!?][^>\n]{0,40})|&(?=#?[A-Za-z0-9]+;))/g, (match, slashes: string, what: string, tag: string | undefined) => {
    if (slashes.length % 2 === 1) return match;
    if (tag !== undefined) neutralised.push(`html <${tag.split(/[\s>]/)[0]}`);
    return `${slashes}\\${what}`;
  });
}

/**
 * A fenced code block kept as written: only one opened at the left margin (never inside a list or quote, where a
 * renderer may end it early), by three or more backticks with no backtick after them, or tildes.
 */
const FENCE = /^(`{3,})[^`]*$|^(~{3,})/;

/** The Markdown with its raw HTML escaped and its unsafe links replaced; pure, and idempotent. */
export function sanitiseMarkdown(markdown: string): SanitisedMarkdown {
  const neutralised: string[] = [];
  const lines = markdown.replace(/\r\n?/g, '\n').replace(/\u0000/g, '\ufffd').split('\n');
  const out: string[] = [];
  let prose: string[] = [];
  const flush = (): void => {
    if (!prose.length) return;
    out.push(...neutraliseLinks(prose.join('\n'), neutralised).split('\n').map((line) => escapeHtml(line, neutralised)));
    prose = [];
  };
  let fence: string | undefined;
  for (const line of lines) {
    if (fence !== undefined) {
      out.push(line);
      if (new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(line)) fence = undefined;
      continue;
    }
    const opening = FENCE.exec(line);
    if (opening) {
      flush();
      fence = opening[1] ?? opening[2]!;
      out.push(line);
      continue;
    }
    prose.push(line);
  }
  flush();
  return { markdown: out.join('\n'), neutralised };
}
