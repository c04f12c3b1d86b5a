/**
 * Blocklist exports checked by the programs that load them: BIND's
 * named-checkzone reads the RPZ zone, nft checks the nftables script and
 * loads it into a throwaway network namespace. These tools are required
 * (CI installs the Debian packages bind9-utils and nftables); a missing one
 * fails the test with the package to install, it is never skipped.
 * Suricata, Snort and Zeek are not packaged in Debian 12: their outputs are
 * checked against the documented grammar in src/formats/{suricata,snort,zeek}.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createExporter } from '../../src/export/registry.ts';
import type { Indicator, IndicatorType } from '../../src/model/index.ts';

const NOW = Date.UTC(2025, 0, 1);

function indicator(type: IndicatorType, value: string): Indicator {
  return { type, value, firstSeen: NOW, lastSeen: NOW, sources: ['s'], threatTypes: [], malware: [], tlp: 'clear', status: 'active', addedAt: NOW };
}

function tool(name: string, debianPackage: string): string {
  const path = [`/usr/sbin/${name}`, `/usr/bin/${name}`, `/sbin/${name}`].find((candidate) => existsSync(candidate));
  assert.ok(path, `${name} is needed for this test: apt-get install -y ${debianPackage}`);
  return path;
}

function run(command: string, args: string[]): { code: number; out: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { code: result.status ?? -1, out: `${result.stdout}${result.stderr}` };
}

function exportText(id: string, indicators: Indicator[], options: Record<string, string> = {}): { text: string; skipped: number } {
  const exporter = createExporter(id, { now: NOW, producer: { name: 'CERT\n$INCLUDE /etc/passwd' }, options });
  let text = exporter.begin();
  for (const item of indicators) text += exporter.indicator(item);
  text += exporter.end();
  return { text, skipped: exporter.skipped?.() ?? 0 };
}

/** Hostile values of the kind a compromised feed could carry; the exports must skip every one. */
const HOSTILE = [
  indicator('domain', 'evil.example CNAME rpz-passthru.'),
  indicator('hostname', 'a.example\n$INCLUDE /etc/shadow'),
  indicator('domain', 'evil.example;'),
  indicator('ipv4', '192.0.2.1 } ; flush ruleset ; add element inet tix tix_ipv4 { 0.0.0.0/0'),
  indicator('cidr', '10.0.0.1/8'),
  indicator('ipv4', 'localhost'),
];

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tix-blocklist-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('rpz export, read by named-checkzone', () => {
  it('loads as a zone with every trigger and nothing else', () => {
    const checkzone = tool('named-checkzone', 'bind9-utils');
    const names: Indicator[] = [];
    for (let i = 0; i < 300; i++) names.push(indicator(i % 2 ? 'domain' : 'hostname', `${i % 2 ? '' : `h${i}.`}d${i}.example`));
    names.push(indicator('hostname', '_dmarc.x-y.evil.example'), indicator('hostname', 'xn--80ak6aa92e.example'));
    const ips = [indicator('ipv4', '192.0.2.1'), indicator('cidr', '198.51.100.0/24'), indicator('ipv6', '2001:db8::1'), indicator('cidr', '2001:db8::/32'), indicator('ipv6', '::1')];
    const { text, skipped } = exportText('rpz', [...names, ...HOSTILE, ...ips], { action: 'nodata' });
    assert.equal(skipped, HOSTILE.length);
    const file = join(dir, 'tix.zone');
    writeFileSync(file, text);
    const check = run(checkzone, ['-k', 'fail', '-i', 'full', 'rpz.tix', file]);
    assert.equal(check.code, 0, check.out);
    assert.match(check.out, /loaded serial 1735689600/);
    const dump = run(checkzone, ['-D', '-o', '-', 'rpz.tix', file]);
    const records = dump.out.split('\n').filter((line) => /\sIN\s+CNAME\s+\*\.$/.test(line));
    assert.equal(records.length, 150 * 2 + 150 + 2 + ips.length);
    assert.match(dump.out, /^128\.1\.zz\.db8\.2001\.rpz-ip\.rpz\.tix\.\s+300\s+IN\s+CNAME\s+\*\.$/m);
    assert.doesNotMatch(dump.out, /passwd|shadow|passthru/);
  });
});

describe('nftables export, read by nft', () => {
  // interleaved IPv4 and IPv6, adjacent and overlapping elements, and more than one statement's worth
  const addresses: Indicator[] = [];
  for (let i = 0; i < 2500; i++) {
    addresses.push(indicator('ipv4', `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`));
    // adjacent IPv6 too, more than one statement of them: what nft 1.0.6 fails to merge when interleaved
    if (i % 2 === 0) addresses.push(indicator('ipv6', `2001:db8::${(i / 2 + 1).toString(16)}`));
  }
  addresses.push(indicator('cidr', '10.0.0.0/16'), indicator('cidr', '2001:db8::/64'), indicator('ipv4', '192.0.2.7'), indicator('ipv6', '2001:db8:1::1'));

  it('passes nft -c', () => {
    const nft = tool('nft', 'nftables');
    const { text, skipped } = exportText('nftables', [...addresses, ...HOSTILE]);
    assert.equal(skipped, HOSTILE.length);
    const file = join(dir, 'tix.nft');
    writeFileSync(file, text);
    const check = run(nft, ['-c', '-f', file]);
    assert.equal(check.code, 0, check.out);
  });

  it('loads into a network namespace, twice, holding the listed addresses', () => {
    const nft = tool('nft', 'nftables');
    const unshare = tool('unshare', 'util-linux');
    const options = { table: 'blocklist', set4: 'bad4', set6: 'bad6' };
    const file = join(dir, 'custom.nft');
    writeFileSync(file, exportText('nftables', addresses, options).text);
    // a namespace of its own: the host's firewall is never touched
    const script = [
      `${nft} -f ${file}`,
      `${nft} -f ${file}`,
      `${nft} get element inet blocklist bad4 '{ 192.0.2.7, 10.0.9.195 }'`,
      `${nft} get element inet blocklist bad6 '{ 2001:db8:1::1, 2001:db8::1 }'`,
      `! ${nft} get element inet blocklist bad4 '{ 192.0.2.8 }' 2>/dev/null`,
    ].join(' && ');
    const result = run(unshare, ['--net', 'sh', '-c', script]);
    assert.equal(result.code, 0, result.out);
  });
});
