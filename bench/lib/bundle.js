// The generated STIX 2.1 bundle of the STIX and TAXII benchmarks, written once per size and reused.
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createRng } from './prng.js';

const uuid = (rng) => {
  const hex = () => rng.int(0x10000).toString(16).padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
};

/**
 * A STIX 2.1 bundle shaped like feeds2stix's: per entry an indicator with a simple pattern, its SCO, and
 * every tenth an `indicates` relationship to one of 50 malware families; identity and TLP marking first.
 */
export async function ensureBundle(dir, megabytes) {
  const file = join(dir, `stix-${megabytes}mb.v1.json`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const rng = createRng(20261123);
  const stream = createWriteStream(`${file}.tmp`);
  const write = async (text) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  const identity = `identity--${uuid(rng)}`;
  const marking = 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487';
  const malware = Array.from({ length: 50 }, (_, i) => ({ id: `malware--${uuid(rng)}`, name: `Family${i}` }));
  await write(`{"type":"bundle","id":"bundle--${uuid(rng)}","objects":[\n`);
  await write(JSON.stringify({ type: 'identity', spec_version: '2.1', id: identity, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', name: 'bench', identity_class: 'system' }));
  for (const family of malware) {
    await write(`,\n${JSON.stringify({ type: 'malware', spec_version: '2.1', id: family.id, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', name: family.name, is_family: true })}`);
  }
  let written = 0;
  const limit = megabytes * 1024 * 1024;
  for (let i = 0; written < limit; i++) {
    const kind = rng.int(4);
    const ip = `${1 + rng.int(223)}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
    const host = `h${i.toString(36)}.example-${rng.int(1000)}.com`;
    const hash = Array.from({ length: 4 }, () => rng.int(2 ** 32).toString(16).padStart(8, '0')).join('').repeat(2);
    const [sco, pattern] =
      kind === 0 ? [{ type: 'ipv4-addr', value: ip }, `[ipv4-addr:value = '${ip}']`]
      : kind === 1 ? [{ type: 'domain-name', value: host }, `[domain-name:value = '${host}']`]
      : kind === 2 ? [{ type: 'url', value: `http://${host}/x/${i}` }, `[url:value = 'http://${host}/x/${i}']`]
      : [{ type: 'file', hashes: { 'SHA-256': hash } }, `[file:hashes.'SHA-256' = '${hash}']`];
    const created = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
    const indicator = {
      type: 'indicator', spec_version: '2.1', id: `indicator--${uuid(rng)}`, created_by_ref: identity, created, modified: created,
      name: pattern, indicator_types: ['malicious-activity'], pattern, pattern_type: 'stix', valid_from: created, object_marking_refs: [marking],
    };
    let text = `,\n${JSON.stringify(indicator)},\n${JSON.stringify({ ...sco, spec_version: '2.1', id: `${sco.type}--${uuid(rng)}` })}`;
    if (i % 10 === 0) {
      text += `,\n${JSON.stringify({ type: 'relationship', spec_version: '2.1', id: `relationship--${uuid(rng)}`, created, modified: created, relationship_type: 'indicates', source_ref: indicator.id, target_ref: malware[rng.int(50)].id })}`;
    }
    await write(text);
    written += text.length;
  }
  await write('\n]}\n');
  stream.end();
  await once(stream, 'finish');
  renameSync(`${file}.tmp`, file);
  return file;
}

