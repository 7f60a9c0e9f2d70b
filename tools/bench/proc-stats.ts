/**
 * CPU time and memory of processes, read from /proc (Linux): utime + stime of
 * /proc/<pid>/stat in clock ticks, VmRSS / VmHWM of /proc/<pid>/status. A Sampler reads every
 * watched process a few times a second, so a process that exits or appears mid-run is still
 * counted, and the peak RSS is the highest sample (VmHWM would include start-up).
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // CLK_TCK on Linux (getconf CLK_TCK)

export interface ProcSample {
  cpuSeconds: number;
  rssBytes: number;
}

export function readProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return { cpuSeconds: (utime + stime) / TICKS_PER_SECOND, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
  } catch {
    return null; // gone
  }
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busySeconds: number; totalSeconds: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busySeconds: busy / TICKS_PER_SECOND, totalSeconds: (busy + idle + iowait) / TICKS_PER_SECOND };
}

export function allPids(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

/** Assigns a process to a group by its command line, or null to ignore it. */
export type Classifier = (pid: number, cmd: string) => string | null;

interface Point {
  at: number;
  cpuSeconds: number;
  rssBytes: number;
}

interface Tracked {
  group: string;
  points: Point[];
  /** Counted from zero: the process started after sampling began. */
  startedLate: boolean;
}

export interface GroupUsage {
  cpuSeconds: number;
  /** Highest single-process RSS sampled in the group (for a service: its RSS). */
  peakRssBytes: number;
  processes: number;
}

export interface Window {
  seconds: number;
  machineBusySeconds: number;
  machineTotalSeconds: number;
  groups: Record<string, GroupUsage>;
}

export interface Mark {
  at: number;
  machine: { busySeconds: number; totalSeconds: number };
}

/**
 * Samples fixed pids (by group) and, every `scanEveryMs`, any process the classifier
 * recognizes (Postgres backends, say). Usage is measured in windows between marks.
 */
export class Sampler {
  private readonly tracked = new Map<number, Tracked>();
  private readonly fixed = new Map<number, string>();
  private timer?: NodeJS.Timeout;
  private lastScan = 0;
  private started = false;

  constructor(
    private readonly classify: Classifier = () => null,
    private readonly intervalMs = 200,
    private readonly scanEveryMs = 1000,
  ) {}

  watch(pid: number | undefined, group: string): void {
    if (pid === undefined) return;
    this.fixed.set(pid, group);
    this.sampleOne(pid, group, performance.now());
  }

  start(): void {
    if (this.timer) return;
    this.tick();
    this.started = true;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.tick();
  }

  /** A point in time to measure windows between (samples everything first). */
  mark(): Mark {
    this.tick();
    return { at: performance.now(), machine: machineCpu() };
  }

  window(from: Mark, to: Mark): Window {
    const groups: Record<string, GroupUsage> = {};
    for (const t of this.tracked.values()) {
      const inside = t.points.filter((p) => p.at >= from.at && p.at <= to.at);
      if (inside.length === 0) continue;
      const before = t.points.filter((p) => p.at < from.at).at(-1);
      const startCpu = before?.cpuSeconds ?? (t.startedLate ? 0 : inside[0].cpuSeconds);
      const g = (groups[t.group] ??= { cpuSeconds: 0, peakRssBytes: 0, processes: 0 });
      g.cpuSeconds += Math.max(0, (inside.at(-1) as Point).cpuSeconds - startCpu);
      g.peakRssBytes = Math.max(g.peakRssBytes, ...inside.map((p) => p.rssBytes));
      g.processes += 1;
    }
    return {
      seconds: (to.at - from.at) / 1000,
      machineBusySeconds: to.machine.busySeconds - from.machine.busySeconds,
      machineTotalSeconds: to.machine.totalSeconds - from.machine.totalSeconds,
      groups,
    };
  }

  private tick(): void {
    const at = performance.now();
    for (const [pid, group] of this.fixed) this.sampleOne(pid, group, at);
    const now = Date.now();
    if (now - this.lastScan >= this.scanEveryMs) {
      this.lastScan = now;
      for (const pid of allPids()) {
        if (this.tracked.has(pid) || this.fixed.has(pid)) continue;
        const group = this.classify(pid, cmdline(pid));
        if (group) this.sampleOne(pid, group, at);
      }
    }
    for (const [pid, t] of this.tracked) if (!this.fixed.has(pid)) this.sampleOne(pid, t.group, at);
  }

  private sampleOne(pid: number, group: string, at: number): void {
    const s = readProc(pid);
    if (!s) return; // keeps its last sample: its CPU up to the exit still counts
    const t = this.tracked.get(pid);
    if (!t) {
      this.tracked.set(pid, { group, points: [{ at, ...s }], startedLate: this.started });
      return;
    }
    t.group = group;
    t.points.push({ at, ...s });
  }
}
