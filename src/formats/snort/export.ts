import { InputError } from '../../errors.ts';
import type { ExportModule } from '../../export/exporter.ts';
import type { Indicator } from '../../model/index.ts';
import { splitUrl } from '../../normalise/index.ts';
import {
  contentText,
  createSidAllocator,
  dnsWireContent,
  headerAddress,
  isCanonical,
  ruleFileHeader,
  ruleMessage,
  ruleMetadata,
  type SidAllocator,
} from './rule-language.ts';

type Version = '2' | '3';

/**
 * Snort rules, in Snort 2.9 syntax (`version=2`, the default) or Snort 3's
 * (`version=3`: sticky buffers, `content:"…",nocase`). Snort has no DNS
 * query buffer, so names are matched the classic way, in wire form on UDP 53:
 * `|07|example|03|com|00|` is example.com and every name below it (a longer
 * label cannot end in `|07|example`); a host name is pinned to the question's
 * offset 12, so it matches that exact name. URLs: HTTP URI exactly (length
 * checked) and the Host header. Sids as for Suricata: a stable hash of the
 * value above `sid-base`.
 */
export const snort: ExportModule = {
  id: 'snort',
  title: 'Snort 2.9 or 3 rules: addresses, DNS names (wire-form content), HTTP URLs',
  mediaType: 'text/plain',
  extension: 'rules',
  types: ['ipv4', 'ipv6', 'cidr', 'ip-port', 'domain', 'hostname', 'url'],
  options: {
    'sid-base': 'lowest sid written (default 9000000); each sid is a stable hash of its value above it',
    version: 'rule syntax: 2 (Snort 2.9, default) or 3',
  },
  createExporter(ctx) {
    const version = ctx.options.version ?? '2';
    if (version !== '2' && version !== '3') {
      throw new InputError('TIX_CONFIG_BAD_OPTION', `snort: version must be 2 or 3 (got "${version}")`, { field: 'version', value: version });
    }
    const sids = createSidAllocator('snort', ctx.options);
    let skipped = 0;
    return {
      begin: () => ruleFileHeader(`Snort ${version}`, ctx.producer.name, ctx.now),
      indicator(indicator) {
        const text = isCanonical(indicator) ? rulesFor(indicator, version, sids) : '';
        if (text === '') skipped++;
        return text;
      },
      end: () => '',
      skipped: () => skipped,
    };
  },
};

/** One content match with its modifiers, in the syntax of each version. */
function content(version: Version, text: string, modifiers: Array<[string, string?]>, buffer?: string): string {
  if (version === '3') {
    const mods = modifiers.map(([name, value]) => (value === undefined ? name : `${name} ${value}`));
    return `${buffer ? `${buffer}; ` : ''}content:"${text}"${mods.map((mod) => `,${mod}`).join('')};`;
  }
  const mods = modifiers.map(([name, value]) => (value === undefined ? `${name};` : `${name}:${value};`));
  return [`content:"${text}";`, ...mods, ...(buffer ? [`${buffer};`] : [])].join(' ');
}

function rulesFor(indicator: Indicator, version: Version, sids: SidAllocator): string {
  const rule = (header: string, body: string): string => {
    const sid = sids.sid(`${indicator.type} ${indicator.value}`);
    return `alert ${header} (msg:"${ruleMessage(indicator)}"; ${body ? `${body} ` : ''}${ruleMetadata(indicator)} sid:${sid}; rev:1;)\n`;
  };
  switch (indicator.type) {
    case 'ipv4':
    case 'ipv6':
    case 'cidr':
    case 'ip-port': {
      const { address, port } = headerAddress(indicator);
      return rule(`${indicator.type === 'ip-port' ? 'tcp' : 'ip'} $HOME_NET any -> ${address} ${port}`, '');
    }
    case 'domain':
    case 'hostname': {
      const wire = dnsWireContent(indicator.value);
      // the question name starts after the 12-byte DNS header
      const pinned: Array<[string, string?]> = indicator.type === 'hostname' ? [['offset', '12'], ['depth', String(wire.length)]] : [];
      return rule('udp $HOME_NET any -> any 53', content(version, wire.content, [...pinned, ['nocase']]));
    }
    case 'url':
      return urlRule(indicator, version, rule);
    default:
      return '';
  }
}

function urlRule(indicator: Indicator, version: Version, rule: (header: string, body: string) => string): string {
  const parts = splitUrl(indicator.value);
  if (!parts.ok || (parts.value.scheme !== 'http' && parts.value.scheme !== 'https')) return '';
  const { host, hostType, port, rest } = parts.value;
  const hash = rest.indexOf('#');
  const uri = hash < 0 ? rest : rest.slice(0, hash);
  const length = String(Buffer.byteLength(uri));
  // the normalised URI buffer decodes percent-escapes; a path listed with them matches only the raw one
  const raw = uri.includes('%') || uri.includes('\\');
  const onIp = hostType === 'ipv4' || hostType === 'ipv6';
  const hostText = `${hostType === 'ipv6' ? `[${host}]` : host}${port ? `:${port}` : ''}`;
  const body: string[] = ['flow:established,to_server;'];
  if (version === '3') {
    body.push(content('3', contentText(uri), [['depth', length]], raw ? 'http_raw_uri' : 'http_uri'), `bufferlen:${length};`);
    if (!onIp) body.push(content('3', contentText(hostText), [['depth', String(hostText.length)], ['nocase']], 'http_header:field host'), `bufferlen:${hostText.length};`);
    return rule(`http $HOME_NET any -> ${onIp ? host : '$EXTERNAL_NET'} ${port || 'any'}`, body.join(' '));
  }
  body.push(content('2', contentText(uri), [['depth', length]], raw ? 'http_raw_uri' : 'http_uri'), `urilen:${length}${raw ? ',raw' : ''};`);
  if (!onIp) body.push(content('2', `Host|3A 20|${contentText(hostText)}|0D 0A|`, [['nocase']], 'http_header'));
  return rule(`tcp $HOME_NET any -> ${onIp ? host : '$EXTERNAL_NET'} ${port || '$HTTP_PORTS'}`, body.join(' '));
}
