import type { ExportModule } from '../../export/exporter.ts';
import type { Indicator } from '../../model/index.ts';
import { splitUrl } from '../../normalise/index.ts';
import {
  contentText,
  createSidAllocator,
  headerAddress,
  isCanonical,
  ruleFileHeader,
  ruleMessage,
  ruleMetadata,
  type SidAllocator,
} from '../snort/rule-language.ts';

/**
 * Suricata rules (Suricata 6 and later: sticky buffers, `dotprefix`, `bsize`).
 * - ipv4, ipv6, cidr: `alert ip $HOME_NET any -> ADDRESS any`; ip-port: the same over tcp to that port.
 * - domain: the domain and every name below it, in DNS queries, TLS SNI and the HTTP Host
 *   (`dotprefix; content:".evil.com"; endswith;` cannot match `notevil.com`).
 * - hostname: that exact name (`bsize`) in the same three places.
 * - url (http and https): the HTTP Host, or the server address for a URL on an IP, and the exact
 *   URI with its query. HTTPS URLs match only where Suricata sees the decrypted HTTP.
 * - ja3, x509-sha1: the TLS client fingerprint and the server certificate's SHA-1.
 * File hashes are not rules (use `suricata-dataset` or filemd5/filesha256 lists).
 *
 * Every rule's sid is a hash of its value above `sid-base` (see createSidAllocator), so it is
 * the same in every export; `rev` is always 1.
 */
export const suricata: ExportModule = {
  id: 'suricata',
  title: 'Suricata rules: addresses, DNS/TLS/HTTP host names, HTTP URLs, JA3, certificate SHA-1',
  mediaType: 'text/plain',
  extension: 'rules',
  types: ['ipv4', 'ipv6', 'cidr', 'ip-port', 'domain', 'hostname', 'url', 'ja3', 'x509-sha1'],
  options: { 'sid-base': 'lowest sid written (default 9000000); each sid is a stable hash of its value above it' },
  createExporter(ctx) {
    const sids = createSidAllocator('suricata', ctx.options);
    let skipped = 0;
    return {
      begin: () => ruleFileHeader('Suricata', ctx.producer.name, ctx.now),
      indicator(indicator) {
        const text = isCanonical(indicator) ? rulesFor(indicator, sids) : '';
        if (text === '') skipped++;
        return text;
      },
      end: () => '',
      skipped: () => skipped,
    };
  },
};

const TO_SERVER = 'flow:established,to_server;';

function rulesFor(indicator: Indicator, sids: SidAllocator): string {
  const rule = (kind: string, header: string, body: string): string => {
    const sid = sids.sid(`${kind} ${indicator.type} ${indicator.value}`);
    return `alert ${header} (msg:"${ruleMessage(indicator)}"; ${body ? `${body} ` : ''}${ruleMetadata(indicator)} sid:${sid}; rev:1;)\n`;
  };
  switch (indicator.type) {
    case 'ipv4':
    case 'ipv6':
    case 'cidr':
    case 'ip-port': {
      const { address, port } = headerAddress(indicator);
      const proto = indicator.type === 'ip-port' ? 'tcp' : 'ip';
      return rule('ip', `${proto} $HOME_NET any -> ${address} ${port}`, '');
    }
    case 'domain':
    case 'hostname': {
      // a domain: itself and every name below it; a host name: exactly that name
      const below = indicator.type === 'domain';
      const match = (nocase: boolean): string => {
        const name = below ? `.${indicator.value}` : indicator.value;
        return `${below ? 'dotprefix; ' : ''}content:"${contentText(name)}";${nocase ? ' nocase;' : ''} ${below ? 'endswith;' : `bsize:${name.length};`}`;
      };
      return (
        rule('dns', 'dns $HOME_NET any -> any any', `dns.query; ${match(true)}`) +
        rule('tls', 'tls $HOME_NET any -> $EXTERNAL_NET any', `${TO_SERVER} tls.sni; ${match(true)}`) +
        // http.host is lowercased by the engine, which refuses nocase on it
        rule('http', 'http $HOME_NET any -> $EXTERNAL_NET any', `${TO_SERVER} http.host; ${match(false)}`)
      );
    }
    case 'url':
      return urlRule(indicator, rule);
    case 'ja3':
      return rule('ja3', 'tls $HOME_NET any -> $EXTERNAL_NET any', `ja3.hash; content:"${indicator.value}"; bsize:32;`);
    case 'x509-sha1': {
      // tls.cert_fingerprint holds the SHA-1 as colon-separated lowercase hex
      const fingerprint = indicator.value.match(/../g)!.join(':');
      return rule('x509', 'tls $EXTERNAL_NET any -> $HOME_NET any', `tls.cert_fingerprint; content:"${fingerprint}"; bsize:59;`);
    }
    default:
      return '';
  }
}

function urlRule(indicator: Indicator, rule: (kind: string, header: string, body: string) => string): string {
  const parts = splitUrl(indicator.value);
  if (!parts.ok || (parts.value.scheme !== 'http' && parts.value.scheme !== 'https')) return '';
  const { host, hostType, port, rest } = parts.value;
  // the fragment never leaves the browser
  const hash = rest.indexOf('#');
  const uri = hash < 0 ? rest : rest.slice(0, hash);
  // http.uri is normalised (percent-escapes decoded); a path listed with escapes matches only the raw buffer
  const uriBuffer = uri.includes('%') || uri.includes('\\') ? 'http.uri.raw' : 'http.uri';
  const uriMatch = `${uriBuffer}; content:"${contentText(uri)}"; bsize:${Buffer.byteLength(uri)};`;
  const onIp = hostType === 'ipv4' || hostType === 'ipv6';
  const header = `http $HOME_NET any -> ${onIp ? host : '$EXTERNAL_NET'} ${port || 'any'}`;
  const hostMatch = onIp ? '' : ` http.host; content:"${contentText(host)}"; bsize:${host.length};`;
  return rule('url', header, `${TO_SERVER}${hostMatch} ${uriMatch}`);
}
