// How busy the machine was while a figure was measured: the 1-minute load average (as `uptime`
// prints it) at the start and end, and the CPU the rest of the machine used meanwhile, i.e. all CPU
// time in /proc/stat minus this process's and its reaped children's (the measured tix process is
// one). On a shared 2-core VM a figure taken while others used a core is not comparable with one
// taken on an idle machine.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

const HZ = 100; // USER_HZ: the unit of /proc/stat and /proc/PID/stat times on Linux

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of all CPUs. */
function machineTicks() {
  const line = read('/proc/stat')?.split('\n', 1)[0];
  if (!line?.startsWith('cpu ')) return undefined;
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** CPU jiffies of this process plus those of its children it has waited for (cutime/cstime). */
function ownTicks() {
  const stat = read('/proc/self/stat');
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return fields[11] + fields[12] + fields[13] + fields[14];
}

/** Starts measuring; `stop()` returns { load1Start, load1End, busyCores, othersCores } (cores: 0..cpu count). */
export function startMeter() {
  const started = { at: performance.now(), load: loadavg()[0], machine: machineTicks(), own: ownTicks() };
  return {
    stop() {
      const machine = machineTicks();
      const own = ownTicks();
      const load1End = loadavg()[0];
      const result = { load1Start: started.load, load1End };
      if (!machine || !started.machine || own === undefined) return result;
      const seconds = (performance.now() - started.at) / 1000;
      const total = machine.total - started.machine.total;
      if (seconds <= 0 || total <= 0) return result;
      const ncpu = cpus().length;
      const busyCores = ((machine.busy - started.machine.busy) / total) * ncpu;
      const ownCores = (own - started.own) / HZ / seconds;
      return { ...result, busyCores, othersCores: Math.min(ncpu, Math.max(0, busyCores - ownCores)) };
    },
  };
}

/** "load 1.52→1.80, others 0.9 cores" */
export function describeLoad(meter) {
  if (!meter) return '';
  const others = meter.othersCores === undefined ? '' : `, others ${meter.othersCores.toFixed(1)} cores`;
  return `load ${meter.load1Start.toFixed(2)}→${meter.load1End.toFixed(2)}${others}`;
}

/** Short form for a table cell: "1.52/0.9" = 1-minute load at the end / cores others used. */
export function loadCell(meter) {
  if (!meter) return '-';
  return `${meter.load1End.toFixed(2)}/${meter.othersCores === undefined ? '?' : meter.othersCores.toFixed(1)}`;
}
