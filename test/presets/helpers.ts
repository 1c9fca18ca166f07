import { readFileSync } from 'node:fs';
import type { Simulator } from '../../core/simulator.js';
import type { Population } from '../../core/handles.js';

/** Indegree of every target neuron of the projections from `pre` to `post` (summed over them). */
export function indegrees(sim: Simulator, pre: Population, post: Population): Int32Array {
  const deg = new Int32Array(post.localCount);
  for (const pr of sim.projections) {
    if (pr.source !== pre || pr.target !== post) continue;
    const t = pr.table;
    for (let k = 0; k < t.count; k++) deg[t.target[k]]++;
  }
  return deg;
}

export function synapsesBetween(sim: Simulator, pre: Population, post: Population): number {
  let n = 0;
  for (const pr of sim.projections) if (pr.source === pre && pr.target === post) n += pr.table.count;
  return n;
}

/** Number of autapses (source i → target i) in projections of a population onto itself. */
export function autapses(sim: Simulator, pop: Population): number {
  let n = 0;
  for (const pr of sim.projections) {
    if (pr.source !== pop || pr.target !== pop) continue;
    const t = pr.table;
    for (let s = 0; s < t.sourceCount; s++) for (let k = t.rowStart[s]; k < t.rowStart[s + 1]; k++) if (t.target[k] + pop.localStart === s) n++;
  }
  return n;
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Binomial count within `k` standard deviations of its mean. */
export function expectBinomial(count: number, trials: number, p: number, k = 5): void {
  const mu = trials * p;
  const sd = Math.sqrt(trials * p * (1 - p));
  if (Math.abs(count - mu) > k * sd) throw new Error(`count ${count} is more than ${k} sd (${sd.toFixed(1)}) from ${mu}`);
}

/** A reference file of the presets (presets/reference/): figures measured with NEST, Auryn or Brian2. */
export function referenceJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../presets/reference/${name}`, import.meta.url), 'utf8')) as T;
}
