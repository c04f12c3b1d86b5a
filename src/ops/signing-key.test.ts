import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDir } from '../../test/helpers/cli.ts';
import { signingKey } from './signing-key.ts';

const run = promisify(execFile);

describe('the package-signing key', () => {
  const dir = tempDir('tix-signing-');
  after(() => dir.remove());

  it('is made once when several processes ask for it at the same moment, and every one signs with it', async () => {
    const module = new URL('./signing-key.ts', import.meta.url).pathname;
    const script = `import(${JSON.stringify(module)}).then((m) => process.stdout.write(m.signingKey(${JSON.stringify(dir.path)}).publicPem))`;
    const keys = await Promise.all(Array.from({ length: 4 }, () => run(process.execPath, ['--import', 'tsx', '-e', script]).then((result) => result.stdout)));
    assert.equal(new Set(keys).size, 1, 'one key for all');
    assert.equal(readFileSync(join(dir.path, 'keys', 'package-signing.pub.pem'), 'utf8'), keys[0]);
    assert.equal(signingKey(dir.path).publicPem, keys[0], 'and the same key afterwards');
    assert.deepEqual(readdirSync(join(dir.path, 'keys')).sort(), ['package-signing.pem', 'package-signing.pub.pem'], 'no drafts left behind');
  });
});
