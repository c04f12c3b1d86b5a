import ipaddr from 'ipaddr.js';
import { InputError } from '../../errors.ts';
import type { ExportModule } from '../../export/exporter.ts';
import type { Indicator } from '../../model/index.ts';
import { isCanonical } from '../snort/rule-language.ts';

/** What a trigger's CNAME target does, in RPZ's encoding (BIND, Unbound, Knot Resolver, PowerDNS Recursor). */
const ACTIONS: Record<string, string> = {
  nxdomain: '.',
  nodata: '*.',
  drop: 'rpz-drop.',
  passthru: 'rpz-passthru.',
};

/** A DNS name on the wire is at most 255 octets. */
const MAX_WIRE_NAME = 255;

/**
 * A DNS Response Policy Zone. A domain is rewritten with everything below it
 * (`evil.com` and `*.evil.com`), a host name exactly, and an address or CIDR
 * becomes a response-IP trigger (`32.4.3.2.1.rpz-ip`): any answer resolving
 * into it is rewritten. URLs are not written: a URL names one page, and
 * rewriting its host would cut off every other page of a shared or
 * compromised host (a feed that means the host lists the host itself).
 * The SOA serial is the export time in seconds, so each export is newer than
 * the last and secondaries transfer it. Options: `zone` (default rpz.tix) and
 * `action` (nxdomain, nodata, drop, passthru).
 */
export const rpz: ExportModule = {
  id: 'rpz',
  title: 'DNS Response Policy Zone (BIND, Unbound, Knot Resolver, PowerDNS)',
  mediaType: 'text/dns',
  extension: 'zone',
  types: ['domain', 'hostname', 'ipv4', 'ipv6', 'cidr'],
  options: {
    zone: 'zone name, as the resolver configures it (default rpz.tix)',
    action: 'nxdomain (default), nodata, drop or passthru',
  },
  createExporter(ctx) {
    const zone = readZone(ctx.options.zone ?? 'rpz.tix');
    const action = ctx.options.action ?? 'nxdomain';
    const target = ACTIONS[action];
    if (target === undefined) {
      throw new InputError('TIX_CONFIG_BAD_OPTION', `rpz: action must be one of ${Object.keys(ACTIONS).join(', ')} (got "${action}")`, {
        field: 'action',
        value: action,
      });
    }
    const zoneOctets = wireLength(zone);
    let skipped = 0;
    return {
      begin() {
        const serial = Math.floor(ctx.now / 1000) >>> 0;
        const producer = ctx.producer.name.replace(/[^\x20-\x7e]/g, '?');
        return [
          `; DNS RPZ exported by tix for ${producer} at ${new Date(ctx.now).toISOString()}`,
          `$ORIGIN ${zone}.`,
          '$TTL 300',
          `@ IN SOA localhost. hostmaster.localhost. ( ${serial} 3600 600 604800 300 )`,
          '@ IN NS localhost.',
          '',
        ].join('\n');
      },
      indicator(indicator) {
        const owners = isCanonical(indicator) ? triggers(indicator) : [];
        // the owner name, with the zone appended, must still fit a DNS name
        if (owners.length === 0 || owners.some((owner) => wireLength(owner) - 1 + zoneOctets > MAX_WIRE_NAME)) {
          skipped++;
          return '';
        }
        return owners.map((owner) => `${owner} CNAME ${target}\n`).join('');
      },
      end: () => '',
      skipped: () => skipped,
    };
  },
};

function triggers(indicator: Indicator): string[] {
  switch (indicator.type) {
    case 'domain':
      return [indicator.value, `*.${indicator.value}`];
    case 'hostname':
      return [indicator.value];
    case 'ipv4':
    case 'ipv6':
    case 'cidr':
      return [`${ipTrigger(indicator.value)}.rpz-ip`];
    default:
      return [];
  }
}

/**
 * The owner name of a response-IP trigger: prefix length, then the address
 * reversed, IPv4 by octet and IPv6 by 16-bit word with `zz` for the `::` of
 * its RFC 5952 form (2001:db8::1 → 128.1.zz.db8.2001).
 */
export function ipTrigger(value: string): string {
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const v6 = address.includes(':');
  const prefix = slash < 0 ? (v6 ? '128' : '32') : value.slice(slash + 1);
  if (!v6) return `${prefix}.${address.split('.').reverse().join('.')}`;
  const text = ipaddr.IPv6.parse(address).toString();
  const [left, right] = text.includes('::') ? text.split('::') : [text, undefined];
  const words = [...(left ? left.split(':') : []), ...(right === undefined ? [] : ['zz', ...(right ? right.split(':') : [])])];
  return `${prefix}.${words.reverse().join('.')}`;
}

/** Octets of a name on the wire: each label with its length byte, and the root. */
function wireLength(name: string): number {
  return name.length + 2;
}

function readZone(text: string): string {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  // any name of valid labels: zones usually sit under a private name (rpz.tix), not a public suffix
  if (name.length > 200 || !/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/.test(name)) {
    throw new InputError('TIX_CONFIG_BAD_OPTION', `rpz: zone must be a DNS name in lowercase letters, digits and hyphens (got "${text}")`, {
      field: 'zone',
      value: text,
    });
  }
  return name;
}
