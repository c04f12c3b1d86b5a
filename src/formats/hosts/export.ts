import { InputError } from '../../errors.ts';
import type { ExportModule } from '../../export/exporter.ts';
import { normaliseIp } from '../../normalise/index.ts';
import { isCanonical } from '../snort/rule-language.ts';

/**
 * A hosts file (`0.0.0.0 evil.com`) for /etc/hosts, Pi-hole, AdGuard and
 * dnsmasq's addn-hosts. Each line blocks exactly one name: a hosts file has
 * no wildcards, so the names below a domain are not covered (use `rpz` for
 * that). URLs are not written: blocking a URL's host would block every page
 * of a shared or compromised host, and a feed that means the host lists it.
 * Option `address`: where blocked names point (default 0.0.0.0).
 */
export const hosts: ExportModule = {
  id: 'hosts',
  title: 'hosts file (0.0.0.0 name), one line per domain or host name',
  mediaType: 'text/plain',
  extension: 'hosts',
  types: ['domain', 'hostname'],
  options: { address: 'the address blocked names resolve to (default 0.0.0.0)' },
  createExporter(ctx) {
    const address = ctx.options.address ?? '0.0.0.0';
    const parsed = normaliseIp(address);
    if (!parsed.ok || parsed.value !== address) {
      throw new InputError('TIX_CONFIG_BAD_OPTION', `hosts: address must be an IP address such as 0.0.0.0 or :: (got "${address}")`, {
        field: 'address',
        value: address,
      });
    }
    let skipped = 0;
    return {
      begin() {
        const producer = ctx.producer.name.replace(/[^\x20-\x7e]/g, '?');
        return `# hosts file exported by tix for ${producer} at ${new Date(ctx.now).toISOString()}\n`;
      },
      indicator(indicator) {
        // a canonical name is lowercase letters, digits, `-`, `_` and dots: nothing a hosts file could misread
        if ((indicator.type !== 'domain' && indicator.type !== 'hostname') || !isCanonical(indicator)) {
          skipped++;
          return '';
        }
        return `${address} ${indicator.value}\n`;
      },
      end: () => '',
      skipped: () => skipped,
    };
  },
};
