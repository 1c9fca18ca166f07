import seedrandom from 'seedrandom';
import { SpikeworksError } from './errors.js';

/**
 * Random streams tied to what they belong to (a neuron, a generator target, a projection), never to a
 * thread, so that results depend on the seed alone and not on how many workers or ranks run.
 *
 * A root stream is derived by seedrandom from the run seed and a purpose string; per-entity streams are
 * cheap substreams of a root, mixed from the root's words and the entity's global index. The generator is
 * xoshiro128** (32-bit operations only, so it stays in V8's small-integer/int32 fast paths).
 */

const TWO_M32 = 2.3283064365386963e-10;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Four 32-bit words from seedrandom's ARC4 stream for (seed, purpose). */
export function rootWords(seed: number, purpose: string): Uint32Array {
  const r = seedrandom(`spikeworks|${seed}|${purpose}`);
  const w = new Uint32Array(4);
  for (let i = 0; i < 4; i++) w[i] = r.int32() >>> 0;
  if ((w[0] | w[1] | w[2] | w[3]) === 0) w[0] = 1;
  return w;
}

/** Seed the 4-word xoshiro state at `state[4*slot..]` for entity `index` of root `root`. */
export function seedSubstream(state: Uint32Array, slot: number, root: Uint32Array, index: number): void {
  const x = fmix32((root[0] ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0);
  const o = slot * 4;
  state[o] = fmix32(x ^ root[1]);
  state[o + 1] = fmix32((x + 0x6a09e667) ^ root[2]);
  state[o + 2] = fmix32((x + 0xbb67ae85) ^ root[3]);
  state[o + 3] = fmix32((x + 0x3c6ef372) ^ root[0]) | 1; // never the all-zero state
  // Warm up: the first outputs of a freshly mixed state are the least mixed.
  for (let i = 0; i < 4; i++) nextUint32(state, slot);
}

/** One xoshiro128** step on the stream at `slot`; returns an unsigned 32-bit integer. */
export function nextUint32(s: Uint32Array, slot: number): number {
  const o = slot << 2;
  const s0 = s[o], s1 = s[o + 1], s2 = s[o + 2], s3 = s[o + 3];
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  s[o + 1] = s1 ^ n2;
  s[o] = s0 ^ n3;
  s[o + 2] = n2 ^ t;
  s[o + 3] = (n3 << 11) | (n3 >>> 21);
  return result;
}

/** Uniform in the open interval (0, 1). */
export function nextUniform(s: Uint32Array, slot: number): number {
  return (nextUint32(s, slot) + 0.5) * TWO_M32;
}

/** A bank of independent streams, one per entity, in one typed array (structure of arrays). */
export class StreamBank {
  readonly state: Uint32Array;
  constructor(seed: number, purpose: string, globalIndices: ArrayLike<number>) {
    const root = rootWords(seed, purpose);
    this.state = new Uint32Array(globalIndices.length * 4);
    for (let i = 0; i < globalIndices.length; i++) seedSubstream(this.state, i, root, globalIndices[i]);
  }
  static range(seed: number, purpose: string, first: number, count: number): StreamBank {
    const idx = new Float64Array(count);
    for (let i = 0; i < count; i++) idx[i] = first + i;
    return new StreamBank(seed, purpose, idx);
  }
  /** The streams' positions (a checkpoint): a live view of the state words. */
  saveState(): { state: Uint32Array } {
    return { state: this.state };
  }
  /** Put every stream back where `saveState` found it (a bank of the same streams). */
  loadState(saved: { state?: unknown }): void {
    const s = saved.state;
    if (!(s instanceof Uint32Array) || s.length !== this.state.length) {
      throw new SpikeworksError(`random streams: ${this.state.length / 4} streams here, the saved state ${s instanceof Uint32Array ? `has ${s.length / 4}` : 'holds none'}`);
    }
    this.state.set(s);
  }
}

/** A single stream with the distributions the build phase needs. Not for per-synapse hot loops. */
export class Stream {
  readonly state = new Uint32Array(4);
  private spareNormal = NaN;
  private rootKey = '';
  private root: Uint32Array = new Uint32Array(4);
  constructor(seed: number, purpose: string, index = 0) {
    this.reseed(seed, purpose, index);
  }
  /** Point this object at the stream of another entity (reuses the root of the same purpose). */
  reseed(seed: number, purpose: string, index: number): this {
    const key = `${seed}|${purpose}`;
    if (key !== this.rootKey) {
      this.root = rootWords(seed, purpose);
      this.rootKey = key;
    }
    seedSubstream(this.state, 0, this.root, index);
    this.spareNormal = NaN;
    return this;
  }
  /** The stream's position (a checkpoint): its state words and the spare normal deviate it holds (NaN: none). */
  saveState(): { state: Uint32Array; spareNormal: number } {
    return { state: this.state.slice(), spareNormal: this.spareNormal };
  }
  /** Put the stream back where `saveState` found it (the same stream, reseeded to the same entity). */
  loadState(saved: { state?: unknown; spareNormal?: unknown }): void {
    const s = saved.state;
    if (!(s instanceof Uint32Array) || s.length !== 4 || typeof saved.spareNormal !== 'number') throw new SpikeworksError('random stream: the saved state is not a stream\'s (4 state words and a spare normal)');
    this.state.set(s);
    this.spareNormal = saved.spareNormal;
  }
  uint32(): number {
    return nextUint32(this.state, 0);
  }
  /** Uniform in (0, 1) with 53 random bits. */
  uniform(): number {
    const hi = nextUint32(this.state, 0) >>> 5; // 27 bits
    const lo = nextUint32(this.state, 0) >>> 6; // 26 bits
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }
  /** Integer uniform in [0, n), unbiased (rejection of the incomplete top block). */
  integer(n: number): number {
    if (n <= 0x100000000) {
      const limit = Math.floor(0x100000000 / n) * n;
      for (;;) {
        const x = nextUint32(this.state, 0);
        if (x < limit) return x % n;
      }
    }
    return Math.floor(this.uniform() * n);
  }
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return mean + sd * z;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }
  exponential(rate = 1): number {
    return -Math.log(this.uniform()) / rate;
  }
  poisson(lambda: number): number {
    return poissonDraw(this.state, 0, lambda);
  }
}

function logFactorial(k: number): number {
  if (k < LOG_FACT.length) return LOG_FACT[k];
  // Stirling series; error < 1e-10 for k >= 30.
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}
const LOG_FACT = (() => {
  const t = new Float64Array(30);
  for (let i = 1; i < 30; i++) t[i] = t[i - 1] + Math.log(i);
  return t;
})();

/**
 * Poisson(lambda) from the stream at `slot`: inversion by sequential search for small lambda (one uniform
 * per draw), Hörmann's PTRS transformed rejection for lambda >= 10.
 */
export function poissonDraw(s: Uint32Array, slot: number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 10) {
    let p = Math.exp(-lambda);
    let cdf = p;
    const u = nextUniform(s, slot);
    let k = 0;
    while (u > cdf) {
      k++;
      p *= lambda / k;
      cdf += p;
      if (p < 1e-300) break;
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = nextUniform(s, slot) - 0.5;
    const V = nextUniform(s, slot);
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
  }
}
