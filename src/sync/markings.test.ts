import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TLP2_EXTENSION, TLP2_MARKINGS } from '../formats/stix/vocab.ts';
import { checkMarkings, tlpOfDefinition } from './markings.ts';

const indicator = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'indicator', id: 'indicator--6f0b4c8a-0d5e-4b7f-8a7e-3b9d2f1c0b02', ...extra });
const UNKNOWN = 'marking-definition--00000000-1111-4222-8333-444444444444';

describe('sync markings', () => {
  it('takes the official TLP 2.0 and 1.0 ids, the most restrictive winning', () => {
    assert.deepEqual(checkMarkings(indicator({ object_marking_refs: [TLP2_MARKINGS.green] }), new Map()), { ok: true, tlp: 'green' });
    assert.deepEqual(checkMarkings(indicator({ object_marking_refs: [TLP2_MARKINGS.clear, TLP2_MARKINGS['amber+strict']] }), new Map()), { ok: true, tlp: 'amber+strict' });
    assert.deepEqual(checkMarkings(indicator({ object_marking_refs: ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'] }), new Map()), { ok: true, tlp: 'amber' });
  });

  it('an unmarked object is taken without a TLP (the sync default applies)', () => {
    assert.deepEqual(checkMarkings(indicator(), new Map()), { ok: true });
  });

  it('refuses an unknown marking id, even beside a known one', () => {
    const verdict = checkMarkings(indicator({ object_marking_refs: [TLP2_MARKINGS.green, UNKNOWN] }), new Map());
    assert.equal(verdict.ok, false);
    assert.equal(!verdict.ok && verdict.reason, 'unknown-marking');
  });

  it('takes a TLP marking defined on the same page under its own id', () => {
    assert.deepEqual(checkMarkings(indicator({ object_marking_refs: [UNKNOWN] }), new Map([[UNKNOWN, 'amber' as const]])), { ok: true, tlp: 'amber' });
  });

  it('refuses TLP:RED and granular markings', () => {
    const red = checkMarkings(indicator({ object_marking_refs: [TLP2_MARKINGS.red] }), new Map());
    assert.equal(!red.ok && red.reason, 'red');
    const granular = checkMarkings(indicator({ granular_markings: [{ marking_ref: TLP2_MARKINGS.green, selectors: ['name'] }] }), new Map());
    assert.equal(!granular.ok && granular.reason, 'granular-markings');
  });

  it('refuses a marking definition that is not a TLP level', () => {
    const statement = { type: 'marking-definition', id: UNKNOWN, definition_type: 'statement', definition: { statement: 'Copyright' } };
    const verdict = checkMarkings(statement, new Map());
    assert.equal(!verdict.ok && verdict.reason, 'unknown-marking-definition');
    assert.equal(tlpOfDefinition(statement), undefined);
  });

  it('reads TLP levels of marking definitions: official ids, the TLP 2.0 extension, 2.0-style definitions', () => {
    assert.equal(tlpOfDefinition({ id: TLP2_MARKINGS.amber }), 'amber');
    assert.equal(tlpOfDefinition({ id: UNKNOWN, extensions: { [TLP2_EXTENSION]: { tlp_2_0: 'amber+strict' } } }), 'amber+strict');
    assert.equal(tlpOfDefinition({ id: UNKNOWN, definition_type: 'tlp', definition: { tlp: 'white' } }), 'clear');
    assert.equal(tlpOfDefinition({ id: UNKNOWN, definition_type: 'tlp', definition: { tlp: 'mauve' } }), undefined);
  });
});
