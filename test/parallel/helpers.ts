import { readdirSync } from 'node:fs';
import { Simulator } from '../../core/simulator.js';
import { builtinPlugins } from '../../plugins/index.js';
import { collectRankResult, mergeRankResults, type MergedResult } from '../../parallel/gather.js';
import type { Plugin } from '../../core/plugin.js';

/** Build and run in this process (the local backend) and return what runWorkers returns. */
export function runSingle(build: (sim: Simulator, p: never) => void, params: unknown, simtime: number, opts: { seed?: number; weights?: boolean; plugins?: Plugin[] } = {}): MergedResult {
  const sim = new Simulator({ plugins: [...builtinPlugins, ...(opts.plugins ?? [])], seed: opts.seed ?? 1 });
  build(sim, params as never);
  sim.prepare();
  sim.simulate(simtime);
  return mergeRankResults([collectRankResult(sim, { simTime: 0, buildTime: 0 }, opts.weights ?? false)], (name) => sim.registry.find('recorder', name));
}

/** All recorded spikes as one sorted list of (step, sender) pairs, for exact comparison. */
export function spikePairs(r: MergedResult): Int32Array {
  const pairs: [number, number][] = [];
  for (const rec of r.recorders) for (let i = 0; i < rec.senders.length; i++) pairs.push([rec.steps[i], rec.senders[i]]);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return Int32Array.from(pairs.flat());
}

/** Threads of this process (Linux): worker threads that outlive a run show up here. */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}
