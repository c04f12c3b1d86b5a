import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal } from '../auth/index.ts';
import type { Agreement } from '../policy/index.ts';
import { agreementCollectionId, collectionsFor, EVERYTHING_ID, INBOX_ID, scopeOf } from './collections.ts';

const NOW = Date.UTC(2026, 5, 1);
const member = (role: 'analyst' | 'reader' = 'analyst'): Principal => ({ kind: 'member', org: 2, orgName: 'Police', role });
const agreement = (id: number, members: number[], endsAt?: number): Agreement => ({
  id,
  name: `Operation ${id}`,
  members,
  countries: [],
  purpose: '',
  startsAt: 0,
  ...(endsAt === undefined ? {} : { endsAt }),
  maxTlp: 'amber',
  mayShareOnward: false,
});

describe('TAXII collections', () => {
  it('a member: everything, its inbox, and its agreements by id; ended ones cannot be read; others are not there', () => {
    const collections = collectionsFor(member(), [agreement(7, [1, 2]), agreement(3, [2], NOW - 1), agreement(5, [1, 3])], NOW);
    assert.deepEqual(
      collections.map((collection) => [collection.id, collection.alias, collection.canRead, collection.canWrite]),
      [
        [EVERYTHING_ID, 'everything', true, false],
        [INBOX_ID, 'inbox', true, true],
        [agreementCollectionId(3), 'agreement-3', false, false],
        [agreementCollectionId(7), 'agreement-7', true, false],
      ],
    );
    assert.equal(collectionsFor(member('reader'), [], NOW)[1]!.canWrite, false);
  });

  it('an anonymous caller: only everything', () => {
    assert.deepEqual(collectionsFor({ kind: 'anonymous' }, [agreement(7, [1, 2])], NOW).map((collection) => collection.id), [EVERYTHING_ID]);
  });

  it('agreement collection ids are name-based UUIDs (v5), stable and distinct', () => {
    assert.match(agreementCollectionId(1), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(agreementCollectionId(1), agreementCollectionId(1));
    assert.notEqual(agreementCollectionId(1), agreementCollectionId(2));
  });

  it('what each collection holds, as store query fields', () => {
    const [everything, inbox, sentinel] = collectionsFor(member(), [agreement(7, [2])], NOW);
    assert.deepEqual(scopeOf(everything!, member()), {});
    assert.deepEqual(scopeOf(inbox!, member()), { sources: ['taxii:Police'] });
    assert.deepEqual(scopeOf(sentinel!, member()), { agreement: 7 });
  });
});
