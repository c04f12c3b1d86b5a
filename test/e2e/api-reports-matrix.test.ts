/**
 * Reports under the authorisation matrix: one report per item of the matrix
 * (every sharing variant × every TLP), shared exactly as the item's source
 * is, linking the item's value. Every report read path must reveal exactly
 * what the sharing rules allow, with no trace of the rest, and answer a
 * report the reader may not read as one that does not exist.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AGREEMENTS, checkReadPaths, ITEMS, MATRIX_NOW, openAccessMatrix, VARIANTS, type AccessMatrix, type Item, type ReadPath } from '../helpers/access-matrix.ts';
import { prepareReport } from '../../src/reports/report.ts';

let matrix: AccessMatrix;
const ids = new Map<string, number>();
const GHOST_ID = 999_999;

before(async () => {
  matrix = await openAccessMatrix();
  const { store, orgIds } = matrix;
  const ispAnalyst = (await store.findUser('isp-analyst'))!;
  for (const variant of VARIANTS as ReadonlyArray<{ name: string; owner: keyof typeof orgIds; agreement?: keyof typeof AGREEMENTS; recipientOrgs?: ReadonlyArray<keyof typeof orgIds>; recipientUsers?: readonly string[] }>) {
    const agreement = variant.agreement ? (await store.findAgreement(`Agreement ${variant.agreement}`))!.id : undefined;
    const distribution = await store.distribution({
      owner: orgIds[variant.owner],
      agreements: agreement === undefined ? [] : [agreement],
      recipientOrgs: (variant.recipientOrgs ?? []).map((org) => orgIds[org]),
      recipientUsers: (variant.recipientUsers ?? []).map(() => ispAnalyst.id),
    });
    for (const item of ITEMS.filter((candidate) => candidate.variant.name === variant.name)) {
      const prepared = prepareReport({ title: `report ${item.key}`, body: `About ${item.value}.`, indicators: [{ type: 'ipv4', value: item.value }] }, MATRIX_NOW);
      const report = await store.createReport({ owner: orgIds[variant.owner], distribution: distribution.id, tlp: item.tlp, content: prepared.content, blobs: prepared.blobs, createdAt: MATRIX_NOW - 1000 });
      ids.set(item.key, report.id);
    }
  }
});
after(() => matrix.close());

const keyOf = (title: string): string => title.replace(/^report /, '');
/** A lookup's answer with the report id it asked for replaced, so answers about different reports compare. */
const echoless = (text: string, id: number): string => text.replaceAll(`/reports/${id}`, '/reports/<id>').replaceAll(`report ${id} `, 'report <id> ');

const PATHS: ReadPath[] = [
  {
    name: 'GET /reports',
    membersOnly: true,
    async all(caller) {
      const reply = await caller.request('/api/v1/reports?limit=500');
      if (reply.status === 401) return { refused: 401, texts: [reply.text] };
      return { items: (reply.body.items as Array<{ title: string }>).map((report) => keyOf(report.title)), texts: [String(reply.status), reply.text] };
    },
  },
  {
    name: 'GET /reports?value=',
    membersOnly: true,
    async each(caller, item: Item) {
      const reply = await caller.request(`/api/v1/reports?value=${item.value}`);
      if (reply.status === 401) return { refused: 401, texts: [reply.text] };
      return { items: (reply.body.items as Array<{ title: string }>).map((report) => keyOf(report.title)), texts: [String(reply.status), reply.text] };
    },
  },
  {
    name: 'GET /reports/{id}',
    membersOnly: true,
    async each(caller, item: Item) {
      const id = ids.get(item.key) ?? GHOST_ID;
      const reply = await caller.request(`/api/v1/reports/${id}`);
      if (reply.status === 401) return { refused: 401, texts: [echoless(reply.text, id)] };
      return { items: reply.status === 200 ? [keyOf(reply.body.title)] : [], texts: [String(reply.status), echoless(reply.text, id)] };
    },
  },
  {
    name: 'GET /reports/{id}/stix',
    membersOnly: true,
    async each(caller, item: Item) {
      const id = ids.get(item.key) ?? GHOST_ID;
      const reply = await caller.request(`/api/v1/reports/${id}/stix`);
      if (reply.status === 401) return { refused: 401, texts: [echoless(reply.text, id)] };
      const report = reply.status === 200 ? (reply.body.objects as Array<{ type: string; name: string }>).find((object) => object.type === 'report') : undefined;
      return { items: report ? [keyOf(report.name)] : [], texts: [String(reply.status), echoless(reply.text, id)] };
    },
  },
];

describe('reports under the authorisation matrix', () => {
  it('reveal exactly what the sharing rules allow on every report read path, to every reader', async () => {
    assert.equal(ids.size, ITEMS.length);
    assert.deepEqual(await checkReadPaths(matrix, PATHS), []);
  });
});
