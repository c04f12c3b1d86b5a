import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/cli.ts';
import { openOutput, outputFile } from './output-file.ts';

describe('output files (-o)', () => {
  const dir = tempDir('tix-output-');
  after(() => dir.remove());

  it('replace a regular file only once complete, and leave it as it was when the output fails', () => {
    const target = join(dir.path, 'report.json');
    writeFileSync(target, 'old');
    const failed = outputFile(target);
    assert.notEqual(failed.path, target);
    writeFileSync(failed.path, 'half');
    failed.abort();
    assert.equal(readFileSync(target, 'utf8'), 'old');
    const done = outputFile(target);
    writeFileSync(done.path, 'new');
    assert.equal(readFileSync(target, 'utf8'), 'old', 'not before it is complete');
    done.commit();
    assert.equal(readFileSync(target, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir.path), ['report.json']);
  });

  it('write into a device as it is, never replacing it with a file', () => {
    const file = outputFile('/dev/null');
    assert.equal(file.path, '/dev/null');
    writeFileSync(file.path, 'discarded');
    file.commit();
    assert.ok(statSync('/dev/null').isCharacterDevice());
  });

  it('opened for writing: text and bytes in order, put in place on commit, the old file kept on abort', () => {
    const target = join(dir.path, 'streamed.jsonl');
    writeFileSync(target, 'old');
    const failed = openOutput(target);
    failed.write('half');
    failed.abort();
    assert.equal(readFileSync(target, 'utf8'), 'old');
    const done = openOutput(target);
    done.write('{"a":1}\n');
    done.write(new TextEncoder().encode('{"b":"é"}\n'));
    assert.equal(readFileSync(target, 'utf8'), 'old', 'not before it is complete');
    done.commit();
    assert.equal(readFileSync(target, 'utf8'), '{"a":1}\n{"b":"é"}\n');
    assert.deepEqual(readdirSync(dir.path).filter((name) => name.startsWith('streamed')), ['streamed.jsonl']);
  });

  it('opened in a directory that does not exist: a clear error naming -o, nothing created', () => {
    const target = join(dir.path, 'no-such-dir', 'report.jsonl');
    assert.throws(() => openOutput(target), (error: Error & { code?: string }) => error.code === 'TIX_CONFIG_BAD_OPTION' && error.message === `-o ${target}: cannot be written: its directory does not exist`);
  });
});
