import { readFileSync } from 'node:fs';

const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** The parent of a process, from /proc (Linux); null where /proc is not there. */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 4, after the command name in parentheses (which may hold spaces).
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/**
 * Stop requests for a run: SIGINT, SIGTERM and SIGHUP set `signal` (the run ends at the next slice, flushes
 * its files and exits 128 + the signal number); a second signal exits at once. Started by `npx`/`npm exec`,
 * whose wrapper does not forward signals, a run also stops when that wrapper goes away (its shell or
 * itself reparented), so `kill`, `timeout` and schedulers do not leave a runaway simulation behind.
 */
export class StopRequest {
  signal: string | null = null;
  private readonly chain: [number, number | null] | null;
  private readonly handler = (sig: NodeJS.Signals) => {
    if (this.signal) process.exit(EXIT_CODES[sig] ?? 1);
    this.signal = sig;
  };

  constructor() {
    const viaNpm = process.env.npm_command === 'exec' || process.env.npm_lifecycle_event === 'npx';
    this.chain = viaNpm ? [process.ppid, parentOf(process.ppid)] : null;
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, this.handler);
  }

  /** Whether the run should stop now (checked between slices, after the event loop has had a turn). */
  get requested(): boolean {
    if (!this.signal && this.chain) {
      const [parent, grandparent] = this.chain;
      if (process.ppid !== parent || (grandparent !== null && parentOf(parent) !== grandparent)) this.signal = 'SIGHUP';
    }
    return this.signal !== null;
  }

  /** The exit status of a run ended by this request (130 for SIGINT, 143 for SIGTERM, 129 when the parent went away). */
  get exitCode(): number {
    return EXIT_CODES[this.signal ?? ''] ?? 1;
  }

  dispose(): void {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, this.handler);
  }
}
