import { normaliseIp, parsePort } from './ip.ts';
import { normaliseHost } from './host.ts';
import { accept, reject, type Normalised } from './result.ts';

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ftp: '21', ws: '80', wss: '443' };
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** Never in a URL as sent on the wire; `{ } | ^` and backticks do occur unescaped in real malicious paths, so they pass. */
const FORBIDDEN = /[\s<>"\\\x00-\x1f\x7f]/;

export interface UrlParts {
  scheme: string;
  userinfo: string;
  host: string;
  hostType: 'ipv4' | 'ipv6' | 'domain' | 'hostname';
  port: string;
  rest: string;
}

/**
 * Canonical URL: scheme and host lowercased, host in punycode, default port
 * dropped, an empty path written as "/". Path, query and fragment are kept
 * byte for byte: feeds list the exact path a sensor sees, and re-encoding it
 * (as WHATWG URL does) would make it miss.
 * A URL without a scheme (maltrail's `host/path`) is read as http.
 */
export function normaliseUrl(input: string, options: { knownSuffix?: boolean } = {}): Normalised {
  const parts = splitUrl(input, options);
  if (!parts.ok) return reject(parts.reason);
  const { scheme, userinfo, host, hostType, port, rest } = parts.value;
  const hostText = hostType === 'ipv6' ? `[${host}]` : host;
  const portText = port && DEFAULT_PORTS[scheme] !== port ? `:${port}` : '';
  const auth = userinfo ? `${userinfo}@` : '';
  // an empty path is "/" also when a query or fragment follows (http://x.com?a=1 is http://x.com/?a=1)
  const path = rest.startsWith('/') ? rest : `/${rest}`;
  return accept('url', `${scheme}://${auth}${hostText}${portText}${path}`);
}

export function splitUrl(input: string, options: { knownSuffix?: boolean } = {}): { ok: true; value: UrlParts } | { ok: false; reason: string } {
  const text = input.trim();
  if (FORBIDDEN.test(text)) return { ok: false, reason: 'URL contains spaces, quotes, angle brackets, backslashes or control characters' };
  let scheme = 'http';
  let afterScheme = text;
  const match = SCHEME.exec(text);
  if (match) {
    scheme = match[1]!.toLowerCase();
    afterScheme = text.slice(match[0].length);
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[^/]+:\d+(\/|$)/.test(text)) {
    return { ok: false, reason: 'not a URL with a network location' };
  }
  const authorityEnd = afterScheme.search(/[/?#]/);
  const authority = authorityEnd < 0 ? afterScheme : afterScheme.slice(0, authorityEnd);
  const rest = authorityEnd < 0 ? '' : afterScheme.slice(authorityEnd);
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? '' : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);
  let hostText = hostPort;
  let port = '';
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return { ok: false, reason: 'unclosed "[" in URL host' };
    hostText = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after) {
      if (!after.startsWith(':')) return { ok: false, reason: 'unexpected text after the IPv6 host' };
      port = after.slice(1);
    }
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon >= 0) {
      hostText = hostPort.slice(0, colon);
      port = hostPort.slice(colon + 1);
    }
  }
  if (port !== '') {
    const parsedPort = parsePort(port);
    if (parsedPort === undefined) return { ok: false, reason: `URL port "${port}" is not a number from 1 to 65535` };
    port = String(parsedPort);
  }
  if (hostText === '') return { ok: false, reason: 'URL has no host' };
  const ip = /^[\d.]+$/.test(hostText) || hostText.includes(':') ? normaliseIp(hostText) : undefined;
  if (ip) {
    if (!ip.ok) return { ok: false, reason: `URL host: ${ip.reason}` };
    return { ok: true, value: { scheme, userinfo, host: ip.value, hostType: ip.type as 'ipv4' | 'ipv6', port, rest } };
  }
  const host = normaliseHost(hostText, { allowSuffix: true, knownSuffix: options.knownSuffix });
  if (!host.ok) return { ok: false, reason: `URL host: ${host.reason}` };
  return { ok: true, value: { scheme, userinfo, host: host.value, hostType: host.type as 'domain' | 'hostname', port, rest } };
}

/** The host of a canonical URL (no port, IPv6 without brackets). */
export function urlHost(url: string): string {
  const parts = splitUrl(url);
  return parts.ok ? parts.value.host : '';
}
