/**
 * Report bodies are Markdown written by one organisation and read by others,
 * so they are made harmless once, when written, and never rendered to HTML
 * by tix: whatever renders them later gets text that holds no markup and no
 * link that runs code.
 *
 * - Raw HTML outside code is escaped (`<script>` becomes `\\<script>`), so a
 *   renderer shows it as text: no tags, so no event-handler attributes either.
 *   Code spans and fenced or indented code blocks are left alone: a renderer
 *   shows them as text already.
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

/** Inline links and images: `](destination "title")`; the destination may be `<…>` or a run without spaces, balanced parentheses allowed. */
const INLINE_LINK = /\]\(\s*(<[^>\n]*>|(?:[^\s()]|\((?:[^\s()])*\))*)((?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?\s*)\)/g;
/** Reference definitions: `[label]: destination "title"` at the start of a line. */
const REFERENCE = /^( {0,3}\[[^\]\n]+\]:\s*)(<[^>\n]*>|\S+)(.*)$/;

function neutraliseLinks(text: string, neutralised: string[]): string {
  return text.replace(INLINE_LINK, (whole, destination: string, title: string) => {
    if (isSafeUrl(destination)) return whole;
    neutralised.push(`link ${destination.slice(0, 40)}`);
    return `](${BLOCKED_URL}${title})`;
  });
}

/**
 * Backslash-escapes what a renderer would read as HTML: a `<` that opens a tag, comment or declaration, and a `&` that
 * starts an entity (CommonMark shows `\\<` and `\\&` as the characters). Already-escaped ones are left, so it is idempotent.
 */
function escapeHtml(text: string, neutralised: string[]): string {
  return text.replace(/(\\*)(<(\/?[A-Za-z!?][^>\n]{0,40})|&(?=#?[A-Za-z0-9]+;))/g, (match, slashes: string, what: string, tag: string | undefined) => {
    if (slashes.length % 2 === 1) return match;
    if (tag !== undefined) neutralised.push(`html <${tag.split(/[\s>]/)[0]}`);
    return `${slashes}\\${what}`;
  });
}

/** Splits a line into code spans (kept) and the text between them (sanitised). */
function sanitiseInline(line: string, neutralised: string[]): string {
  let out = '';
  let rest = line;
  for (;;) {
    const open = /(`+)/.exec(rest);
    if (!open) break;
    const ticks = open[1]!;
    const after = rest.slice(open.index + ticks.length);
    const close = after.search(new RegExp(`(?<!\`)${ticks}(?!\`)`));
    if (close < 0) break;
    out += clean(rest.slice(0, open.index), neutralised) + ticks + after.slice(0, close) + ticks;
    rest = after.slice(close + ticks.length);
  }
  return out + clean(rest, neutralised);
}

function clean(text: string, neutralised: string[]): string {
  return escapeHtml(neutraliseLinks(text, neutralised), neutralised);
}

/** The Markdown with its raw HTML escaped and its unsafe links replaced; pure, and idempotent. */
export function sanitiseMarkdown(markdown: string): SanitisedMarkdown {
  const neutralised: string[] = [];
  const lines = markdown.replace(/\r\n?/g, '\n').replace(/\u0000/g, '\ufffd').split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  let previousBlank = true;
  for (const line of lines) {
    if (fence !== undefined) {
      out.push(line);
      if (new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(line)) fence = undefined;
      continue;
    }
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (opening) {
      fence = opening[1]!;
      out.push(line);
      previousBlank = false;
      continue;
    }
    // an indented code block starts after a blank line
    if (previousBlank && /^( {4}|\t)/.test(line) && line.trim() !== '') {
      out.push(line);
      continue;
    }
    const reference = REFERENCE.exec(line);
    if (reference && !isSafeUrl(reference[2]!)) {
      neutralised.push(`link ${reference[2]!.slice(0, 40)}`);
      out.push(`${reference[1]}${BLOCKED_URL}${escapeHtml(reference[3]!, neutralised)}`);
    } else {
      out.push(sanitiseInline(line, neutralised));
    }
    previousBlank = line.trim() === '';
  }
  return { markdown: out.join('\n'), neutralised };
}
