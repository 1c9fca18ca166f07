import { platform } from './platform.js';
import { ParameterError } from './errors.js';

/**
 * Limits checked before anything is allocated: what a float32 holds, how many synapses one table can index,
 * and how much memory a network is estimated to need against what this machine (or container) has left.
 */

/** The largest finite float32 (2^128 - 2^104): larger magnitudes round to ±Infinity in a Float32Array. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Whether a double lies in the float32 range (a larger magnitude becomes ±Infinity in a Float32Array, or nearly). */
export function fitsFloat32(x: number): boolean {
  return Math.abs(x) <= FLOAT32_MAX;
}

/** What a value that must fit float32 is allowed to be, for error messages. */
export const FLOAT32_RANGE = `a finite number with |x| <= ${FLOAT32_MAX} (the float32 range)`;

/**
 * Synapses one projection may hold on one rank: a table's row offsets are uint32 (and a typed array holds at
 * most 2^32 elements in Node 20).
 */
export const MAX_TABLE_SYNAPSES = 2 ** 32 - 1;

/** Neuron and device ids are int32 (spike senders): at most this many nodes in a network. */
export const MAX_NODES = 2 ** 31 - 1;

/** How much memory this process can still allocate, and where the figure comes from (for error messages). */
export interface MemoryBudget {
  /** Bytes that can still be allocated now. */
  available(): number;
  /** The figure and its source, e.g. '22.9 GB available (os.freemem(); os.totalmem() 23.5 GB)'. */
  describe(): string;
}

/**
 * The machine's memory: `process.constrainedMemory()` (a cgroup or container limit) where it is set and below
 * the physical memory, less what this process already holds; otherwise os.freemem() (Linux: MemAvailable).
 */
export const systemMemory: MemoryBudget = {
  available() {
    const m = platform.memory;
    const free = m.free();
    const limit = m.constrained();
    return limit === null ? free : Math.min(free, Math.max(0, limit - m.held()));
  },
  describe() {
    const m = platform.memory;
    const limit = m.constrained();
    const avail = formatBytes(this.available());
    if (limit !== null) return `${avail} available (process.constrainedMemory() ${formatBytes(limit)}, less the ${formatBytes(m.held())} this process holds; ${m.source} ${formatBytes(m.free())})`;
    if (platform.name === 'browser') return `${avail} available (${m.source})`;
    return `${avail} available (${m.source}; os.totalmem() ${formatBytes(m.total())})`;
  },
};

/** A fixed budget (tests; a run that must stay below a given size). */
export function fixedMemory(bytes: number, source = 'a fixed memory budget'): MemoryBudget {
  return { available: () => bytes, describe: () => `${formatBytes(bytes)} available (${source})` };
}

/** Bytes for people: '34.8 GB', '116 B'. */
export function formatBytes(b: number): string {
  if (b < 1000) return `${Math.round(b)} B`;
  for (const [unit, f] of [['kB', 1e3], ['MB', 1e6], ['GB', 1e9], ['TB', 1e12]] as const) {
    if (b < f * 1000 || unit === 'TB') return `${(b / f).toFixed(1)} ${unit}`;
  }
  return `${b} B`;
}

/** A count for people: 10000000000 as '1e+10', 300000000 as '3e+8', small ones as they are. */
export function formatCount(n: number): string {
  return n >= 1e7 ? n.toExponential(3).replace(/\.?0+e/, 'e') : String(Math.round(n));
}

/**
 * The share of the available memory a network's estimate may take: the estimate counts the big arrays only
 * (state, rings, synapse tables), not the JavaScript heap, the kernels' code or the operating system's needs.
 */
export const MEMORY_HEADROOM = 0.9;

/**
 * Whether this process is one rank of an MPI job of several processes (the launchers' environment): a network
 * described here is then split over processes that may run on other machines.
 */
export function isMpiRank(env: Record<string, string | undefined> = platform.env()): boolean {
  for (const key of ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE', 'MV2_COMM_WORLD_SIZE']) {
    const n = Number(env[key]);
    if (Number.isInteger(n) && n > 1) return true;
  }
  return false;
}

/**
 * How a network's memory is checked: 'build' (it allocates as it goes, so what it already holds is gone from
 * the available figure: each addition is checked on its own), 'describe' (nothing is allocated: each addition
 * is checked together with everything estimated before it, the whole network standing for this machine's
 * processes) or 'off' (a description for MPI ranks that may be on other machines: each rank checks its part).
 */
export type LedgerMode = 'build' | 'describe' | 'off';

/** The memory a network is estimated to take, checked as it is built (see LedgerMode). */
export class MemoryLedger {
  /** Bytes estimated to stay allocated for what was created so far (this rank). */
  steady = 0;
  /** Over how many ranks a described network will be split (its tables' index widths depend on their share). */
  ranks = 1;
  constructor(
    private readonly budget: () => MemoryBudget,
    private readonly mode: () => LedgerMode,
  ) {}

  /**
   * Throws unless `peak` more bytes fit (of which `steady` stay allocated once built). `what` says what needs
   * them; `fit`, given the bytes there is room for, may say how much would fit.
   */
  reserve(where: string, parameter: string, value: unknown, what: string, steady: number, peak: number, fit?: (room: number) => string): void {
    const mode = this.mode();
    if (mode === 'off') return;
    const b = this.budget();
    const usable = b.available() * MEMORY_HEADROOM;
    const before = mode === 'describe' ? this.steady : 0;
    if (before + peak > usable) {
      const sum = before > 0 ? ` (${formatBytes(before + peak)} with the ${formatBytes(before)} estimated for the network created before)` : '';
      const hint = fit ? `; ${fit(Math.max(0, usable - before))}` : '';
      throw new ParameterError(
        where, parameter, value,
        `a network that fits in memory: ${what} need an estimated ${formatBytes(peak)}${sum}, and ${b.describe()}, of which ${Math.round(MEMORY_HEADROOM * 100)} % (${formatBytes(usable)}) may be used${hint}`,
      );
    }
    this.steady += steady;
  }
}
