import { readFileSync } from 'node:fs';

/**
 * Virtual memory of this process in KiB, as NEST's memory_thisjob reports it (VmSize from
 * /proc/self/status on Linux); elsewhere the resident set size stands in.
 */
export function virtualMemoryKiB(): number {
  try {
    const m = /VmSize:\s+(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall through
  }
  return Math.round(process.memoryUsage().rss / 1024);
}

/** Peak resident set size of this process in MiB (worker threads included): getrusage's ru_maxrss. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
