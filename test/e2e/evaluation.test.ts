import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FEEDS, tempDir, tix } from '../helpers/cli.ts';

describe('PAP and the 4x4 evaluation: graded per source, filterable, carried in exports', () => {
  const data = tempDir();
  before(() => {
    assert.ok(tix(data.path, ['ingest', '-q', join(FEEDS, 'abuse.ch/feodotracker-ipblocklist.csv'), join(FEEDS, 'ipsum/ipsum-level8-sample.txt')]).code <= 1);
  });
  after(() => data.remove());

  it('grades a source and refuses grades that do not exist', () => {
    const graded = tix(data.path, ['grade', 'abusech-feodo', '--pap', 'amber', '--reliability', 'B', '--accuracy', '2', '--handling', 'H1']);
    assert.equal(graded.code, 0, graded.stderr);
    assert.match(graded.stdout, /pap amber, reliability B, accuracy 2, handling H1/);
    assert.equal(tix(data.path, ['grade', 'abusech-feodo', '--reliability', 'E']).code, 2);
    assert.equal(tix(data.path, ['grade', 'abusech-feodo', '--accuracy', '5']).code, 2);
    assert.equal(tix(data.path, ['grade', 'no-such-source', '--pap', 'red']).code, 2);
  });

  it('shows the grading on every value of the source, and filters by it', () => {
    const show = JSON.parse(tix(data.path, ['search', '192.9.135.73', '-o', 'jsonl']).stdout.trim().split('\n')[0]!) as { evaluation?: unknown };
    assert.deepEqual(show.evaluation, { pap: 'amber', reliability: 'B', accuracy: 2, handling: 'H1' });
    const count = (args: string[]): number => {
      const run = tix(data.path, ['search', '-n', '100000', '-o', 'jsonl', ...args]);
      return run.stdout.trim() === '' ? 0 : run.stdout.trim().split('\n').length;
    };
    const all = count([]);
    const feodo = count(['--source', 'abusech-feodo']);
    assert.ok(feodo > 0 && feodo < all);
    assert.equal(count(['--reliability', 'A,B']), feodo);
    assert.equal(count(['--reliability', 'A']), 0);
    assert.equal(count(['--max-accuracy', '2']), feodo);
    assert.equal(count(['--max-accuracy', '1']), 0);
    assert.equal(count(['--max-pap', 'amber']), feodo);
    assert.equal(count(['--max-pap', 'green']), 0);
  });

  it('writes the grading into MISP tags and a STIX custom property', () => {
    const out = tempDir();
    try {
      const event = JSON.parse(tix(data.path, ['export', 'misp', '--source', 'abusech-feodo']).stdout) as { Event: { Attribute: Array<{ Tag: Array<{ name: string }> }> } };
      const tags = event.Event.Attribute[0]!.Tag.map((tag) => tag.name);
      for (const expected of ['PAP:AMBER', 'admiralty-scale:source-reliability="b"', 'admiralty-scale:information-credibility="2"', 'handling-code:H1']) assert.ok(tags.includes(expected), expected);
      const file = join(out.path, 'b.json');
      assert.equal(tix(data.path, ['export', 'stix', '--source', 'abusech-feodo', '-o', file]).code, 0);
      const indicator = (JSON.parse(readFileSync(file, 'utf8')) as { objects: Array<{ type: string; x_tix_evaluation?: unknown }> }).objects.find((object) => object.type === 'indicator');
      assert.deepEqual(indicator?.x_tix_evaluation, { pap: 'amber', source_reliability: 'B', information_accuracy: 2, handling_code: 'H1' });
    } finally {
      out.remove();
    }
  });
});
