import type { ExportModule } from '../../export/exporter.ts';
import type { Indicator, IndicatorType } from '../../model/index.ts';
import { splitUrl } from '../../normalise/index.ts';
import { isCanonical } from '../snort/rule-language.ts';

/** The Intel::Type of each tix type Zeek's intel framework matches (FILE_HASH and FILE_NAME come from intel/files.zeek). */
const INTEL_TYPE: Partial<Record<IndicatorType, string>> = {
  ipv4: 'Intel::ADDR',
  ipv6: 'Intel::ADDR',
  cidr: 'Intel::SUBNET',
  domain: 'Intel::DOMAIN',
  hostname: 'Intel::DOMAIN',
  url: 'Intel::URL',
  email: 'Intel::EMAIL',
  // Zeek hashes files with md5, sha1 and sha256 only, so a sha512 could never match
  md5: 'Intel::FILE_HASH',
  sha1: 'Intel::FILE_HASH',
  sha256: 'Intel::FILE_HASH',
  'x509-sha1': 'Intel::CERT_HASH',
  filename: 'Intel::FILE_NAME',
};

/**
 * A Zeek intelligence framework file (`redef Intel::read_files += {...}`):
 * a `#fields` header, then tab-separated fields, `-` for an empty one. One
 * line per source, as Zeek keys an item's metadata by `meta.source`. A domain
 * matches only that exact name (Zeek compares whole strings). URLs are written
 * as HTTP::build_url reports them: no scheme, the port unless 80, path and query.
 */
export const zeek: ExportModule = {
  id: 'zeek',
  title: 'Zeek intelligence framework file (Intel::ADDR, SUBNET, DOMAIN, URL, FILE_HASH, ...)',
  mediaType: 'text/tab-separated-values',
  extension: 'intel',
  types: Object.keys(INTEL_TYPE) as IndicatorType[],
  createExporter() {
    let skipped = 0;
    return {
      begin: () => '#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n',
      indicator(indicator) {
        const type = INTEL_TYPE[indicator.type];
        const value = type && isCanonical(indicator) ? intelValue(indicator) : undefined;
        // a line starting with # is a header or comment to Zeek's reader
        if (type === undefined || value === undefined || value.startsWith('#') || /[\t\n\r]/.test(value)) {
          skipped++;
          return '';
        }
        const desc = field(describe(indicator));
        // meta.source is the one field Zeek requires: never written as unset
        const sources = indicator.sources.length > 0 ? indicator.sources.map((source) => source || 'tix') : ['tix'];
        return sources.map((source) => `${value}\t${type}\t${field(source)}\t${desc}\t-\n`).join('');
      },
      end: () => '',
      skipped: () => skipped,
    };
  },
};

function intelValue(indicator: Indicator): string | undefined {
  if (indicator.type !== 'url') return indicator.value;
  const parts = splitUrl(indicator.value);
  if (!parts.ok || (parts.value.scheme !== 'http' && parts.value.scheme !== 'https')) return undefined;
  const { scheme, host, hostType, port, rest } = parts.value;
  const hash = rest.indexOf('#');
  // as HTTP::build_url writes what it sees: the port unless it is 80
  const effectivePort = port || (scheme === 'https' ? '443' : '80');
  return `${hostType === 'ipv6' ? `[${host}]` : host}${effectivePort === '80' ? '' : `:${effectivePort}`}${hash < 0 ? rest : rest.slice(0, hash)}`;
}

function describe(indicator: Indicator): string {
  const parts = [...indicator.malware, ...indicator.threatTypes.filter((t) => t !== 'unknown'), `tlp:${indicator.tlp}`];
  if (indicator.confidence !== undefined) parts.push(`confidence:${indicator.confidence}`);
  return parts.join(' ');
}

/**
 * A free-text field: Zeek's reader splits on tabs and turns \xNN back into
 * bytes, so tabs, line breaks and backslashes are written as \xNN; `-` alone
 * would read as unset and `(empty)` as the empty string.
 */
function field(text: string): string {
  if (text === '') return '-';
  const escaped = text.replace(/[\x00-\x1f\x7f\\]/g, hexEscape);
  return escaped === '-' || escaped === '(empty)' ? hexEscape(escaped[0]!) + escaped.slice(1) : escaped;
}

function hexEscape(char: string): string {
  return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}
