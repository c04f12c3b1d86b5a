import { relative } from 'node:path';
import { hashPassword } from '../auth/index.ts';
import { ingest, type IngestResult } from '../ingest/ingest.ts';
import { expandPaths } from '../io/input.ts';
import type { Tlp } from '../model/index.ts';
import type { OrgKind, Role } from '../policy/index.ts';
import type { Store } from '../store/store.ts';

/** The demo's organisations: the parties of a cross-border operation against a botnet. */
const ORGANISATIONS: Array<{ name: string; kind: OrgKind; country?: string }> = [
  { name: 'Vendor Labs', kind: 'vendor', country: 'NL' },
  { name: 'International Police', kind: 'international-police', country: 'FR' },
  { name: 'Nigeria Police Cybercrime', kind: 'national-police', country: 'NG' },
  { name: 'Ghana Police Cybercrime', kind: 'national-police', country: 'GH' },
  { name: 'CERT Nigeria', kind: 'cert', country: 'NG' },
  { name: 'Lagos ISP', kind: 'isp', country: 'NG' },
];

const USERS: Array<{ name: string; org: string; role: Role }> = [
  { name: 'admin', org: 'local', role: 'admin' },
  { name: 'vendor-analyst', org: 'Vendor Labs', role: 'analyst' },
  { name: 'ip-analyst', org: 'International Police', role: 'analyst' },
  { name: 'ng-investigator', org: 'Nigeria Police Cybercrime', role: 'reader' },
  { name: 'gh-investigator', org: 'Ghana Police Cybercrime', role: 'reader' },
  { name: 'cert-ng', org: 'CERT Nigeria', role: 'reader' },
  { name: 'isp-noc', org: 'Lagos ISP', role: 'reader' },
];

/** Every demo user's password: the user name and this suffix. Demo only; printed at start. */
export const DEMO_PASSWORD_SUFFIX = '-demo-2026';

/** Feeds loaded as the vendor's own AMBER intelligence, shared under the operation; the rest stay public (TLP:CLEAR). */
const VENDOR_AMBER: Record<string, Tlp> = { 'feodotracker-ipblocklist': 'amber', 'threatfox-full_urls': 'amber' };

export interface DemoCredentials {
  user: string;
  org: string;
  role: Role;
  password: string;
}

/** Whether the store already holds the demo. */
export async function hasDemo(store: Store): Promise<boolean> {
  return (await store.findOrganisation('Vendor Labs')) !== undefined;
}

/**
 * Seeds a store with the demo: six organisations, their users, an operation's
 * sharing agreement, and the real feed samples, two of them as the vendor's
 * AMBER intelligence shared under the agreement. Run once; `hasDemo` tells.
 */
export async function seedDemo(
  store: Store,
  samples: string,
  now: number,
  onInput?: (file: string, result: IngestResult) => void,
): Promise<DemoCredentials[]> {
  const ids = new Map<string, number>([['local', 1]]);
  for (const org of ORGANISATIONS) ids.set(org.name, (await store.createOrganisation({ ...org, createdAt: now })).id);
  const credentials: DemoCredentials[] = [];
  for (const user of USERS) {
    const password = `${user.name}${DEMO_PASSWORD_SUFFIX}`;
    await store.createUser({ name: user.name, org: ids.get(user.org)!, role: user.role, passwordHash: await hashPassword(password), createdAt: now });
    credentials.push({ user: user.name, org: user.org, role: user.role, password });
  }
  const operation = await store.createAgreement(
    {
      name: 'Operation Sentinel',
      members: ['Vendor Labs', 'International Police', 'Nigeria Police Cybercrime', 'Ghana Police Cybercrime'].map((name) => ids.get(name)!),
      countries: ['NG', 'GH'],
      purpose: 'map and take down botnet C2 infrastructure in West Africa; notify victims',
      startsAt: now,
      endsAt: now + 180 * 86_400_000,
      maxTlp: 'amber',
      mayShareOnward: false,
    },
    now,
  );
  const vendorShare = await store.distribution({ owner: ids.get('Vendor Labs')!, agreements: [operation.id], recipientOrgs: [], recipientUsers: [] });
  const vendorPublic = await store.distribution({ owner: ids.get('Vendor Labs')!, agreements: [], recipientOrgs: [], recipientUsers: [] });
  for (const input of await expandPaths([samples])) {
    const name = relative(samples, input.name).split('/').pop()!.replace(/\.(csv|txt)$/, '');
    const tlp = VENDOR_AMBER[name];
    // public feeds are TLP:CLEAR whatever their format's default (a plain list is AMBER unless told)
    const result = await ingest(store, input, { now, ...(tlp ? { tlp, source: `vendor-${name}` } : { tlp: 'clear' }) });
    await store.setSourceDistribution(result.source, tlp ? vendorShare.id : vendorPublic.id);
    onInput?.(input.name, result);
  }
  await store.appendAudit({ at: now, action: 'write:demo', target: 'demo', detail: { organisations: ORGANISATIONS.length, users: USERS.length } });
  return credentials;
}
