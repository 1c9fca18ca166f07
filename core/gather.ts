import { SpikeworksError } from './errors.js';
import { localSynapses } from './stats.js';
import type { Simulator } from './simulator.js';
import type { Projection } from './handles.js';
import type { PhaseTimes } from './stats.js';
import type { RecorderModel, RecorderRuntime } from './contracts/device.js';

/**
 * What a run gives, however many ranks ran it. Each rank collects its part (collectRankResult); the parts
 * of every rank merge into what one process holds (mergeRankResults): every recorder through its model's
 * merge, the weights of projections row by row, the counts as sums.
 */

/** A recorder's data on one rank: its `collect()`, to be merged by its model. */
export interface RecorderPart {
  /** The recorder's node id. */
  gid: number;
  model: string;
  part: unknown;
}

/** A projection's synapses as global ids, sorted by source, then target (multapses in build order). */
export interface ProjectionWeights {
  projection: number;
  sources: Int32Array;
  targets: Int32Array;
  weights: Float32Array;
}

/** A spike-keeping recorder's merged record, sorted by step, then sender. */
export interface SpikeRecord {
  gid: number;
  senders: Int32Array;
  steps: Int32Array;
}

/** What one rank hands back after a run. */
export interface RankResult {
  rank: number;
  size: number;
  times: PhaseTimes;
  /** Seconds spent in `simulate`, building (create + connect + prepare), and CPU seconds of this rank's thread in `simulate`. */
  simTime: number;
  buildTime: number;
  simCpu: number;
  /** Spikes per population over all ranks (collective). */
  spikeCounts: Float64Array;
  recorders: RecorderPart[];
  weights?: ProjectionWeights[];
  /** This rank's synapses and the bytes they take. */
  synapses: number;
  synapseBytes: number;
}

/** The ranks' results joined into one. */
export interface MergedResult {
  ranks: number;
  spikeCounts: Float64Array;
  /** The merged events of every recorder, by node id: what its `events()` gives in one process. */
  events: Map<number, object>;
  /** The spike-keeping recorders' records (those whose events have senders and steps), in creation order. */
  recorders: SpikeRecord[];
  weights?: ProjectionWeights[];
  synapses: number;
  bytesPerSynapse: number;
  times: PhaseTimes[];
  simTime: number[];
  buildTime: number[];
  simCpu: number[];
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

/**
 * This rank's results; collective (every rank must call it: spike counts are summed). `weights`: every
 * projection's (true), those listed by id, or none.
 */
export function collectRankResult(
  sim: Simulator, timing: { simTime: number; buildTime: number; simCpu?: number }, weights: boolean | readonly number[] = false,
  /** Recorders (by node id) not to gather: those whose files are the record. */
  skipRecorders: ReadonlySet<number> = new Set(),
): RankResult {
  const recorders: RecorderPart[] = [];
  for (const d of sim.devices) {
    if (d.kind !== 'recorder' || skipRecorders.has(d.gid)) continue;
    const rt = d.runtime as RecorderRuntime;
    if (rt.collect) recorders.push({ gid: d.gid, model: d.model, part: rt.collect() });
  }
  const chosen = weights === true ? sim.projections : weights === false ? [] : weights.map((k) => sim.projections[k]);
  let bytes = 0;
  for (const p of sim.projections) bytes += p.bytesPerSynapse() * p.table.count;
  return {
    rank: sim.rank,
    size: sim.size,
    times: { ...sim.times },
    simTime: timing.simTime,
    buildTime: timing.buildTime,
    simCpu: timing.simCpu ?? NaN,
    spikeCounts: sim.spikeCounts(),
    recorders,
    weights: chosen.length || weights === true ? chosen.map(localProjectionWeights) : undefined,
    synapses: localSynapses(sim.projections),
    synapseBytes: bytes,
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

/** Join the ranks' results (in any order); `recorderModel` names the model that merges each recorder's parts. */
export function mergeRankResults(results: readonly RankResult[], recorderModel: (name: string) => RecorderModel | undefined): MergedResult {
  const ranks = [...results].sort((a, b) => a.rank - b.rank);
  const events = new Map<number, object>();
  const recorders: SpikeRecord[] = [];
  ranks[0].recorders.forEach((rec, i) => {
    const model = recorderModel(rec.model);
    if (!model?.merge) throw new SpikeworksError(`recorder ${rec.model} (node ${rec.gid}) declares no merge, so its data cannot be gathered from ${ranks.length} ranks; give its model a merge(parts)`);
    const merged = model.merge(ranks.map((r) => r.recorders[i].part)) as { senders?: unknown; steps?: unknown };
    // A spike-keeping recorder's merge also gives the emission steps, beside the events one process has.
    const { steps, ...rest } = merged;
    if (merged.senders instanceof Int32Array && steps instanceof Int32Array) {
      recorders.push({ gid: rec.gid, senders: merged.senders, steps });
      events.set(rec.gid, rest);
    } else events.set(rec.gid, merged);
  });
  let weights: ProjectionWeights[] | undefined;
  if (ranks[0].weights) weights = ranks[0].weights.map((_, pi) => mergeWeights(ranks.map((r) => r.weights![pi])));
  let synapses = 0;
  let bytes = 0;
  for (const r of ranks) {
    synapses += r.synapses;
    bytes += r.synapseBytes;
  }
  return {
    ranks: ranks.length,
    spikeCounts: ranks[0].spikeCounts,
    events,
    recorders,
    weights,
    synapses,
    bytesPerSynapse: synapses ? bytes / synapses : 0,
    times: ranks.map((r) => r.times),
    simTime: ranks.map((r) => r.simTime),
    buildTime: ranks.map((r) => r.buildTime),
    simCpu: ranks.map((r) => r.simCpu),
  };
}
