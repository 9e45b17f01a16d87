import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds spent by this process and every process below it (Chromium, FFmpeg, Remotion's
 * compositor) while a measurement runs, sampled from /proc. On a shared machine CPU time moves far
 * less with other people's load than wall time does, so variants are also compared by it.
 * Linux only: elsewhere `stop()` answers null.
 */
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcEntry {
  pid: number;
  ppid: number;
  cpuTicks: number;
}

function readProcs(): ProcEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we read.
    }
  }
  return out;
}

function treeOf(procs: ProcEntry[], root: number): ProcEntry[] {
  const children = new Map<number, ProcEntry[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcEntry[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      stack.push(child.pid);
    }
  }
  const self = procs.find((p) => p.pid === root);
  return self ? [self, ...out] : out;
}

export function trackTreeCpu(intervalMs = 200): { stop: () => number | null } {
  if (process.platform !== 'linux') return { stop: () => null };
  const last = new Map<number, number>();
  const sample = () => {
    for (const p of treeOf(readProcs() ?? [], process.pid)) last.set(p.pid, p.cpuTicks);
  };
  sample();
  // Processes alive at the start count from there; processes born later count from zero.
  const startedWith = new Map(last);
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      let ticks = 0;
      for (const [pid, now] of last) ticks += now - (startedWith.get(pid) ?? 0);
      return ticks / TICKS_PER_SECOND;
    },
  };
}
