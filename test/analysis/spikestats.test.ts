import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spikeStatistics, streamGroupStatistics, streamStatistics, SpikeStatsAccumulator, logHistogram, logBinEdges, asSpikeStatistics } from '../../analysis/spikestats.js';
import { writeNestAscii } from '../../analysis/spikefile.js';
import { binaryHeader } from '../../plugins/recorders/files.js';

/** Deterministic uniform [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random spikes of `n` neurons from gid `first`, in recording order (by step, then sender), dt 0.1 ms. */
function randomSpikes(seed: number, first: number, n: number, tStop: number, rateHz: number) {
  const r = rng(seed);
  const s: number[] = [];
  const t: number[] = [];
  const steps = Math.round(tStop / 0.1);
  // Some neurons silent, some bursting: rates vary per neuron.
  const rates = Array.from({ length: n }, (_, k) => (k % 7 === 0 ? 0 : rateHz * r() * 2));
  for (let step = 0; step < steps; step++) {
    for (let k = 0; k < n; k++) if (r() < rates[k] * 1e-4) {
      s.push(first + k);
      t.push(Math.round((step + 1) * 0.1 * 1e6) / 1e6);
    }
  }
  return { senders: Int32Array.from(s), times: Float64Array.from(t) };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('streaming statistics equal spikeStatistics', () => {
  it('on random data, chunk by chunk, to 1e-12', () => {
    for (const seed of [1, 2, 3]) {
      const first = 11;
      const n = 150;
      const { senders, times } = randomSpikes(seed, first, n, 2000, 15);
      expect(senders.length).toBeGreaterThan(2000);
      const gids = Int32Array.from({ length: n + 10 }, (_, k) => first + k); // 10 neurons never recorded: silent
      for (const [t0, t1] of [[0, 2000], [500, 1500], [123.4, 1999.9]]) {
        const ref = spikeStatistics(senders, times, gids, t0, t1);
        const r = rng(seed * 7);
        const acc = new SpikeStatsAccumulator(gids, t0, t1, { keepIsis: true });
        for (let i = 0; i < senders.length; ) {
          const c = Math.min(senders.length - i, 1 + Math.floor(r() * 500));
          acc.add(senders.subarray(i, i + c), times.subarray(i, i + c), c);
          i += c;
        }
        const st = acc.finish();
        expect(st.sorted).toBe(true);
        expect(rel(st.rateMean, ref.rateMean)).toBeLessThan(1e-12);
        expect(rel(st.isiMean, ref.isiMean)).toBeLessThan(1e-12);
        expect(rel(st.cvMean, ref.cvMean)).toBeLessThan(1e-12);
        expect(Array.from(st.counts)).toEqual(Array.from(ref.counts));
        expect(Array.from(st.rates)).toEqual(Array.from(ref.rates));
        expect(st.cvs.length).toBe(ref.cvs.length);
        for (let k = 0; k < n; k++) {
          if (Number.isNaN(ref.cvPerNeuron[k])) expect(st.cvPerNeuron[k]).toBeNaN();
          else expect(rel(st.cvPerNeuron[k], ref.cvPerNeuron[k])).toBeLessThan(1e-12);
        }
        expect(st.isiCount).toBe(ref.isis.length);
        expect(Float64Array.from(st.isis).sort()).toEqual(Float64Array.from(ref.isis).sort());
        const h = st.isiHistogram;
        expect(h.counts.reduce((a, b) => a + b, 0) + h.below + h.above).toBe(ref.isis.length);
        // The same pooled ISIs: spikeStatistics' fields, in the shape compare needs.
        expect(asSpikeStatistics(st).isis.length).toBe(ref.isis.length);
      }
    }
  });

  it('spikes out of time order (merged files): a sorted second pass gives the same result', () => {
    const { senders, times } = randomSpikes(9, 1, 80, 1000, 20);
    const r = rng(4);
    const perm = Uint32Array.from({ length: senders.length }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const S = Int32Array.from(perm, (i) => senders[i]);
    const T = Float64Array.from(perm, (i) => times[i]);
    const gids = Int32Array.from({ length: 80 }, (_, k) => k + 1);
    const ref = spikeStatistics(S, T, gids, 0, 1000);
    const st = streamStatistics((on) => on(S, T, S.length), gids, 0, 1000, { keepIsis: true });
    expect(st.sorted).toBe(false);
    expect(rel(st.isiMean, ref.isiMean)).toBeLessThan(1e-12);
    expect(rel(st.cvMean, ref.cvMean)).toBeLessThan(1e-12);
    expect(rel(st.rateMean, ref.rateMean)).toBeLessThan(1e-12);
  });

  it('from files of each text and binary format; discovered neurons and the last-spike window', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-st-'));
    const { senders, times } = randomSpikes(5, 101, 60, 1500, 25);
    const dat = join(dir, 'a.dat');
    writeNestAscii(dat, senders, times);
    const bin = join(dir, 'a.bin');
    const rec = new Int32Array(2 * senders.length);
    for (let i = 0; i < senders.length; i++) {
      rec[2 * i] = senders[i];
      rec[2 * i + 1] = Math.round(times[i] / 0.1) - 1;
    }
    const b = new Uint8Array(32 + rec.byteLength);
    b.set(binaryHeader(1, 0.1));
    b.set(new Uint8Array(rec.buffer), 32);
    writeFileSync(bin, b);
    const gids = Int32Array.from({ length: 60 }, (_, k) => 101 + k);
    const ref = spikeStatistics(senders, times, gids, 200, 1500);
    for (const f of [dat, bin]) {
      const st = streamGroupStatistics(f, 101, 60, 200, 1500, { chunkBytes: 512 });
      expect(rel(st.rateMean, ref.rateMean)).toBeLessThan(1e-12);
      expect(rel(st.isiMean, ref.isiMean)).toBeLessThan(f === dat ? 1e-9 : 1e-12);
      expect(rel(st.cvMean, ref.cvMean)).toBeLessThan(f === dat ? 1e-9 : 1e-12);
      expect(st.isis.length).toBe(0); // O(neurons): the ISIs themselves are not kept by default
      expect(st.isiCount).toBe(ref.isis.length);
      const same = streamGroupStatistics([f], gids, 200, 1500);
      expect(same.rateMean).toBe(st.rateMean);
    }
    // NEST folders: the neurons are the senders found, the window ends at the last spike rounded up.
    const found = Int32Array.from(new Set(senders)).sort();
    const last = Math.ceil(Math.max(...times));
    const refNest = spikeStatistics(senders, times, found, 0, last);
    const st = streamGroupStatistics(bin, null, 0, Infinity);
    expect(Array.from(st.gids)).toEqual(Array.from(found));
    expect(st.windowMs).toEqual([0, last]);
    expect(rel(st.rateMean, refNest.rateMean)).toBeLessThan(1e-12);
  });

  it('log-binned ISI histogram: 10 bins per decade, edges in their bin, zero ISIs counted apart', () => {
    const edges = logBinEdges();
    expect(edges.length).toBe(61);
    expect(edges[0]).toBeCloseTo(0.1, 15);
    expect(edges[60]).toBeCloseTo(1e5, 6);
    const h = logHistogram([0, 0.1, 1, 1.0000001, 9.99, 10, 2e5], edges);
    expect(h.below).toBe(1);
    expect(h.above).toBe(1);
    expect(h.counts[0]).toBe(1);
    expect(h.counts[10]).toBe(2);
    expect(h.counts[19]).toBe(1);
    expect(h.counts[20]).toBe(1);
  });
});
