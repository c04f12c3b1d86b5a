import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TLP_LEVELS, type Tlp } from '../model/index.ts';
import { canRead, clearanceOf, isCleared } from './rules.ts';
import type { Agreement, Distribution, Reader } from './types.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

// six organisations of an operation: a vendor shares with an international body, which passes data to national units
const VENDOR = 1;
const INTERPOL = 2;
const POLICE_NG = 3;
const POLICE_GH = 4;
const CERT = 5;
const ISP = 6;
const ORGS = [VENDOR, INTERPOL, POLICE_NG, POLICE_GH, CERT, ISP];
const ANALYST_AT_INTERPOL = 20;

const agreement = (id: number, members: number[], extra: Partial<Agreement> = {}): Agreement => ({
  id, name: `agreement-${id}`, members, countries: ['NG', 'GH'], purpose: 'operation', startsAt: NOW - 30 * DAY, maxTlp: 'amber', mayShareOnward: false, ...extra,
});

const AGREEMENTS = new Map<number, Agreement>([
  [1, agreement(1, [VENDOR, INTERPOL, POLICE_NG])],
  [2, agreement(2, [VENDOR, POLICE_GH], { endsAt: NOW - DAY })],
  [3, agreement(3, [VENDOR, CERT], { startsAt: NOW + DAY })],
  [4, agreement(4, [VENDOR, ISP], { maxTlp: 'green' })],
]);

const DISTRIBUTIONS: Distribution[] = [
  { id: 10, owner: VENDOR, agreements: [], recipientOrgs: [], recipientUsers: [] },
  { id: 11, owner: VENDOR, agreements: [1], recipientOrgs: [], recipientUsers: [] },
  { id: 12, owner: VENDOR, agreements: [2], recipientOrgs: [], recipientUsers: [] },
  { id: 13, owner: VENDOR, agreements: [3], recipientOrgs: [], recipientUsers: [] },
  { id: 14, owner: VENDOR, agreements: [4], recipientOrgs: [], recipientUsers: [] },
  { id: 15, owner: VENDOR, agreements: [1], recipientOrgs: [CERT], recipientUsers: [ANALYST_AT_INTERPOL] },
  { id: 16, owner: INTERPOL, agreements: [1], recipientOrgs: [], recipientUsers: [] },
];
const byId = new Map(DISTRIBUTIONS.map((distribution) => [distribution.id, distribution]));

const member = (org: number, user?: number): Reader => (user === undefined ? { kind: 'member', org } : { kind: 'member', org, user });
const OPTIONS = { now: NOW, anonymousClear: true };

/**
 * The expected answer, written case by case from the rules' wording rather
 * than from the code: who may read an item of distribution `d` marked `tlp`.
 */
function expected(reader: Reader, tlp: Tlp, d: number, anonymousClear = true): boolean {
  if (reader.kind === 'anonymous') return tlp === 'clear' && anonymousClear;
  const owner = byId.get(d)!.owner;
  if (reader.org === owner) return true;
  if (tlp === 'clear' || tlp === 'green') return true;
  if (tlp === 'amber') {
    if (d === 11 || d === 16) return [VENDOR, INTERPOL, POLICE_NG].includes(reader.org); // active agreement 1
    if (d === 15) return [VENDOR, INTERPOL, POLICE_NG, CERT].includes(reader.org); // agreement 1 plus the named CERT
    return false; // 10: no agreement; 12: ended; 13: not started; 14: carries GREEN at most
  }
  if (tlp === 'amber+strict') return d === 15 && reader.org === CERT;
  return d === 15 && reader.kind === 'member' && reader.user === ANALYST_AT_INTERPOL; // red: named individuals
}

const READERS: Reader[] = [{ kind: 'anonymous' }, ...ORGS.map((org) => member(org)), member(INTERPOL, ANALYST_AT_INTERPOL), member(INTERPOL, 21)];

describe('sharing rules', () => {
  it('answer every reader × TLP × distribution (agreement active, ended, not started, capped, named recipients) as written', () => {
    let cases = 0;
    for (const reader of READERS) {
      for (const tlp of TLP_LEVELS) {
        for (const distribution of DISTRIBUTIONS) {
          const got = canRead(reader, { tlp, distribution }, AGREEMENTS, OPTIONS);
          assert.equal(got, expected(reader, tlp, distribution.id), `${JSON.stringify(reader)} ${tlp} distribution ${distribution.id}`);
          cases++;
        }
      }
    }
    assert.equal(cases, READERS.length * TLP_LEVELS.length * DISTRIBUTIONS.length);
  });

  it('compile to a clearance that admits exactly what canRead admits', () => {
    for (const anonymousClear of [true, false]) {
      const options = { now: NOW, anonymousClear };
      for (const reader of READERS) {
        const clearance = clearanceOf(reader, DISTRIBUTIONS, AGREEMENTS, options);
        for (const tlp of TLP_LEVELS) {
          for (const distribution of DISTRIBUTIONS) {
            assert.equal(
              isCleared(clearance, tlp, distribution.id),
              canRead(reader, { tlp, distribution }, AGREEMENTS, options),
              `${JSON.stringify(reader)} ${tlp} ${distribution.id} anonymousClear=${anonymousClear}`,
            );
          }
        }
      }
    }
  });

  it('keep unauthenticated readers to TLP:CLEAR, and out entirely unless the operator allows it', () => {
    const open = clearanceOf({ kind: 'anonymous' }, DISTRIBUTIONS, AGREEMENTS, { now: NOW, anonymousClear: true });
    assert.deepEqual(open, { clear: true, green: false, own: [], amber: [], strict: [], red: [] });
    const closed = clearanceOf({ kind: 'anonymous' }, DISTRIBUTIONS, AGREEMENTS, { now: NOW, anonymousClear: false });
    assert.equal(closed.clear, false);
  });

  it('end an agreement at its end date exactly, and start it at its start date', () => {
    const ending = new Map([[1, agreement(1, [VENDOR, POLICE_NG], { startsAt: NOW, endsAt: NOW + DAY })]]);
    const item = { tlp: 'amber' as Tlp, distribution: DISTRIBUTIONS[1]! };
    assert.equal(canRead(member(POLICE_NG), item, ending, { now: NOW - 1, anonymousClear: false }), false);
    assert.equal(canRead(member(POLICE_NG), item, ending, { now: NOW, anonymousClear: false }), true);
    assert.equal(canRead(member(POLICE_NG), item, ending, { now: NOW + DAY - 1, anonymousClear: false }), true);
    assert.equal(canRead(member(POLICE_NG), item, ending, { now: NOW + DAY, anonymousClear: false }), false);
  });

  it('let an organisation read its own data at every level, whatever its agreements say', () => {
    for (const tlp of TLP_LEVELS) assert.equal(canRead(member(INTERPOL), { tlp, distribution: byId.get(16)! }, new Map(), OPTIONS), true);
  });
});
