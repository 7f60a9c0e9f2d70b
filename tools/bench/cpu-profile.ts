/**
 * Summarizes V8 .cpuprofile files (from `npm run bench -- --profile <service>`): self time by
 * package / source area, the top functions by self time, and the top functions of apps/ and
 * libs/ by inclusive time (what runs under them, each function counted once per stack), so the
 * hot spots of a service read at a glance.
 *
 *   node -r ./tools/register.cjs tools/bench/cpu-profile.ts tmp/bench/profiles/*.cpuprofile
 *     [--top=25] [--from=S] [--to=S]
 *
 * `--from`/`--to`: only the samples taken that many seconds after the profile started (a
 * service's start), e.g. the burst, not the start-up and the creation of the rotations. The
 * bench's log says when each phase began. Samples are wall-clock: time a process spent waiting
 * for a core while inside a function (a socket write that woke Postgres) is charged to it.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(url: string): string {
  if (!url) return '(native / gc / idle)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return url.split('/')[0];
  const local = /\/(apps|libs)\/([^/]+)\//.exec(url);
  if (local) return `${local[1]}/${local[2]}`;
  return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}

function summarize(file: string, top: number, window: { fromUs: number; toUs: number }): void {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = 0;
  p.samples.forEach((id, i) => {
    const us = p.timeDeltas[i] ?? 0;
    at += us;
    if (at >= window.fromUs && at <= window.toUs) self.set(id, (self.get(id) ?? 0) + us);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** The first caller outside node's internals and native code: who a syscall or builtin works for. */
  const owner = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = (byId.get(at) as ProfileNode).callFrame.url;
      if (url && !url.startsWith('node:')) return area(url);
    }
    return '(node)';
  };
  const byOwner = new Map<string, number>();
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id) as ProfileNode;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const a = name === '(garbage collector)' ? '(gc)' : name === '(program)' ? '(program)' : area(n.callFrame.url);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
    const o = a.startsWith('(') || a.startsWith('node:') ? owner(id) : a;
    byOwner.set(o, (byOwner.get(o) ?? 0) + us);
    const key = `${name} ${n.callFrame.url ? `${area(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const busy = total - idle;
  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  process.stdout.write(`\n${file}: busy ${ms(busy)} ms of ${ms(total)} ms\n  by area:\n`);
  for (const [a, us] of [...byArea].sort((x, y) => y[1] - x[1]).slice(0, top)) process.stdout.write(`    ${ms(us)} ms ${pct(us)}  ${a}\n`);
  process.stdout.write('  by owner (node internals and native code charged to their first caller in a package or app):\n');
  for (const [a, us] of [...byOwner].sort((x, y) => y[1] - x[1]).slice(0, top)) process.stdout.write(`    ${ms(us)} ms ${pct(us)}  ${a}\n`);
  process.stdout.write('  top functions (self):\n');
  for (const [f, us] of [...byFn].sort((x, y) => y[1] - x[1]).slice(0, top)) process.stdout.write(`    ${ms(us)} ms ${pct(us)}  ${f}\n`);
  process.stdout.write('  top functions of apps/ and libs/ (inclusive):\n');
  for (const [f, us] of [...inclusive(p, self, byId)].sort((x, y) => y[1] - x[1]).slice(0, top)) process.stdout.write(`    ${ms(us)} ms ${pct(us)}  ${f}\n`);
}

/** Time under each function of apps/ or libs/, counted once per sample however often it recurs in the stack. */
function inclusive(p: Profile, self: Map<number, number>, byId: Map<number, ProfileNode>): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = new Map<string, number>();
  for (const [id, us] of self) {
    if ((byId.get(id) as ProfileNode).callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = (byId.get(at) as ProfileNode).callFrame;
      if (!/\/(apps|libs)\//.test(url) || url.includes('node_modules')) continue;
      const key = `${functionName || '(anonymous)'} ${area(url)}/${url.split('/').pop()}:${lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + us);
    }
  }
  return totals;
}

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flag = (name: string): number | undefined => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : Number(arg.slice(name.length + 3));
};
const window = { fromUs: (flag('from') ?? 0) * 1e6, toUs: (flag('to') ?? Infinity) * 1e6 };
for (const f of files) summarize(f, flag('top') ?? 25, window);
