import type { Projection } from './handles.js';

/** Wall time in seconds, for the phase timers. */
export function now(): number {
  return performance.now() / 1000;
}

/** Phase timers of seed 003's Evolve / Propagate / sync split (plus user control systems), in seconds of wall time. */
export interface PhaseTimes {
  update: number;
  propagate: number;
  exchange: number;
  control: number;
}

/** What a run has counted so far on this rank. */
export class RunStats {
  readonly times: PhaseTimes = { update: 0, propagate: 0, exchange: 0, control: 0 };
  /** Spikes per population (by population id) of this rank's neurons. */
  localSpikes = new Float64Array(0);
  /** Build timers (NEST's build_time_nodes / build_edge_time), seconds. */
  buildTimeNodes = 0;
  buildEdgeTime = 0;

  /** Make room for `populations` counters (called when the network is compiled). */
  size(populations: number): void {
    if (this.localSpikes.length === populations) return;
    const next = new Float64Array(populations);
    next.set(this.localSpikes.subarray(0, Math.min(populations, this.localSpikes.length)));
    this.localSpikes = next;
  }
}

/** Synapses of this rank over all projections. */
export function localSynapses(projections: readonly Projection[]): number {
  let n = 0;
  for (const p of projections) n += p.table.count;
  return n;
}

/** Mean bytes per synapse over the projections (weighted by count), from what their runtimes hold. */
export function meanBytesPerSynapse(projections: readonly Projection[]): number {
  let bytes = 0;
  let n = 0;
  for (const p of projections) {
    bytes += p.bytesPerSynapse() * p.table.count;
    n += p.table.count;
  }
  return n ? bytes / n : 0;
}
