import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * CPU time a process has used (user + system, all its threads: GC helpers included), from Linux's
 * /proc/<pid>/stat; undefined where that is not readable. Divided by the requests a round answered,
 * it gives the server's CPU µs per request: how much of a req/s gap is the server's own work rather
 * than the load generator's (bench/README.md; on this machine it is no steadier than req/s).
 */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces), counted from field 3: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
