import { realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { ConfigError } from '../../errors.ts';

/**
 * Refuses a report target (`-o`) that is one of the evidence files or lies
 * inside an evidence directory: evidence is never written, and a report
 * dropped into a seized tree would change the tree (and be scanned with it).
 * Paths are compared once links are resolved, files also by device and inode
 * (a hard link is the same file under another name).
 */
export function checkReportTarget(target: string, evidence: readonly string[]): void {
  const output = resolved(target);
  if (output === undefined) return;
  const outputStat = statOrUndefined(output);
  for (const path of evidence) {
    if (path === '-') continue;
    const real = resolved(path);
    const stat = real === undefined ? undefined : statOrUndefined(real);
    if (real === undefined || stat === undefined) continue;
    if (stat.isDirectory()) {
      if (output === real || output.startsWith(real.endsWith(sep) ? real : real + sep)) {
        throw new ConfigError(`-o ${target}: is inside the evidence directory ${path}; evidence is never written: put the report elsewhere`);
      }
    } else if (output === real || (outputStat !== undefined && outputStat.dev === stat.dev && outputStat.ino === stat.ino)) {
      throw new ConfigError(`-o ${target}: is the evidence file ${path}; evidence is never written: put the report elsewhere`);
    }
  }
}

/** The path with every link resolved; for a file not there yet, its directory's. Undefined when neither exists. */
function resolved(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return undefined;
    }
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
