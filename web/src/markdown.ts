/**
 * A small Markdown reader for report bodies: headings, paragraphs, emphasis,
 * code spans, fenced code, lists, links, blockquotes and rules. It turns the
 * text into a tree of a few known tags with plain-text leaves; the page builds
 * DOM nodes from that tree with createElement and text nodes only, so nothing
 * in a report is ever parsed as HTML. Link targets other than http, https,
 * mailto and relative ones are dropped (the link text stays, as text).
 * Pure: no DOM here, so it is tested under node.
 */

export type MdTag = 'h2' | 'h3' | 'h4' | 'h5' | 'h6' | 'p' | 'em' | 'strong' | 'code' | 'pre' | 'ul' | 'ol' | 'li' | 'a' | 'blockquote' | 'hr' | 'span';
export interface MdElement {
  tag: MdTag;
  attrs?: Record<string, string>;
  children: MdNode[];
}
export type MdNode = string | MdElement;

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * The link target as written if it is http(s), mailto or relative; undefined otherwise.
 * Control characters and whitespace are dropped before the scheme is read, as browsers do
 * (`java\tscript:` is `javascript:`), and entity-like or percent-encoded colons count as colons.
 */
export function safeHref(target: string): string | undefined {
  const cleaned = target.replace(/[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff]+/g, '');
  if (!cleaned || cleaned === '#blocked') return undefined;
  const decoded = cleaned.replace(/&#0*58;?|&#x0*3a;?|&colon;?|%3a/gi, ':');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(decoded);
  if (scheme) return SAFE_SCHEMES.has(scheme[1]!.toLowerCase() + ':') ? cleaned : undefined;
  // a colon before any path, query or fragment would be read as a scheme by some parsers: refuse it
  const head = decoded.split(/[/?#]/, 1)[0]!;
  if (head.includes(':') || decoded.includes('\\')) return undefined;
  return cleaned;
}

const el = (tag: MdTag, children: MdNode[], attrs?: Record<string, string>): MdElement => (attrs ? { tag, attrs, children } : { tag, children });

/** Appends text, merging it with a text node before it. */
function pushText(out: MdNode[], text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (typeof last === 'string') out[out.length - 1] = last + text;
  else out.push(text);
}

const PUNCTUATION = /[!-/:-@[-`{-~]/;
/** Bounds that keep hostile input linear: a link's text, a link's target, and nesting of inline markup. */
const MAX_LABEL = 1000;
const MAX_TARGET = 4096;
const MAX_NESTING = 16;

/** Where the bracket opened at `start` closes, skipping escapes and code spans; -1 if it does not. */
function closingBracket(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < Math.min(text.length, start + MAX_LABEL); i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

/** `(target "title")` after a link's text: the target and where the parenthesis closes. */
function linkTarget(text: string, open: number): { target: string; end: number } | undefined {
  if (text[open] !== '(') return undefined;
  let i = open + 1;
  while (text[i] === ' ') i++;
  let target = '';
  if (text[i] === '<') {
    const close = text.indexOf('>', i);
    if (close < 0) return undefined;
    target = text.slice(i + 1, close);
    i = close + 1;
  } else {
    let depth = 0;
    for (const end = Math.min(text.length, i + MAX_TARGET); i < end; i++) {
      const c = text[i]!;
      if (c === '\\' && i + 1 < text.length) {
        target += text[++i];
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === ' ' || c === '\n') break;
      target += c;
    }
  }
  while (text[i] === ' ' || text[i] === '\n') i++;
  if (text[i] === '"' || text[i] === "'") {
    const close = text.indexOf(text[i]!, i + 1);
    if (close < 0) return undefined;
    i = close + 1;
    while (text[i] === ' ') i++;
  }
  return text[i] === ')' ? { target, end: i } : undefined;
}

/** Inline Markdown: escapes, code spans, links, autolinks, strong and emphasis; everything else is text. */
export function parseInline(text: string, inLink = false, nesting = 0): MdNode[] {
  const out: MdNode[] = [];
  // where a search for a closing marker failed: a later search for the same marker fails too
  const noCloser = new Map<string, number>();
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && PUNCTUATION.test(text[i + 1]!)) {
      pushText(out, text[i + 1]!);
      i += 2;
      continue;
    }
    if (c === '`') {
      let run = 1;
      while (text[i + run] === '`') run++;
      const fence = '`'.repeat(run);
      let close = text.indexOf(fence, i + run);
      while (close >= 0 && text[close + run] === '`') close = text.indexOf(fence, close + run + 1);
      if (close < 0) {
        pushText(out, fence);
        i += run;
        continue;
      }
      let code = text.slice(i + run, close).replace(/\n/g, ' ');
      if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
      out.push(el('code', [code]));
      i = close + run;
      continue;
    }
    if ((c === '[' || (c === '!' && text[i + 1] === '[')) && !inLink) {
      const start = c === '!' ? i + 1 : i;
      const close = closingBracket(text, start);
      const found = close > 0 ? linkTarget(text, close + 1) : undefined;
      if (found) {
        // images are never loaded: an image is a link to it, named by its alternative text
        const label = parseInline(text.slice(start + 1, close), true, nesting + 1);
        const href = safeHref(found.target);
        out.push(href ? el('a', label.length ? label : [found.target], { href, rel: 'noopener noreferrer nofollow' }) : el('span', label, { class: 'link-blocked', title: 'link removed: only http, https, mailto and relative links are kept' }));
        i = found.end + 1;
        continue;
      }
    }
    if (c === '<' && !inLink) {
      const auto = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(text.slice(i));
      if (auto) {
        out.push(el('a', [auto[1]!], { href: auto[1]!, rel: 'noopener noreferrer nofollow' }));
        i += auto[0].length;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const double = text[i + 1] === c;
      const marker = double ? c + c : c;
      const after = text[i + marker.length];
      const before = text[i - 1];
      const wordBefore = c === '_' && before !== undefined && /[\p{L}\p{N}]/u.test(before);
      if (after !== undefined && after !== ' ' && after !== '\n' && after !== c && !wordBefore && nesting < MAX_NESTING && i < (noCloser.get(marker) ?? Infinity)) {
        const close = closingMarker(text, i + marker.length, marker);
        if (close < 0) noCloser.set(marker, i);
        if (close > 0) {
          out.push(el(double ? 'strong' : 'em', parseInline(text.slice(i + marker.length, close), inLink, nesting + 1)));
          i = close + marker.length;
          continue;
        }
      }
      pushText(out, marker);
      i += marker.length;
      continue;
    }
    pushText(out, c);
    i++;
  }
  return out;
}

/** The next closing emphasis marker: not after a space, not inside a code span, and for `_` not inside a word. */
function closingMarker(text: string, from: number, marker: string): number {
  for (let i = from + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '`') {
      const close = text.indexOf('`', i + 1);
      if (close > 0) i = close;
      continue;
    }
    if (text.startsWith(marker, i) && text[i - 1] !== ' ' && text[i - 1] !== '\n') {
      const next = text[i + marker.length];
      if (next === marker[0]) {
        i += marker.length;
        continue;
      }
      if (marker[0] === '_' && next !== undefined && /[\p{L}\p{N}]/u.test(next)) continue;
      return i;
    }
  }
  return -1;
}

const FENCE = /^(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$|^(#{1,6})$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const BULLET = /^ {0,3}([-*+])[ \t]+(.*)$/;
const ORDERED = /^ {0,3}(\d{1,9})[.)][ \t]+(.*)$/;
const QUOTE = /^ {0,3}>[ ]?(.*)$/;

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || BULLET.test(line) || ORDERED.test(line) || QUOTE.test(line);
}

/**
 * Block Markdown. Headings start at level 3 (`#` is an h3: the report's title is the page's h1 and
 * its body sits in a section under an h2), so a report cannot add a page or section heading of its own.
 */
export function parseMarkdown(source: string, depth = 0): MdElement[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out: MdElement[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      const closes = (text: string): boolean => {
        const run = /^(`{3,}|~{3,})[ \t]*$/.exec(text);
        return run !== null && run[1]![0] === marker[0] && run[1]!.length >= marker.length;
      };
      while (i < lines.length && !closes(lines[i]!)) body.push(lines[i++]!);
      i++;
      const code = el('code', [body.join('\n')], fence[2] ? { 'data-lang': fence[2].slice(0, 40) } : undefined);
      out.push(el('pre', [code]));
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = Math.min(6, (heading[1] ?? heading[3]!).length + 2);
      out.push(el(`h${level}` as MdTag, parseInline(heading[2] ?? '')));
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push(el('hr', []));
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && lines[i]!.trim() && (QUOTE.test(lines[i]!) || !startsBlock(lines[i]!))) {
        const quoted = QUOTE.exec(lines[i]!);
        inner.push(quoted ? quoted[1]! : lines[i]!);
        i++;
      }
      // nesting is bounded, so a long run of `>` cannot exhaust the stack
      out.push(el('blockquote', depth < 8 ? parseMarkdown(inner.join('\n'), depth + 1) : [el('p', parseInline(inner.join('\n')))]));
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = bullet ? undefined : ORDERED.exec(line);
    if (bullet || ordered) {
      const pattern = bullet ? BULLET : ORDERED;
      const items: MdElement[] = [];
      while (i < lines.length) {
        const item = pattern.exec(lines[i]!);
        if (!item) break;
        const text = [item[2]!];
        i++;
        // continuation lines: indented, or plain text that starts no block
        while (i < lines.length && lines[i]!.trim() && !pattern.exec(lines[i]!) && (/^\s{2,}/.test(lines[i]!) || !startsBlock(lines[i]!))) text.push(lines[i++]!.trim());
        items.push(el('li', parseInline(text.join('\n'))));
        if (i < lines.length && !lines[i]!.trim() && i + 1 < lines.length && pattern.test(lines[i + 1]!)) i++;
      }
      const start = ordered && ordered[1] !== '1' ? { start: String(Number(ordered[1])) } : undefined;
      out.push(el(bullet ? 'ul' : 'ol', items, start));
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i]!.trim() && (paragraph.length === 0 || !startsBlock(lines[i]!))) paragraph.push(lines[i++]!.trim());
    out.push(el('p', parseInline(paragraph.join('\n'))));
  }
  return out;
}
