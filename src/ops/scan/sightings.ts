import { NotFoundError } from '../../errors.ts';
import { clearanceOf, type Clearance } from '../../policy/index.ts';
import type { ScanReport } from '../../scan/report.ts';
import type { Store } from '../../store/store.ts';

/** Evidence times before this are relative clocks (a Zeek capture's seconds since start), not dates to report as sightings. */
const PLAUSIBLE_FROM = Date.UTC(2000, 0, 1);

export interface SightingCounts {
  recorded: number;
  /** Hits on values the store does not hold as such (the host of a URL indicator, intel from a snapshot of another store), or that the organisation may not read. */
  unknown: number;
}

/**
 * Writes a scan's hits back as sightings of the scanning organisation: one
 * per indicator, with how often and when (first and last time in the
 * evidence) it was seen, and where. Known-benign and host-only (weak) hits
 * are not sightings, and neither are hits on what the organisation may not
 * read (the intel may be the operator's whole store, or another's snapshot):
 * as over the API, an organisation sights only what it is cleared for.
 */
export async function recordSightings(store: Store, report: ScanReport, orgName: string | number, now: number, callerClearance?: Clearance): Promise<SightingCounts> {
  const org = await store.findOrganisation(orgName);
  if (!org) throw new NotFoundError(`--org: no organisation "${orgName}" (tix org add)`);
  const clearance = callerClearance ?? (await organisationClearance(store, org.id, now));
  const counts: SightingCounts = { recorded: 0, unknown: 0 };
  const started = Date.parse(report.startedAt);
  for (const summary of report.indicators) {
    if (summary.verdict !== 'hit') continue;
    const first = summary.firstTime ? Date.parse(summary.firstTime) : Number.NaN;
    const last = summary.lastTime ? Date.parse(summary.lastTime) : Number.NaN;
    const dated = first >= PLAUSIBLE_FROM && last >= PLAUSIBLE_FROM;
    const files = summary.files.length > 3 ? `${summary.files.slice(0, 3).join(', ')} and ${summary.files.length - 3} more` : summary.files.join(', ');
    const readable =
      summary.indicatorType === 'stix-pattern'
        ? (await store.listObjects({ ids: [summary.indicator], versions: 'all', limit: 1, clearance })).items.length > 0
        : (await store.get(summary.indicatorType, summary.indicator, now, clearance)) !== undefined;
    if (!readable) {
      counts.unknown++;
      continue;
    }
    const sighting = await store.addSighting({
      target: summary.indicatorType === 'stix-pattern' ? { objectId: summary.indicator } : { indicator: { type: summary.indicatorType, value: summary.indicator } },
      org: org.id,
      origin: 'scanner',
      firstSeen: dated ? first : started,
      lastSeen: dated ? last : started,
      count: summary.count,
      location: files,
      note: `tix scan, intel ${report.intel.id.slice(0, 16)}`,
      createdAt: now,
    });
    if (sighting) counts.recorded++;
    else counts.unknown++;
  }
  return counts;
}

/** What an organisation's members read (without what is addressed to one user of it alone). */
async function organisationClearance(store: Store, org: number, now: number): Promise<Clearance> {
  const [distributions, agreements] = await Promise.all([store.listDistributions(), store.listAgreements()]);
  return clearanceOf({ kind: 'member', org }, distributions, new Map(agreements.map((a) => [a.id, a])), { now, anonymousClear: false });
}
