import type { CommRuntime, SpikeBatch } from '../../core/plugin.js';
import { ParameterError, SpikeworksError } from '../../core/errors.js';
import { GrowableBatch, mergeCanonical } from './merge.js';

/**
 * The memory worker threads share: a control block (barrier generation and arrival counter, abort flag,
 * per-rank spike counts), per-rank spike regions and per-rank reduction slots. Every region exists twice
 * (indexed by the parity of the collective's sequence number), so one barrier per collective is enough:
 * a rank overwrites the parity-p region only after passing the next barrier, which every rank reaches only
 * after it has read the previous parity-p data.
 */
export interface SharedCommBuffers {
  readonly size: number;
  /** Spikes per rank per round; a slice with more spikes is sent in several rounds. */
  readonly capacity: number;
  /** Doubles per rank per round of allreduceSum. */
  readonly reduceCapacity: number;
  readonly control: SharedArrayBuffer;
  readonly spikes: SharedArrayBuffer;
  readonly reduce: SharedArrayBuffer;
}

const GEN = 0;
const ARRIVED = 1;
const ABORT = 2;
const HEADER = 16;
/** Per rank, after the counts and flags: how many barriers the rank has entered (which ranks a waiting one waits for). */
const ENTERED = 4;

export function createSharedCommBuffers(size: number, capacity = 1 << 16, reduceCapacity = 1024): SharedCommBuffers {
  if (!Number.isInteger(size) || size < 1) throw new SpikeworksError(`shared comm: size must be an integer >= 1, got ${size}`);
  return {
    size,
    capacity,
    reduceCapacity,
    // counts and "more to come" flags per parity and rank, then the barriers each rank entered
    control: new SharedArrayBuffer((HEADER + 5 * size) * 4),
    spikes: new SharedArrayBuffer(2 * size * capacity * 2 * 4),
    reduce: new SharedArrayBuffer(2 * size * reduceCapacity * 8),
  };
}

/** Ask every rank waiting at (or later reaching) a barrier to stop with an error. Called by the main thread. */
export function abortSharedComm(buffers: SharedCommBuffers): void {
  const ctl = new Int32Array(buffers.control);
  Atomics.store(ctl, ABORT, 1);
  Atomics.notify(ctl, GEN);
}

/** Thrown in a rank that stopped because another rank failed; the main thread reports the first real error instead. */
export class CommAbortedError extends SpikeworksError {
  constructor(where: string) {
    super(`${where}: stopped because another worker failed`);
    this.name = 'CommAbortedError';
  }
}

export interface SharedCommOptions {
  /** Longest time one barrier may wait for the other ranks before the run fails (ms; default 10 min). */
  barrierTimeoutMs?: number;
  /** How often a waiting rank wakes to look at the abort flag (ms). */
  pollMs?: number;
  /** Busy-wait iterations before sleeping: cheap when every rank has its own core, wasted when cores are shared. */
  spin?: number;
}

/** The barrier timeout when none is given: 10 minutes (builds of big networks are slow). */
export const DEFAULT_BARRIER_TIMEOUT_MS = 10 * 60_000;

/** A barrier timeout as given (undefined: the default), or a ParameterError naming it. */
export function checkBarrierTimeout(where: string, ms: unknown): number | undefined {
  if (ms === undefined) return undefined;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) throw new ParameterError(where, 'barrierTimeoutMs', ms, 'a time in ms > 0 (finite)');
  return ms;
}

/** CommRuntime of rank `rank` over shared memory: spikes cross at one barrier per min-delay slice. */
export class SharedComm implements CommRuntime {
  private readonly ctl: Int32Array;
  private readonly spikeRegion: Int32Array;
  private readonly reduceRegion: Float64Array;
  private round = 0;
  private readonly received: GrowableBatch[];
  private readonly out = new GrowableBatch(4096);
  private readonly offsets: Int32Array;
  private readonly counts: Int32Array;
  private readonly heads: Int32Array;
  private readonly gidViews: Int32Array[];
  private readonly stepViews: Int32Array[];
  private readonly barrierTimeoutMs: number;
  private readonly pollMs: number;
  private readonly spin: number;
  /** Seconds this rank spent waiting at barriers (part of its exchange time). */
  waitTime = 0;

  constructor(
    private readonly buffers: SharedCommBuffers,
    readonly rank: number,
    options: SharedCommOptions = {},
  ) {
    const { size } = buffers;
    if (!Number.isInteger(rank) || rank < 0 || rank >= size) throw new SpikeworksError(`shared comm: rank must be in [0, ${size - 1}], got ${rank}`);
    this.ctl = new Int32Array(buffers.control);
    this.spikeRegion = new Int32Array(buffers.spikes);
    this.reduceRegion = new Float64Array(buffers.reduce);
    this.received = Array.from({ length: size }, () => new GrowableBatch(1024));
    this.offsets = new Int32Array(size);
    this.counts = new Int32Array(size);
    this.heads = new Int32Array(size);
    this.gidViews = this.received.map((b) => b.gids);
    this.stepViews = this.received.map((b) => b.steps);
    this.barrierTimeoutMs = checkBarrierTimeout('shared comm', options.barrierTimeoutMs) ?? DEFAULT_BARRIER_TIMEOUT_MS;
    this.pollMs = options.pollMs ?? 100;
    this.spin = options.spin ?? 2000;
  }

