import { InputError } from '../../errors.ts';
import type { ExportModule } from '../../export/exporter.ts';
import { isCanonical } from '../snort/rule-language.ts';

const FAMILIES = ['inet', 'ip', 'ip6', 'bridge', 'netdev'];
/** nft identifiers; stricter than nft's own grammar, so no name can be read as a keyword's argument or a second statement. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Elements per `add element` statement: lines short enough for nft's parser, and a third of the load time of one each. */
const BATCH = 1000;

/**
 * An nft script (`nft -f FILE`) that declares two interval sets in a table,
 * empties them and fills them: `tix_ipv4` (ipv4_addr) and `tix_ipv6`
 * (ipv6_addr), addresses and CIDRs alike. `auto-merge` lets a CIDR and an
 * address inside it coexist, which nft otherwise refuses as conflicting
 * intervals. The whole file is one transaction, so reloading it swaps the
 * sets atomically; rules of your own refer to them (`ip daddr @tix_ipv4 drop`).
 * IPv6 elements are written after all IPv4 ones (see `v6` below).
 * Options: `family` (inet), `table` (tix), `set4` (tix_ipv4), `set6` (tix_ipv6).
 */
export const nftables: ExportModule = {
  id: 'nftables',
  title: 'nftables script filling two address sets (IPv4 and IPv6, CIDRs included)',
  mediaType: 'text/plain',
  extension: 'nft',
  types: ['ipv4', 'ipv6', 'cidr'],
  options: {
    family: 'table family: inet (default), ip, ip6, bridge or netdev',
    table: 'table name (default tix)',
    set4: 'IPv4 set name (default tix_ipv4)',
    set6: 'IPv6 set name (default tix_ipv6)',
  },
  createExporter(ctx) {
    const family = ctx.options.family ?? 'inet';
    if (!FAMILIES.includes(family)) {
      throw new InputError('TIX_CONFIG_BAD_OPTION', `nftables: family must be one of ${FAMILIES.join(', ')} (got "${family}")`, {
        field: 'family',
        value: family,
      });
    }
    const table = identifier('table', ctx.options.table ?? 'tix');
    const sets = { v4: identifier('set4', ctx.options.set4 ?? 'tix_ipv4'), v6: identifier('set6', ctx.options.set6 ?? 'tix_ipv6') };
    if (sets.v4 === sets.v6) {
      throw new InputError('TIX_CONFIG_BAD_OPTION', 'nftables: set4 and set6 must differ', { field: 'set6', value: sets.v6 });
    }
    const statement = (set: string, elements: string[]): string => `add element ${family} ${table} ${set} { ${elements.join(', ')} }\n`;
    let v4: string[] = [];
    // nft 1.0.6 (Debian 12) fails to auto-merge a set whose statements another set's interleave,
    // so IPv4 is written as it comes and IPv6, rarer in feeds, is held and written last
    const v6: string[] = [];
    let skipped = 0;
    return {
      begin() {
        const producer = ctx.producer.name.replace(/[^\x20-\x7e]/g, '?');
        const set = (name: string, type: string): string => `\tset ${name} {\n\t\ttype ${type}\n\t\tflags interval\n\t\tauto-merge\n\t}\n`;
        return (
          '#!/usr/sbin/nft -f\n' +
          `# nftables sets exported by tix for ${producer} at ${new Date(ctx.now).toISOString()}\n` +
          `table ${family} ${table} {\n${set(sets.v4, 'ipv4_addr')}${set(sets.v6, 'ipv6_addr')}}\n` +
          `flush set ${family} ${table} ${sets.v4}\nflush set ${family} ${table} ${sets.v6}\n`
        );
      },
      indicator(indicator) {
        // only canonical addresses: a name here would make nft resolve it through DNS at load time
        if ((indicator.type !== 'ipv4' && indicator.type !== 'ipv6' && indicator.type !== 'cidr') || !isCanonical(indicator)) {
          skipped++;
          return '';
        }
        if (indicator.value.includes(':')) {
          v6.push(indicator.value);
          return '';
        }
        v4.push(indicator.value);
        if (v4.length < BATCH) return '';
        const text = statement(sets.v4, v4);
        v4 = [];
        return text;
      },
      end() {
        let text = v4.length > 0 ? statement(sets.v4, v4) : '';
        for (let i = 0; i < v6.length; i += BATCH) text += statement(sets.v6, v6.slice(i, i + BATCH));
        return text;
      },
      skipped: () => skipped,
    };
  },
};

function identifier(option: string, name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new InputError('TIX_CONFIG_BAD_OPTION', `nftables: ${option} must be a letter then letters, digits or _ (got "${name}")`, {
      field: option,
      value: name,
    });
  }
  return name;
}
