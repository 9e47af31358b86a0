// What the benchmarks read about processes from /proc (Linux): CPU time and resident memory.
import { readdirSync, readFileSync } from "node:fs";

const readText = (file: string) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return ""; // a process that just ended
  }
};

/** CPU time (user + system, all threads) a process has used, in ms (0 once it is gone). */
export function cpuMsOf(pid: number): number {
  // utime and stime (fields 14 and 15 of stat, 12 and 13 after the command), in ticks of 10 ms.
  const fields = readText(`/proc/${pid}/stat`).split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
}

/** VmRSS of a process in bytes (0 once it is gone). */
export function rssOf(pid: number): number {
  const m = readText(`/proc/${pid}/status`).match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) * 1024 : 0;
}

/** CPU time of every process whose command starts with `command` (e.g. every Postgres backend), in ms. */
export function cpuMsOfCommand(command: string): number {
  let ms = 0;
  for (const d of readdirSync("/proc")) {
    if (/^\d+$/.test(d) && readText(`/proc/${d}/comm`).startsWith(command)) ms += cpuMsOf(Number(d));
  }
  return ms;
}
