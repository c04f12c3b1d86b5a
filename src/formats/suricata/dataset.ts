import { InputError } from '../../errors.ts';
import type { ExportModule } from '../../export/exporter.ts';
import { parseIndicatorType, type IndicatorType } from '../../model/index.ts';
import { isCanonical } from '../snort/rule-language.ts';

/** Suricata's dataset types (`dataset:isset,NAME, type T, load FILE`), and how a value is written in each. */
type DatasetType = 'string' | 'md5' | 'sha256' | 'ipv4' | 'ip';

/**
 * Which dataset type holds each tix type, and the buffer a rule matches it
 * against. A file hash is hex, as datasets and the filemd5/filesha256 lists
 * both read it; every string is base64 (the dataset file format), since a
 * value could otherwise hold the line break or comma that ends an entry.
 */
const HOLDS: Partial<Record<IndicatorType, DatasetType>> = {
  domain: 'string', // dns.query, tls.sni, http.host: exact names only
  hostname: 'string',
  ja3: 'string', // ja3.hash is the hex digest as text
  'x509-sha1': 'string', // tls.cert_fingerprint: colon-separated hex, written so
  filename: 'string', // file.name
  md5: 'md5',
  sha256: 'sha256',
  ipv4: 'ipv4', // ipv4 and ip datasets: Suricata 7 and later
  ipv6: 'ip',
};

const TYPES = Object.keys(HOLDS) as IndicatorType[];

/**
 * A Suricata dataset file, one value per line. A dataset holds one kind of
 * value, so `type=` is required and names the tix types to write, e.g.
 * `type=domain,hostname` for a DNS blocklist matched with
 * `dns.query; dataset:isset,bad-dns, type string, load bad-dns.lst;`, or
 * `type=sha256` for file hashes. `type=ipv4,ipv6` makes an `ip` dataset.
 */
export const suricataDataset: ExportModule = {
  id: 'suricata-dataset',
  title: 'Suricata dataset file (one type: base64 strings, hex hashes or addresses)',
  mediaType: 'text/plain',
  extension: 'lst',
  types: TYPES,
  options: { type: `required: the tix types to write, one dataset type (${TYPES.join(', ')}); e.g. type=domain,hostname` },
  createExporter(ctx) {
    const types = readTypes(ctx.options.type);
    const base64 = HOLDS[types[0]!] === 'string';
    let skipped = 0;
    return {
      begin: () => '',
      indicator(indicator) {
        if (!types.includes(indicator.type) || !isCanonical(indicator)) {
          skipped++;
          return '';
        }
        return `${base64 ? base64Value(indicator.type, indicator.value) : indicator.value}\n`;
      },
      end: () => '',
      skipped: () => skipped,
    };
  },
};

function base64Value(type: IndicatorType, value: string): string {
  const text = type === 'x509-sha1' ? value.match(/../g)!.join(':') : value;
  return Buffer.from(text, 'utf8').toString('base64');
}

function readTypes(option: string | undefined): IndicatorType[] {
  const hint = `a dataset holds one kind of value; say which with --option type=TYPE (${TYPES.join(', ')}), e.g. type=domain,hostname or type=sha256`;
  if (option === undefined || option.trim() === '') {
    throw new InputError('TIX_CONFIG_BAD_OPTION', `suricata-dataset: ${hint}`, { field: 'type' });
  }
  const types: IndicatorType[] = [];
  for (const name of option.split(',')) {
    const type = parseIndicatorType(name);
    if (!type || HOLDS[type] === undefined) {
      throw new InputError('TIX_CONFIG_BAD_OPTION', `suricata-dataset: "${name.trim()}" cannot be a dataset value; ${hint}`, {
        field: 'type',
        value: option,
      });
    }
    if (!types.includes(type)) types.push(type);
  }
  const kinds = new Set(types.map((type) => HOLDS[type]));
  // an ip dataset takes IPv4 addresses too: ipv4 with ipv6 is one `ip` dataset
  const mixedIp = kinds.size === 2 && kinds.has('ipv4') && kinds.has('ip');
  if (kinds.size > 1 && !mixedIp) {
    throw new InputError('TIX_CONFIG_BAD_OPTION', `suricata-dataset: ${types.join(', ')} need different dataset types (${[...kinds].join(', ')}); export them to separate files`, {
      field: 'type',
      value: option,
    });
  }
  return types;
}
