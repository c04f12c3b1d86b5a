import { InputError } from '../errors.ts';
import { csvExport } from '../formats/csv/export.ts';
import { hosts } from '../formats/hosts/export.ts';
import { nftables } from '../formats/nftables/export.ts';
import { plainListExport } from '../formats/plain-list/export.ts';
import { rpz } from '../formats/rpz/export.ts';
import { snort } from '../formats/snort/export.ts';
import { stixExport } from '../formats/stix/export.ts';
import { mispExport } from '../formats/misp/index.ts';
import { suricataDataset } from '../formats/suricata/dataset.ts';
import { suricata } from '../formats/suricata/export.ts';
import { zeek } from '../formats/zeek/export.ts';
import type { ExportContext, Exporter, ExportModule } from './exporter.ts';

/**
 * The one list of export formats. Adding one is a module and one line here.
 * Exchange formats (stix, misp) go first, then tables and lists, then the
 * blocklists and sensor rules.
 */
const EXPORTERS: readonly ExportModule[] = [
  stixExport,
  mispExport,
  csvExport,
  plainListExport,
  suricata,
  suricataDataset,
  snort,
  zeek,
  rpz,
  hosts,
  nftables,
];

/** Other names users type for a format. */
const ALIASES: Readonly<Record<string, string>> = { list: 'plain-list' };

const byId = new Map<string, ExportModule>();
for (const module of EXPORTERS) {
  if (byId.has(module.id) || module.id in ALIASES) throw new Error(`duplicate export format id ${module.id}`);
  byId.set(module.id, module);
}

export function listExporters(): readonly ExportModule[] {
  return EXPORTERS;
}

export function getExporter(id: string): ExportModule {
  const key = id.trim().toLowerCase();
  const module = byId.get(ALIASES[key] ?? key);
  if (!module) {
    throw new InputError('TIX_EXPORT_UNKNOWN', `unknown export format "${id}"; known formats: ${[...byId.keys()].join(', ')}`, { value: id });
  }
  return module;
}

/**
 * The exporter of format `id` for one export, after checking that every
 * option is one the format reads: a misspelt option is an error, not a
 * default silently kept. Option values are checked by the format itself.
 */
export function createExporter(id: string, ctx: ExportContext): Exporter {
  const module = getExporter(id);
  const known = Object.keys(module.options ?? {});
  for (const name of Object.keys(ctx.options)) {
    if (!known.includes(name)) {
      const hint = known.length > 0 ? `it reads ${known.join(', ')}` : 'it reads none';
      throw new InputError('TIX_CONFIG_BAD_OPTION', `${module.id}: unknown option "${name}"; ${hint}`, { field: name });
    }
  }
  return module.createExporter(ctx);
}
