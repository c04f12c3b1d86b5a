import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TixError } from '../errors.ts';
import { TLP2_MARKINGS } from '../formats/stix/vocab.ts';
import { compareTimestamps, followUp, isTaxiiMedia, justBefore, nextCheckpoint, parseEnvelope, refusalReport, sortObjects } from './page.ts';

const TAXII = 'application/taxii+json;version=2.1';
const reply = (body: string, contentType: string | null = TAXII) => ({ contentType, body, dateAddedLast: null });

function code(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof TixError ? error.code : 'other';
  }
  return undefined;
}

describe('sync pages', () => {
  it('reads an envelope: objects, more, next; an empty one has no objects', () => {
    assert.deepEqual(parseEnvelope(reply('{"more":true,"next":"abc","objects":[{"type":"x"}]}')), { objects: [{ type: 'x' }], more: true, next: 'abc' });
    assert.deepEqual(parseEnvelope(reply('{}')), { objects: [], more: false });
  });

  it('refuses other media types, non-JSON, and JSON that is no envelope', () => {
    assert.equal(code(() => parseEnvelope(reply('{}', 'text/html'))), 'TIX_SYNC_BAD_PAGE');
    assert.equal(code(() => parseEnvelope(reply('{}', null))), 'TIX_SYNC_BAD_PAGE');
    assert.equal(code(() => parseEnvelope(reply('<html>oops</html>'))), 'TIX_SYNC_BAD_PAGE');
    assert.equal(code(() => parseEnvelope(reply('[1,2]'))), 'TIX_SYNC_BAD_PAGE');
    assert.equal(code(() => parseEnvelope(reply('{"objects":{}}'))), 'TIX_SYNC_BAD_PAGE');
    assert.equal(code(() => parseEnvelope(reply('{"more":"yes"}'))), 'TIX_SYNC_BAD_PAGE');
  });

  it('knows the TAXII 2.1 media type with or without its version, not other versions', () => {
    assert.equal(isTaxiiMedia('application/taxii+json;version=2.1'), true);
    assert.equal(isTaxiiMedia('application/taxii+json; version="2.1"; charset=utf-8'), true);
    assert.equal(isTaxiiMedia('application/taxii+json'), true);
    assert.equal(isTaxiiMedia('application/taxii+json;version=2.0'), false);
    assert.equal(isTaxiiMedia('application/json'), false);
  });

  it('sorts a page: known markings in, unknown markings, RED and non-objects out with their ids', () => {
    const page = [
      { type: 'indicator', id: 'indicator--1', object_marking_refs: [TLP2_MARKINGS.green] },
      { type: 'indicator', id: 'indicator--2', object_marking_refs: ['marking-definition--99999999-1111-4222-8333-444444444444'] },
      { type: 'indicator', id: 'indicator--3', object_marking_refs: [TLP2_MARKINGS.red] },
      { type: 'marking-definition', id: 'marking-definition--99999999-1111-4222-8333-444444444445', definition_type: 'statement', definition: { statement: 'x' } },
      'junk',
    ];
    const sorted = sortObjects(page);
    assert.deepEqual(sorted.accepted.map((object) => object.id), ['indicator--1']);
    assert.deepEqual(sorted.refused.map((item) => item.id), ['indicator--2', 'indicator--3', 'marking-definition--99999999-1111-4222-8333-444444444445', '(not an object)']);
    assert.match(refusalReport(sorted.refused), /^TIX_SYNC_MARKING: skipped 4 objects: indicator--2 \(unknown marking/);
    assert.equal(refusalReport([]), '');
  });

  it('moves the checkpoint forward only, on a readable header', () => {
    assert.equal(nextCheckpoint(undefined, '2026-06-01T12:00:00.000000Z'), '2026-06-01T12:00:00.000000Z');
    assert.equal(nextCheckpoint('2026-06-01T12:00:00.000000Z', '2026-06-01T12:00:00.001Z'), '2026-06-01T12:00:00.001Z');
    assert.equal(nextCheckpoint('2026-06-01T12:00:00.5Z', '2026-06-01T12:00:00.123Z'), '2026-06-01T12:00:00.5Z');
    assert.equal(nextCheckpoint('2026-06-01T12:00:00Z', 'yesterday'), '2026-06-01T12:00:00Z');
    assert.equal(nextCheckpoint('2026-06-01T12:00:00Z', null), '2026-06-01T12:00:00Z');
    // with more to come, just before the page's last date added: the rest of a run split across pages is asked for again
    assert.equal(nextCheckpoint(undefined, '2026-06-01T12:00:01.000000Z', true), '2026-06-01T12:00:00.999999Z');
    assert.equal(nextCheckpoint('2026-06-01T12:00:00.999999Z', '2026-06-01T12:00:01Z', true), '2026-06-01T12:00:00.999999Z');
    assert.equal(justBefore('2026-01-01T00:00:00Z'), '2025-12-31T23:59:59.999999Z');
    assert.equal(compareTimestamps('2026-06-01T12:00:00.5Z', '2026-06-01T12:00:00.499999Z'), 1);
  });

  it('follows next with the same added_after, else resumes from the checkpoint, and stops when it cannot move', () => {
    const after = '2026-06-01T12:00:00Z';
    assert.deepEqual(followUp({ addedAfter: after }, { objects: [], more: true, next: 'n1' }, '2026-06-02T00:00:00Z'), { done: false, addedAfter: after, next: 'n1' });
    assert.deepEqual(followUp({}, { objects: [], more: true }, '2026-06-02T00:00:00Z'), { done: false, addedAfter: '2026-06-02T00:00:00Z' });
    assert.deepEqual(followUp({ addedAfter: after }, { objects: [], more: true }, after), { done: true });
    assert.deepEqual(followUp({ next: 'n1' }, { objects: [], more: true, next: 'n1' }, undefined), { done: true });
    assert.deepEqual(followUp({}, { objects: [], more: false, next: 'n2' }, after), { done: true });
  });
});
