import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { toColumns } from './columns.ts';
import { writePackageFiles, type PackageJob, type PackageRun, type WrittenPackage } from './write.ts';

/** Below this many items in all, another thread costs more (starting it, copying the items to it) than it saves. */
export const THREADS_FROM_ITEMS = 50_000;

/** Job indexes in `shares` groups of about equal items: the largest job first, each to the least loaded group. */
export function shareJobs(jobs: readonly PackageJob[], shares: number): number[][] {
  const groups = Array.from({ length: Math.min(jobs.length, Math.max(1, Math.floor(shares) || 1)) }, () => ({ load: 0, jobs: [] as number[] }));
  const order = jobs.map((_, index) => index).sort((a, b) => jobs[b]!.items.length - jobs[a]!.items.length);
  for (const index of order) {
    const lightest = groups.reduce((least, group) => (group.load < least.load ? group : least));
    lightest.jobs.push(index);
    lightest.load += jobs[index]!.items.length + 1;
  }
  return groups.map((group) => group.jobs.sort((a, b) => a - b));
}

// the worker is this module's sibling, with the same extension (.ts from source, .js when built)
const WORKER = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A thread running the worker; from source, it first registers tsx there, as a thread does not share its parent's module hooks. */
function startWorker(): Worker {
  if (!WORKER.pathname.endsWith('.ts')) return new Worker(WORKER);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(WORKER.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
}

function inWorker(run: PackageRun, jobs: PackageJob[]): Promise<WrittenPackage[]> {
  return new Promise((resolve, reject) => {
    const worker = startWorker();
    let answered = false;
    worker.once('message', (answer: { written?: WrittenPackage[]; failed?: string }) => {
      answered = true;
      void worker.terminate();
      if (answer.written) resolve(answer.written);
      else reject(new Error(answer.failed));
    });
    worker.once('error', (error) => {
      answered = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the package-writing thread stopped (exit code ${code}) before it answered`));
    });
    const columns = jobs.map(({ items, ...job }) => ({ ...job, columns: toColumns(items) }));
    worker.postMessage({ run, jobs: columns }, columns.flatMap((job) => [job.columns.numbers.buffer as ArrayBuffer, job.columns.codes.buffer as ArrayBuffer]));
  });
}

/**
 * Writes the packages, on `threads` threads: this one writes its share while
 * the others write theirs. Results come in the order of `jobs`.
 */
export async function writePackagesOn(threads: number, run: PackageRun, jobs: readonly PackageJob[]): Promise<WrittenPackage[]> {
  const [own = [], ...others] = shareJobs(jobs, threads);
  const answers = others.map((share) => inWorker(run, share.map((index) => jobs[index]!)));
  // a failed thread is reported once this one is done, not left running unobserved
  const settled = Promise.allSettled(answers);
  let ownWritten: WrittenPackage[] = [];
  let ownError: unknown;
  try {
    ownWritten = own.map((index) => writePackageFiles(run, jobs[index]!));
  } catch (error) {
    ownError = error;
  }
  const results = await settled;
  if (ownError) throw ownError;
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  const written: WrittenPackage[] = new Array(jobs.length);
  own.forEach((index, at) => (written[index] = ownWritten[at]!));
  others.forEach((share, which) => share.forEach((index, at) => (written[index] = (results[which] as PromiseFulfilledResult<WrittenPackage[]>).value[at]!)));
  return written;
}
