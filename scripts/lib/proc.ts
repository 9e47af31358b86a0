// What Linux says about a process, for the supervisor and its tests. kill(pid, 0) alone is not
// enough: it also answers for zombies, and a container's init (PID 1) may never reap the
// orphans it inherits, so a dead process would look alive forever.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcStat {
  pid: number;
  /** R running, S sleeping, Z zombie, ... (proc(5)). */
  state: string;
  ppid: number;
  pgrp: number;
  /** User + system CPU time, in clock ticks. */
  cpuTicks: number;
}

/** /proc/<pid>/stat, or undefined when there is no such process (or no /proc). */
export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    state: f[0] ?? "?",
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    cpuTicks: Number(f[11]) + Number(f[12]),
  };
}

const hasProc = (() => {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
})();

const dead = (s: ProcStat | undefined) => !s || s.state === "Z" || s.state === "X";

/** Every live (not zombie) process, read from /proc. */
export function listProcesses(): ProcStat[] {
  if (!hasProc) return [];
  const out: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s && !dead(s)) out.push(s);
  }
  return out;
}

function killAnswers(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether `pid` runs (a zombie does not). */
export function isAlive(pid: number): boolean {
  if (!killAnswers(pid)) return false;
  return hasProc ? !dead(procStat(pid)) : true;
}

/** Whether any live process is left in process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  if (!killAnswers(-pgid)) return false;
  return hasProc ? listProcesses().some((p) => p.pgrp === pgid) : true;
}

/** Sends `signal` to every process of group `pgid`; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
