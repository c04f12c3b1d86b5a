import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { tempDir, tix } from '../helpers/cli.ts';

describe('tix agreement add', () => {
  const dir = tempDir('tix-agreements-');
  after(() => dir.remove());

  it('takes its end as a date or as a span from now, and refuses an end before its start', () => {
    for (const [name, kind] of [['Vendor', 'vendor'], ['Police', 'national-police']]) assert.equal(tix(dir.path, ['org', 'add', name!, '--kind', kind!]).code, 0);
    const before = Date.now();
    const added = tix(dir.path, ['agreement', 'add', 'op-span', '--members', 'Vendor,Police', '--until', '30d']);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(tix(dir.path, ['agreement', 'add', 'op-date', '--members', 'Vendor,Police', '--until', '2099-01-01']).code, 0);
    const listed = tix(dir.path, ['agreement', 'list', '-o', 'jsonl']).stdout.trim().split('\n').map((line) => JSON.parse(line));
    const span = listed.find((item) => item.name === 'op-span');
    const days = (span.endsAt - before) / 86_400_000;
    assert.ok(days > 29.9 && days < 30.1, `30d is thirty days from now, not ago: ${days}`);
    assert.equal(listed.find((item) => item.name === 'op-date').endsAt, Date.UTC(2099, 0, 1));
    const past = tix(dir.path, ['agreement', 'add', 'op-past', '--members', 'Vendor,Police', '--until', '2020-01-01']);
    assert.equal(past.code, 2);
    assert.match(past.stderr, /--until must be after --from/);
  });
});
