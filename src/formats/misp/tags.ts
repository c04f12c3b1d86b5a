import type { Tlp } from '../../model/index.ts';
import { parseTlp, TLP_LEVELS } from '../../model/index.ts';

/** What a set of MISP tags says, in tix terms. */
export interface TagMeaning {
  /** The most restrictive TLP among the tags. */
  tlp?: Tlp;
  /** The malware family a malware galaxy names, malpedia first. */
  malware?: string;
  /** Every other tag, verbatim: MISP users search by the machine tags they know. */
  tags: string[];
}

const GALAXY = /^misp-galaxy:([^=]+)="(.*)"$/;
/** Galaxies whose clusters are malware families, in order of preference. */
const MALWARE_GALAXIES = [
  'malpedia',
  'mitre-malware',
  'mitre-enterprise-attack-malware',
  'mitre-mobile-attack-malware',
  'ransomware',
  'banker',
  'stealer',
  'rat',
  'backdoor',
  'botnet',
  'android',
];

export function tlpRank(tlp: Tlp): number {
  return TLP_LEVELS.indexOf(tlp);
}

/** Reads tag names; TLP tags become the marking and are not kept as tags. */
export function readTags(names: Iterable<string>): TagMeaning {
  const meaning: TagMeaning = { tags: [] };
  let malwareRank = MALWARE_GALAXIES.length;
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    if (/^tlp:/i.test(name)) {
      const tlp = parseTlp(name);
      if (tlp) {
        if (meaning.tlp === undefined || tlpRank(tlp) > tlpRank(meaning.tlp)) meaning.tlp = tlp;
        continue;
      }
    }
    meaning.tags.push(name);
    const galaxy = GALAXY.exec(name);
    if (!galaxy) continue;
    const rank = MALWARE_GALAXIES.indexOf(galaxy[1]!);
    if (rank >= 0 && rank < malwareRank && galaxy[2]!.trim() !== '') {
      malwareRank = rank;
      // MITRE cluster values carry their ATT&CK id: "BACKSPACE - S0031"
      meaning.malware = galaxy[2]!.replace(/\s+-\s+S\d{4}$/, '').trim();
    }
  }
  return meaning;
}

/** The tag names of a MISP element: `Tag: [{name}]`, or `EventTag`/`AttributeTag: [{Tag: {name}}]` as some exports write. */
export function tagNames(element: Record<string, unknown>): string[] {
  const names: string[] = [];
  const collect = (list: unknown, nested: boolean): void => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      const tag = nested && isRecord(item) ? item.Tag : item;
      if (isRecord(tag) && typeof tag.name === 'string') names.push(tag.name);
    }
  };
  collect(element.Tag, false);
  collect(element.EventTag, true);
  collect(element.AttributeTag, true);
  // galaxy clusters attached to the element name their tags too
  if (Array.isArray(element.Galaxy)) {
    for (const galaxy of element.Galaxy) {
      if (!isRecord(galaxy) || !Array.isArray(galaxy.GalaxyCluster)) continue;
      for (const cluster of galaxy.GalaxyCluster) if (isRecord(cluster) && typeof cluster.tag_name === 'string') names.push(cluster.tag_name);
    }
  }
  return names;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
