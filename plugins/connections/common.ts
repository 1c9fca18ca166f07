import type { ConnectContext } from '../../core/plugin.js';
import { nextUint32 } from '../../core/rng.js';

/** True when the rule must skip the edge i -> i (same population and allow_autapses false). */
export function forbidsAutapses(ctx: Pick<ConnectContext, 'samePopulation' | 'allowAutapses'>): boolean {
  return ctx.samePopulation && !ctx.allowAutapses;
}

/** Purpose string of a projection's connection streams: one root per projection, substreams per neuron. */
export function streamPurpose(ctx: Pick<ConnectContext, 'projectionId'>): string {
  return `connect/${ctx.projectionId}`;
}

const TWO_32 = 4294967296;
/** Largest n for which `x · n` (x a 32-bit draw) is exact in a double. */
export const FAST_INDEX_LIMIT = 2 ** 21;

/**
 * Uniform integer in [0, n) from the stream at slot 0 of `state`, for n < 2^21: Lemire's multiply-and-reject,
 * in double arithmetic (exact below 2^53), unbiased. `threshold` is 2^32 mod n. About 4x faster than a
 * modulo of a uint32 held in a double, which V8 does not keep in integer registers.
 */
export function uniformIndex(state: Uint32Array, n: number, threshold: number): number {
  let m = nextUint32(state, 0) * n;
  let low = m - Math.floor(m / TWO_32) * TWO_32;
  while (low < threshold) {
    m = nextUint32(state, 0) * n;
    low = m - Math.floor(m / TWO_32) * TWO_32;
  }
  return Math.floor(m / TWO_32);
}

/** 2^32 mod n, the rejection threshold of uniformIndex. */
export function indexThreshold(n: number): number {
  return TWO_32 % n;
}
