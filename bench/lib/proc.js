// Child processes measured from outside: wall time, peak RSS, CPU time, and a
// progress line fed from /proc while they run.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

function readProc(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/status in kB, e.g. VmHWM (peak RSS) and VmRSS. */
function statusKb(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readProc(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The pid whose parent is `ppid` (GNU time forks the measured command). */
function childOf(ppid) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(`/proc/${entry}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === ppid) return Number(entry);
  }
  return undefined;
}

/** Read offset of `pid` in the file `path`, from /proc/<pid>/fdinfo, or undefined. */
function filePosition(pid, path) {
  let fds;
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== path) continue;
    } catch {
      continue;
    }
    const match = /^pos:\s+(\d+)/m.exec(readProc(`/proc/${pid}/fdinfo/${fd}`) ?? '');
    if (match) return Number(match[1]);
  }
  return undefined;
}

function parseGnuTime(text) {
  const number = (label) => {
    const match = new RegExp(`${label}:\\s*([\\d.]+)`).exec(text);
    return match ? Number(match[1]) : undefined;
  };
  return { maxRssKb: number('Maximum resident set size \\(kbytes\\)'), userS: number('User time \\(seconds\\)'), sysS: number('System time \\(seconds\\)') };
}

/**
 * Runs `command args` to completion. Peak RSS comes from GNU time (`-v`) when
 * it is installed, else from polling VmHWM. `watch` (a path) reports how far
 * the child has read that file, through `onPoll({ elapsedMs, position, rssKb })`.
 */
export async function runMeasured(command, args, { env = process.env, watch, onPoll, pollMs = 250 } = {}) {
  const useTime = existsSync(GNU_TIME);
  const timeFile = join(tmpdir(), `tix-bench-time-${process.pid}-${Date.now()}.txt`);
  const argv = useTime ? ['-v', '-o', timeFile, command, ...args] : args;
  const started = performance.now();
  const child = spawn(useTime ? GNU_TIME : command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr.length < 1e6 ? (stderr += text) : undefined));
  let target = useTime ? undefined : child.pid;
  let polledHwm = 0;
  let lastCpu;
  const poll = () => {
    if (target === undefined) target = childOf(child.pid);
    if (target === undefined) return;
    const hwm = statusKb(target, 'VmHWM');
    if (hwm !== undefined) polledHwm = Math.max(polledHwm, hwm);
    const stat = readProc(`/proc/${target}/stat`);
    if (stat) {
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      lastCpu = { userS: Number(fields[11]) / 100, sysS: Number(fields[12]) / 100 };
    }
    onPoll?.({ elapsedMs: performance.now() - started, position: watched ? filePosition(target, watched) : undefined, rssKb: statusKb(target, 'VmRSS') });
  };
  // /proc/PID/fd links name the resolved path
  const watched = watch ? realpathSync(watch) : undefined;
  const timer = setInterval(poll, pollMs);
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolve(exitCode ?? signal));
  });
  clearInterval(timer);
  const wallMs = performance.now() - started;
  let measured = { maxRssKb: polledHwm || undefined, ...lastCpu };
  let rssSource = 'VmHWM polled every 250 ms';
  if (useTime && existsSync(timeFile)) {
    measured = parseGnuTime(readFileSync(timeFile, 'utf8'));
    rssSource = '/usr/bin/time -v';
    rmSync(timeFile, { force: true });
  }
  return { code, wallMs, stdout, stderr, ...measured, rssSource };
}

/** Wall time of `LC_ALL=C sort -u file > /dev/null`, the baseline: the least work that dedupes the same values. */
export async function timeSortUnique(file) {
  const result = await runMeasured('sh', ['-c', 'LC_ALL=C sort -u "$1" > /dev/null', 'sh', file]);
  if (result.code !== 0) throw new Error(`sort -u failed: ${result.stderr.trim()}`);
  return result;
}
