import type { CommRuntime } from '../../../core/plugin.js';
import type { Projection } from '../../../core/handles.js';

export interface Edges {
  src: Int32Array;
  /** Global target index within the target population. */
  tgt: Int32Array;
  weight: Float64Array;
  delay: Int32Array;
}

/** The projection's edges on this rank, targets mapped back to population indices. */
export function edgesOf(p: Projection): Edges {
  const t = p.table;
  const src = new Int32Array(t.count);
  const tgt = new Int32Array(t.count);
  const weight = new Float64Array(t.count);
  const delay = new Int32Array(t.count);
  for (let s = 0; s < t.sourceCount; s++) {
    for (let k = t.rowStart[s]; k < t.rowStart[s + 1]; k++) {
      src[k] = s;
      tgt[k] = t.target[k] + p.target.localStart;
      weight[k] = t.weight ? t.weight[k] : t.homWeight;
      delay[k] = t.delay ? t.delay[k] : t.homDelay;
    }
  }
  return { src, tgt, weight, delay };
}

/** Edges as sorted text keys, for comparing graphs built on different rank counts. */
export function edgeKeys(e: Edges): string[] {
  const keys: string[] = [];
  for (let k = 0; k < e.src.length; k++) keys.push(`${e.src[k]}>${e.tgt[k]}:${e.weight[k]}:${e.delay[k]}`);
  return keys.sort();
}

export function inDegrees(e: Edges, nTargets: number): Int32Array {
  const d = new Int32Array(nTargets);
  for (const t of e.tgt) d[t]++;
  return d;
}

export function outDegrees(e: Edges, nSources: number): Int32Array {
  const d = new Int32Array(nSources);
  for (const s of e.src) d[s]++;
  return d;
}

export function countMultapses(e: Edges, nSources: number): number {
  const seen = new Set<number>();
  let dup = 0;
  for (let k = 0; k < e.src.length; k++) {
    const key = e.tgt[k] * nSources + e.src[k];
    if (seen.has(key)) dup++;
    seen.add(key);
  }
  return dup;
}

/** A communication runtime of one rank among `size`, with only what the build phase uses. */
export function stubComm(rank: number, size: number): CommRuntime {
  return {
    rank,
    size,
    exchange: (local) => local,
    allreduceSum: (v) => v,
    close() {},
  };
}

export function meanSd(x: ArrayLike<number>): { mean: number; sd: number } {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i];
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2;
  return { mean: m, sd: Math.sqrt(v / (x.length - 1)) };
}
