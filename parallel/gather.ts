import { readFileSync } from 'node:fs';
import { serialize, deserialize } from 'node:v8';
import { SpikeworksError } from '../core/errors.js';
import { collectRankResult, mergeRankResults, type MergedResult, type RankResult, type SpikeRecord } from '../core/gather.js';
import type { Simulator } from '../core/simulator.js';
import type { CommRuntime, RecorderRuntime } from '../core/plugin.js';

export { collectRankResult, mergeRankResults, localProjectionWeights, type RankResult, type MergedResult, type SpikeRecord, type ProjectionWeights, type RecorderPart } from '../core/gather.js';

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

/**
 * Every rank's results merged, on every rank (collective: all ranks call it after the same simulate calls).
 * A script run under `mpirun -np N` with `createSimulator({ backend: 'mpi' })` reads its recorders this way:
 * `gatherRun(sim).events.get(recorder.gid)` is what `recorder.events()` gives in one process.
 */
export function gatherRun(sim: Simulator, options: { weights?: boolean | number[] } = {}): MergedResult {
  const local = collectRankResult(sim, { simTime: NaN, buildTime: NaN }, options.weights ?? false);
  return mergeRankResults(allgatherRankResults(sim.comm, local), (name) => sim.registry.get('recorder', name));
}

/** Every rank's result on every rank, each serialised and gathered as bytes (collective). */
export function allgatherRankResults(comm: CommRuntime, local: RankResult): RankResult[] {
  if (comm.size === 1) return [local];
  if (!comm.allgatherBytes) throw new SpikeworksError(`gathering results: this transport (${comm.size} ranks) cannot gather bytes; use a backend with allgatherBytes (mpi)`);
  return comm.allgatherBytes(new Uint8Array(serialize(local))).map((b) => deserialize(b) as RankResult);
}
