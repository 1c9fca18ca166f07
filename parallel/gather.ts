import { readFileSync } from 'node:fs';
import type { Simulator } from '../core/simulator.js';
import type { Projection } from '../core/handles.js';
import type { PhaseTimes } from '../core/stats.js';
import type { RecorderRuntime } from '../core/plugin.js';

/**
 * CPU seconds of the calling thread (Linux: /proc/thread-self/stat, 10 ms ticks), NaN elsewhere. On a shared
 * machine wall time counts the time other processes hold the core; a thread's CPU time does not.
 */
export function threadCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name (which may contain spaces): utime and stime are fields 14 and 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** A spike recorder's events: senders (gids) and emission steps, sorted by step, then sender. */
export interface SpikeRecord {
  /** The recorder's node id. */
  gid: number;
  senders: Int32Array;
  steps: Int32Array;
}

/** A projection's synapses as global ids, sorted by source, then target (multapses in build order). */
export interface ProjectionWeights {
  projection: number;
  sources: Int32Array;
  targets: Int32Array;
  weights: Float32Array;
}

/** What one rank hands back after a run; `mergeRankResults` joins the ranks into what one process gives. */
export interface RankResult {
  rank: number;
  size: number;
  times: PhaseTimes;
  /** Seconds spent in `simulate`. */
  simTime: number;
  /** Seconds spent building (create + connect + prepare). */
  buildTime: number;
  /** CPU seconds of this rank's thread during `simulate` (NaN where unknown). */
  simCpu: number;
  /** Spikes per population over all ranks (collective). */
  spikeCounts: Float64Array;
  recorders: SpikeRecord[];
  weights?: ProjectionWeights[];
}

function sortRecord(gid: number, senders: ArrayLike<number>, steps: ArrayLike<number>): SpikeRecord {
  const n = senders.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => steps[a] - steps[b] || senders[a] - senders[b]);
  const s = new Int32Array(n);
  const t = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    s[i] = senders[order[i]];
    t[i] = steps[order[i]];
  }
  return { gid, senders: s, steps: t };
}

/** Every recorder of the simulator that keeps spikes (its spikeRecord capability), this rank's part. */
export function localSpikeRecords(sim: Simulator): SpikeRecord[] {
  const out: SpikeRecord[] = [];
  for (const d of sim.devices) {
    if (d.kind !== 'recorder') continue;
    const rec = (d.runtime as RecorderRuntime).spikeRecord?.();
    if (rec) out.push(sortRecord(d.gid, rec.senders, rec.steps));
  }
  return out;
}

/** A projection's local synapses with global source and target ids, in CSR order (source, then target). */
export function localProjectionWeights(p: Projection): ProjectionWeights {
  const t = p.table;
  const w = p.weights();
  const sources = new Int32Array(t.count);
  const targets = new Int32Array(t.count);
  const tgt0 = p.target.firstGid + p.target.localStart;
  for (let s = 0; s < t.sourceCount; s++) {
    for (let k = t.rowStart[s]; k < t.rowStart[s + 1]; k++) {
      sources[k] = p.source.firstGid + s;
      targets[k] = tgt0 + t.target[k];
    }
  }
  return { projection: p.id, sources, targets, weights: Float32Array.from(w) };
}

/** Collect this rank's results; collective (every rank must call it). */
export function collectRankResult(sim: Simulator, timing: { simTime: number; buildTime: number; simCpu?: number }, withWeights: boolean): RankResult {
  return {
    rank: sim.rank,
    size: sim.size,
    times: { ...sim.times },
    simTime: timing.simTime,
    buildTime: timing.buildTime,
    simCpu: timing.simCpu ?? NaN,
    spikeCounts: sim.spikeCounts(),
    recorders: localSpikeRecords(sim),
    weights: withWeights ? sim.projections.map(localProjectionWeights) : undefined,
  };
}

/** What a run gives, however many ranks ran it: merged spike records and weights, per-rank timings. */
export interface MergedResult {
  ranks: number;
  spikeCounts: Float64Array;
  recorders: SpikeRecord[];
  weights?: ProjectionWeights[];
  /** Phase times of each rank (seed 003's Evolve / Propagate / sync split). */
  times: PhaseTimes[];
  simTime: number[];
  buildTime: number[];
  simCpu: number[];
}

/** Join the ranks' results (given in any order) into one. */
export function mergeRankResults(results: readonly RankResult[]): MergedResult {
  const ranks = [...results].sort((a, b) => a.rank - b.rank);
  const recorders: SpikeRecord[] = ranks[0].recorders.map((rec, i) => {
    const senders: number[] = [];
    const steps: number[] = [];
    for (const r of ranks) {
      const part = r.recorders[i];
      for (let k = 0; k < part.senders.length; k++) {
        senders.push(part.senders[k]);
        steps.push(part.steps[k]);
      }
    }
    return sortRecord(rec.gid, senders, steps);
  });
  let weights: ProjectionWeights[] | undefined;
  if (ranks[0].weights) {
    weights = ranks[0].weights.map((_, pi) => mergeWeights(ranks.map((r) => r.weights![pi])));
  }
  return {
    ranks: ranks.length,
    spikeCounts: ranks[0].spikeCounts,
    recorders,
    weights,
    times: ranks.map((r) => r.times),
    simTime: ranks.map((r) => r.simTime),
    buildTime: ranks.map((r) => r.buildTime),
    simCpu: ranks.map((r) => r.simCpu),
  };
}

/**
 * Ranks hold disjoint, ascending blocks of targets; within one source, rank r's targets all precede rank
 * r+1's. Interleaving the ranks row by row gives the single-process CSR order.
 */
function mergeWeights(parts: ProjectionWeights[]): ProjectionWeights {
  let total = 0;
  for (const p of parts) total += p.sources.length;
  const sources = new Int32Array(total);
  const targets = new Int32Array(total);
  const weights = new Float32Array(total);
  const pos = new Int32Array(parts.length);
  let k = 0;
  while (k < total) {
    let src = Infinity;
    for (let r = 0; r < parts.length; r++) if (pos[r] < parts[r].sources.length) src = Math.min(src, parts[r].sources[pos[r]]);
    for (let r = 0; r < parts.length; r++) {
      const p = parts[r];
      while (pos[r] < p.sources.length && p.sources[pos[r]] === src) {
        sources[k] = src;
        targets[k] = p.targets[pos[r]];
        weights[k] = p.weights[pos[r]];
        k++;
        pos[r]++;
      }
    }
  }
  return { projection: parts[0].projection, sources, targets, weights };
}
