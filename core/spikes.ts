import type { SpikeBatch } from './contracts/backend.js';

/** Growable pair of Int32 arrays for one slice's spikes. */
export class SpikeList implements SpikeBatch {
  gids: Int32Array;
  steps: Int32Array;
  count = 0;
  constructor(capacity = 4096) {
    this.gids = new Int32Array(capacity);
    this.steps = new Int32Array(capacity);
  }
  ensure(extra: number): void {
    const need = this.count + extra;
    if (need <= this.gids.length) return;
    let cap = this.gids.length * 2;
    while (cap < need) cap *= 2;
    const g = new Int32Array(cap);
    g.set(this.gids.subarray(0, this.count));
    const s = new Int32Array(cap);
    s.set(this.steps.subarray(0, this.count));
    this.gids = g;
    this.steps = s;
  }
}

/**
 * The spikes of the slice being simulated: `local` fills while this rank's steps run, in (step, gid) order;
 * `all` is every rank's after the exchange phase (the same object as `local` with one rank).
 */
export class SliceSpikes {
  readonly local = new SpikeList();
  all: SpikeBatch = this.local;
}

/** This step's spikes of one population (local indices): what the update writes and plasticity reads. */
export interface Fired {
  readonly index: Int32Array;
  count: number;
}
