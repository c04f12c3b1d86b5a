/**
 * A strict reader of the rule grammar both engines document (Snort 2.9
 * manual ch. 3, Suricata's "Rules Format"), for tests: a rule the exporters
 * write must read back as exactly the options they meant, whatever text a
 * feed put in the value. It is stricter than the engines (it refuses every
 * escape they might read differently), never looser.
 */
import ipaddr from 'ipaddr.js';

export interface RuleOption {
  keyword: string;
  /** Raw text after the colon, without the closing `;`; absent for a bare keyword. */
  value?: string;
  /** For a quoted value: the text between the quotes. */
  quoted?: string;
  /** Snort 3 modifiers after a quoted value (`,nocase,depth 5`). */
  modifiers?: string[];
}

export interface Rule {
  action: string;
  protocol: string;
  source: string;
  sourcePort: string;
  direction: string;
  destination: string;
  destinationPort: string;
  options: RuleOption[];
}

const HEADER = /^(alert|drop|pass|reject) ([a-z0-9-]+) (\S+) (\S+) (->|<>) (\S+) (\S+) \((.*)\)$/;

export function parseRule(line: string): Rule {
  const match = HEADER.exec(line);
  if (!match) throw new Error(`not a rule: ${line}`);
  const [, action, protocol, source, sourcePort, direction, destination, destinationPort, body] = match as unknown as string[];
  for (const address of [source!, destination!]) checkAddress(address);
  for (const port of [sourcePort!, destinationPort!]) checkPort(port);
  return {
    action: action!,
    protocol: protocol!,
    source: source!,
    sourcePort: sourcePort!,
    direction: direction!,
    destination: destination!,
    destinationPort: destinationPort!,
    options: parseOptions(body!),
  };
}

function checkAddress(address: string): void {
  if (address === 'any' || /^\$[A-Z_]+$/.test(address)) return;
  const [ip, prefix] = address.split('/');
  if (!ipaddr.isValid(ip!)) throw new Error(`bad address ${address}`);
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) throw new Error(`bad prefix ${address}`);
}

function checkPort(port: string): void {
  if (port === 'any' || /^\$[A-Z_]+$/.test(port)) return;
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new Error(`bad port ${port}`);
}

function parseOptions(body: string): RuleOption[] {
  const options: RuleOption[] = [];
  let at = 0;
  while (at < body.length) {
    while (body[at] === ' ') at++;
    if (at >= body.length) break;
    const keyword = /^[a-z0-9_.]+/.exec(body.slice(at))?.[0];
    if (!keyword) throw new Error(`expected a keyword at ${at}: ${body.slice(at, at + 30)}`);
    at += keyword.length;
    if (body[at] === ';') {
      options.push({ keyword });
      at++;
      continue;
    }
    if (body[at] !== ':') throw new Error(`expected : or ; after ${keyword}`);
    at++;
    if (body[at] === '"') {
      const end = closingQuote(body, at + 1);
      const quoted = body.slice(at + 1, end);
      at = end + 1;
      const semicolon = body.indexOf(';', at);
      if (semicolon < 0) throw new Error(`unterminated ${keyword}`);
      const tail = body.slice(at, semicolon);
      if (tail !== '' && !/^(,[a-z_]+( \d+)?)+$/.test(tail)) throw new Error(`bad modifiers after ${keyword}: ${tail}`);
      options.push({ keyword, value: body.slice(at - quoted.length - 2, semicolon), quoted, ...(tail ? { modifiers: tail.slice(1).split(',') } : {}) });
      at = semicolon + 1;
    } else {
      const semicolon = body.indexOf(';', at);
      if (semicolon < 0) throw new Error(`unterminated ${keyword}`);
      const value = body.slice(at, semicolon);
      if (/["\\|]/.test(value)) throw new Error(`unquoted ${keyword} value holds a quote, backslash or pipe: ${value}`);
      options.push({ keyword, value });
      at = semicolon + 1;
    }
  }
  return options;
}

/** Index of the quote that ends a string starting at `from`; only \" \\ and \; are escapes. */
function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\') {
      if (!'"\\;'.includes(text[i + 1] ?? '')) throw new Error(`escape \\${text[i + 1]} is not one both engines read alike`);
      i++;
    } else if (char === '"') {
      return i;
    } else if (char === ';' || char.charCodeAt(0) < 0x20 || char.charCodeAt(0) > 0x7e) {
      throw new Error(`raw ${JSON.stringify(char)} inside a quoted string`);
    }
  }
  throw new Error('unterminated quoted string');
}

/** The text of a msg or other quoted string, escapes undone. */
export function unescapeQuoted(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** The bytes a content string matches: plain printable bytes and |hex| runs; nothing that needs an escape. */
export function contentBytes(text: string): Buffer {
  const bytes: number[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    if (char === '|') {
      const end = text.indexOf('|', at + 1);
      if (end < 0) throw new Error(`unterminated hex in ${text}`);
      const hex = text.slice(at + 1, end);
      if (!/^[0-9A-Fa-f]{2}( [0-9A-Fa-f]{2})*$/.test(hex)) throw new Error(`bad hex |${hex}|`);
      for (const pair of hex.split(' ')) bytes.push(parseInt(pair, 16));
      at = end + 1;
    } else {
      if ('"\\;'.includes(char) || char <= ' ' || char > '~') throw new Error(`${JSON.stringify(char)} unescaped in content`);
      bytes.push(char.charCodeAt(0));
      at++;
    }
  }
  return Buffer.from(bytes);
}

/** Every non-comment line of a rules file, read; throws on the first line that is not one rule. */
export function parseRuleFile(text: string): Rule[] {
  if (!text.endsWith('\n')) throw new Error('a rules file ends with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map(parseRule);
}

export function option(rule: Rule, keyword: string): RuleOption[] {
  return rule.options.filter((o) => o.keyword === keyword);
}
