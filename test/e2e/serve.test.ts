import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, tempDir, tix } from '../helpers/cli.ts';

/** Starts `tix serve` as the README's first command does, and resolves with its base URL once it listens. */
function serve(data: string, args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'tix.js'), '--data', data, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tix serve did not start:\n${output}`)), 90_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /API\s+(http:\/\/localhost:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!.replace('localhost', '127.0.0.1'), output: () => output });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`tix serve exited with ${code}:\n${output}`)));
  });
}

const basic = (user: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${user}-demo-2026`).toString('base64')}` });

describe('tix serve --demo: the first command of the README', () => {
  const data = tempDir();
  let server: Awaited<ReturnType<typeof serve>>;
  before(async () => {
    server = await serve(data.path, ['--demo']);
  });
  after(() => {
    server?.child.kill('SIGTERM');
    data.remove();
  });

  it('seeds the demo and prints where to go and who to sign in as', () => {
    assert.match(server.output(), /Demo users/);
    assert.match(server.output(), /TAXII\s+http:\/\/localhost:\d+\/taxii2\//);
  });

  it('serves each organisation what it is cleared for: the operation sees the vendor\'s AMBER C2, the ISP does not', async () => {
    const search = async (user: string): Promise<Array<{ value: string; tlp: string; sources: string[] }>> => {
      const response = await fetch(`${server.url}/api/v1/indicators?q=192.9.135.73`, { headers: basic(user) });
      assert.equal(response.status, 200);
      return ((await response.json()) as { items: Array<{ value: string; tlp: string; sources: string[] }> }).items;
    };
    const police = await search('ip-analyst');
    assert.ok(police.some((item) => item.value === '192.9.135.73' && item.tlp === 'amber'));
    assert.deepEqual(await search('isp-noc'), []);
    assert.ok((await search('vendor-analyst')).length >= police.length);
  });

  it('refuses bad credentials and anonymous reads', async () => {
    assert.equal((await fetch(`${server.url}/api/v1/indicators`)).status, 401);
    const wrong = await fetch(`${server.url}/api/v1/indicators`, { headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  });

  it('records every read in a hash chain that verifies, and notices tampering', async () => {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    const verified = tix(data.path, ['audit', 'verify']);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /audit log intact: \d+ entries/);
    const reads = tix(data.path, ['audit', 'list', '-o', 'jsonl']).stdout.trim().split('\n').map((line) => JSON.parse(line) as { action: string; count?: number });
    assert.ok(reads.some((entry) => entry.action === 'read:indicators' && entry.count !== undefined));
    // an edit made behind tix's back breaks the chain at that entry
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(data.path, 'tix.db'));
    db.prepare("UPDATE audit_log SET count = 0 WHERE seq = 2").run();
    db.close();
    const broken = tix(data.path, ['audit', 'verify']);
    assert.equal(broken.code, 2);
    assert.match(broken.stdout, /BROKEN at entry 2: its content was changed/);
  });
});