  get size(): number {
    return this.buffers.size;
  }

  /** Generation barrier: the last rank to arrive bumps the generation and wakes the others. */
  barrier(where = 'barrier'): void {
    const ctl = this.ctl;
    if (Atomics.load(ctl, ABORT) !== 0) throw new CommAbortedError(where);
    const gen = Atomics.load(ctl, GEN);
    const entered = Atomics.add(ctl, HEADER + ENTERED * this.size + this.rank, 1) + 1;
    if (Atomics.add(ctl, ARRIVED, 1) === this.size - 1) {
      Atomics.store(ctl, ARRIVED, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      return;
    }
    for (let i = 0; i < this.spin; i++) if (Atomics.load(ctl, GEN) !== gen) return;
    const t0 = performance.now();
    while (Atomics.load(ctl, GEN) === gen) {
      if (Atomics.load(ctl, ABORT) !== 0) throw new CommAbortedError(where);
      Atomics.wait(ctl, GEN, gen, this.pollMs);
      const waited = performance.now() - t0;
      if (waited > this.barrierTimeoutMs && Atomics.load(ctl, GEN) === gen) {
        // The ranks that have not entered this barrier yet are the ones it waits for.
        const stuck: number[] = [];
        for (let r = 0; r < this.size; r++) if (Atomics.load(ctl, HEADER + ENTERED * this.size + r) < entered) stuck.push(r);
        const who = stuck.length ? `rank${stuck.length > 1 ? 's' : ''} ${stuck.join(', ')} of ${this.size}` : 'the other workers';
        throw new SpikeworksError(
          `${where}: rank ${this.rank} waited ${(waited / 1000).toFixed(1)} s at barrier ${entered} for ${who}, stuck before it (barrierTimeoutMs = ${this.barrierTimeoutMs}; raise it if a rank is only slow)`,
        );
      }
    }
    this.waitTime += (performance.now() - t0) / 1000;
  }

  exchange(local: SpikeBatch): SpikeBatch {
    const { size, capacity } = this.buffers;
    const ctl = this.ctl;
    const region = this.spikeRegion;
    for (let r = 0; r < size; r++) this.received[r].count = 0;
    let sent = 0;
    for (;;) {
      const parity = this.round & 1;
      this.round++;
      const n = Math.min(capacity, local.count - sent);
      const base = ((parity * size + this.rank) * capacity) * 2;
      region.set(local.gids.subarray(sent, sent + n), base);
      region.set(local.steps.subarray(sent, sent + n), base + capacity);
      sent += n;
      ctl[HEADER + parity * size + this.rank] = n;
      ctl[HEADER + 2 * size + parity * size + this.rank] = sent < local.count ? 1 : 0;
      this.barrier('exchange');
      let more = false;
      for (let r = 0; r < size; r++) {
        const c = ctl[HEADER + parity * size + r];
        const b = ((parity * size + r) * capacity) * 2;
        this.received[r].append(region.subarray(b, b + c), region.subarray(b + capacity, b + capacity + c), 0, c);
        if (ctl[HEADER + 2 * size + parity * size + r] !== 0) more = true;
      }
      if (!more) break;
    }
    for (let r = 0; r < size; r++) {
      this.gidViews[r] = this.received[r].gids;
      this.stepViews[r] = this.received[r].steps;
      this.counts[r] = this.received[r].count;
    }
    mergeCanonical(this.gidViews, this.stepViews, this.offsets, this.counts, this.heads, this.out);
    return this.out;
  }

  allreduceSum(values: Float64Array): Float64Array {
    const { size, reduceCapacity } = this.buffers;
    const out = new Float64Array(values.length);
    const region = this.reduceRegion;
    // At least one round, so every rank passes the same number of barriers even for empty vectors.
    for (let done = 0; done < values.length || done === 0; done += reduceCapacity) {
      const parity = this.round & 1;
      this.round++;
      const n = Math.min(reduceCapacity, values.length - done);
      region.set(values.subarray(done, done + n), (parity * size + this.rank) * reduceCapacity);
      this.barrier('allreduceSum');
      // Rank order, the same on every rank: every rank gets bit-identical sums.
      for (let r = 0; r < size; r++) {
        const b = (parity * size + r) * reduceCapacity;
        for (let i = 0; i < n; i++) out[done + i] += region[b + i];
      }
      if (values.length === 0) break;
    }
    return out;
  }

  close(): void {}
}
