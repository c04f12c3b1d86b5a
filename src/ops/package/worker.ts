import { parentPort } from 'node:worker_threads';
import { fromColumns, type ItemColumns } from './columns.ts';
import { writePackageFiles, type PackageJob, type PackageRun } from './write.ts';

/** A thread that writes the packages it is handed (their items in columns) and answers with what it wrote, or the first failure. */
parentPort?.once('message', ({ run, jobs }: { run: PackageRun; jobs: Array<Omit<PackageJob, 'items'> & { columns: ItemColumns }> }) => {
  try {
    parentPort!.postMessage({ written: jobs.map(({ columns, ...job }) => writePackageFiles(run, { ...job, items: fromColumns(columns) })) });
  } catch (error) {
    parentPort!.postMessage({ failed: error instanceof Error ? error.message : String(error) });
  }
});
