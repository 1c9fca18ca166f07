import type { PluginBase } from './base.js';

/** Spikes of one slice: global ids and emission steps. */
export interface SpikeBatch {
  gids: Int32Array;
  steps: Int32Array;
  count: number;
}

/** The transport of a run: how many ranks, and the two collectives a slice needs. */
export interface CommRuntime {
  readonly rank: number;
  readonly size: number;
  /**
   * Gather every rank's slice spikes and return all of them in canonical order (step, then gid),
   * so that propagation adds into ring buffers in the same order whatever the rank count.
   */
  exchange(local: SpikeBatch): SpikeBatch;
  /** Sum of per-rank numbers (spike counts, synapse counts) over all ranks. */
  allreduceSum(values: Float64Array): Float64Array;
  /** Every rank's bytes, in rank order, on every rank: how results are gathered (optional for a single rank). */
  allgatherBytes?(bytes: Uint8Array): Uint8Array[];
  close(): void;
}

export interface CommBackend extends PluginBase {
  readonly kind: 'backend';
  create(options: Record<string, unknown>): CommRuntime;
}
