import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { storeContract } from '../store.contract.ts';
import { SqliteStore } from './store.ts';

const directories: string[] = [];
after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

storeContract('sqlite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'tix-store-'));
  directories.push(directory);
  return SqliteStore.open(directory);
});
