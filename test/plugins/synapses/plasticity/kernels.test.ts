import { describe, it, expect } from 'vitest';
import type { ProjectionInfo, SynapseRuntime, SynapseTable } from '../../../../core/plugin.js';
import { RingBuffer } from '../../../../core/ringbuffer.js';
import { resolveParams } from '../../../../core/schema.js';
import { setDendriticTiling } from '../../../../plugins/synapses/plasticity/dendritic.js';
import { setKernelSpecialisation } from '../../../../plugins/synapses/plasticity/specialise.js';
import { stdpSynapse, stdpSynapseRule, stdpPlSynapseHom, stdpPlSynapseHomRule, stdpTripletSynapse, stdpTripletSynapseRule, tripletAuryn, tripletAurynRule } from '../../../../plugins/synapses/index.js';
import type { StdpRuleDefinition } from '../../../../plugins/synapses/plasticity/rule.js';

/**
 * The dendritic handler has a kernel for one delay per projection (per-step query cache) and one for
 * per-synapse delays. Fed the same spikes, a projection whose delay array holds one value everywhere must
 * end with the same weight bits and the same ring contents as the homogeneous one.
 */
const nSource = 60;
const nTarget = 50;
const d = 15;
const neuronParams = { tau_minus: 30, tau_minus_triplet: 110 };

/** A tiny deterministic generator, so the test needs no seeding machinery. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function table(perSynapseDelay: boolean): SynapseTable {
  const rnd = lcg(7);
  const rowStart = new Uint32Array(nSource + 1);
  const targets: number[] = [];
  const weights: number[] = [];
  for (let s = 0; s < nSource; s++) {
    for (let j = 0; j < nTarget; j++) {
      if (rnd() < 0.4) {
        targets.push(j);
        weights.push(Math.fround(5 + 50 * rnd()));
      }
    }
    rowStart[s + 1] = targets.length;
  }
  const count = targets.length;
  return {
    rowStart, target: Uint32Array.from(targets), weight: Float32Array.from(weights), homWeight: 0,
    delay: perSynapseDelay ? new Uint16Array(count).fill(d) : null, homDelay: d, count, sourceCount: nSource, sign: 'ex',
  } as unknown as SynapseTable;
}

function runtime(def: StdpRuleDefinition, model: typeof stdpSynapse, perSynapseDelay: boolean, synParams: Record<string, unknown>): { rt: SynapseRuntime; ring: RingBuffer } {
  const ring = new RingBuffer(nTarget, 2 * d + 2);
  const info = {
    id: 0, source: { id: 0 }, target: { id: 1, size: nTarget, localCount: nTarget, params: neuronParams }, table: table(perSynapseDelay),
    params: resolveParams('test', def.params, synParams), options: { delay_handler: 'dendritic' }, dt: 0.1, seed: 1,
    targetParams: neuronParams, targetKernel: { update: () => 0 }, targetRing: ring,
  } as unknown as ProjectionInfo;
  return { rt: model.create(info) as SynapseRuntime, ring };
}

/**
 * Bursty pre and post spikes over 3000 steps, delivered per slice of d steps as the kernel does: spike by spike,
 * or (`batched`) a slice's spikes in one call, as propagation hands them to a runtime that takes batches.
 */
function drive(rt: SynapseRuntime, ring: RingBuffer, batched = false): Float64Array {
  const rnd = lcg(11);
  const seen = new Float64Array(3000);
  const post = new Int32Array(nTarget);
  const preBySlice: [number, number][] = [];
  for (let step = 0; step < 3000; step++) {
    // In bursts ~9 sources fire per step (each target is asked ~3.6 times: mostly the cached kernel), between
    // them ~0.6 (the direct one): both kernels and the switches between them are exercised.
    const burst = (step % 400) < 60 ? 0.15 : 0.01;
    let n = 0;
    for (let j = 0; j < nTarget; j++) if (rnd() < burst) post[n++] = j;
    rt.onPostSpikes?.(post, n, step);
    for (let s = 0; s < nSource; s++) if (rnd() < burst) preBySlice.push([s, step]);
    if ((step + 1) % d === 0) {
      if (batched) rt.capabilities!.batch!(Int32Array.from(preBySlice, (p) => p[0]), Int32Array.from(preBySlice, (p) => p[1]), preBySlice.length);
      else for (const [s, t] of preBySlice) rt.deliver(s, t);
      preBySlice.length = 0;
    }
    // Read the row due next step (a checksum of what was transmitted), then clear it as the kernel does.
    const off = ring.offset(step + 1);
    let sum = 0;
    for (let j = 0; j < nTarget; j++) sum += ring.ex[off + j] * (j + 1);
    seen[step] = sum;
    ring.clear(off);
  }
  return seen;
}

const cases: [string, StdpRuleDefinition, typeof stdpSynapse, Record<string, unknown>][] = [
  ['stdp_synapse (mu 0.4)', stdpSynapseRule, stdpSynapse, { Wmax: 60, mu_plus: 0.4, mu_minus: 0.4, lambda: 0.05 }],
  ['stdp_pl_synapse_hom', stdpPlSynapseHomRule, stdpPlSynapseHom, { lambda: 0.1, alpha: 0.0513, mu: 0.4, tau_plus: 15 }],
  ['stdp_triplet_synapse', stdpTripletSynapseRule, stdpTripletSynapse, { Wmax: 60 }],
  ['triplet_auryn', tripletAurynRule, tripletAuryn, { Wmax: 60 }],
];

describe('dendritic handler: the one-delay kernel equals the per-synapse-delay kernel bit for bit', () => {
  for (const [name, def, model, synParams] of cases) {
    it(name, () => {
      const hom = runtime(def, model, false, synParams);
      const het = runtime(def, model, true, synParams);
      const before = hom.rt.weights();
      const seenHom = drive(hom.rt, hom.ring);
      const seenHet = drive(het.rt, het.ring);
      const a = hom.rt.weights();
      const b = het.rt.weights();
      expect(new Uint32Array(a.buffer)).toEqual(new Uint32Array(b.buffer));
      expect(seenHom).toEqual(seenHet);
      let changed = 0;
      for (let k = 0; k < a.length; k++) if (a[k] !== before[k]) changed++;
      expect(changed).toBeGreaterThan(0.9 * a.length);
    });
  }
});

/**
 * A large target population takes a slice's spikes at once and delivers each step's sources tile by tile of
 * targets (cache blocking). Here tiles of 8 of the 50 targets: the weights and every transmitted row must be
 * the row-by-row kernel's, bit for bit, with the rule kernels specialised and without.
 */
describe('dendritic handler: a step\'s spikes tile by tile equal them row by row, bit for bit', () => {
  const tiledRuntime = (def: StdpRuleDefinition, model: typeof stdpSynapse, synParams: Record<string, unknown>) => {
    setDendriticTiling(8, 1);
    try {
      return runtime(def, model, false, synParams);
    } finally {
      setDendriticTiling(2048, 16384);
    }
  };
  for (const specialise of [true, false]) {
    for (const [name, def, model, synParams] of cases) {
      if (model === tripletAuryn) continue; // axonal by default: no dendritic tiling
      it(`${name}${specialise ? '' : ', code generation off'}`, () => {
        setKernelSpecialisation(specialise);
        try {
          const rows = runtime(def, model, false, synParams);
          const tiles = tiledRuntime(def, model, synParams);
          expect(rows.rt.capabilities?.batch).toBeUndefined();
          expect(tiles.rt.capabilities?.batch).toBeTypeOf('function');
          const before = rows.rt.weights();
          const seenRows = drive(rows.rt, rows.ring);
          const seenTiles = drive(tiles.rt, tiles.ring, true);
          const a = rows.rt.weights();
          expect(new Uint32Array(tiles.rt.weights().buffer)).toEqual(new Uint32Array(a.buffer));
          expect(seenTiles).toEqual(seenRows);
          let changed = 0;
          for (let k = 0; k < a.length; k++) if (a[k] !== before[k]) changed++;
          expect(changed).toBeGreaterThan(0.9 * a.length);
        } finally {
          setKernelSpecialisation(true);
        }
      });
    }
  }

  it('is offered only for one delay per projection and rules without per-synapse or pairing state', () => {
    setDendriticTiling(8, 1);
    try {
      expect(runtime(stdpPlSynapseHomRule, stdpPlSynapseHom, true, { lambda: 0.1 }).rt.capabilities?.batch).toBeUndefined();
    } finally {
      setDendriticTiling(2048, 16384);
    }
  });
});

describe('onPostUnpaired returns the bits of onPost(w, 0, slow)', () => {
  const rules: [string, StdpRuleDefinition, Record<string, unknown>][] = [
    ['stdp_synapse additive', stdpSynapseRule, { Wmax: 60, mu_plus: 0, mu_minus: 0 }],
    ['stdp_synapse multiplicative', stdpSynapseRule, { Wmax: 60 }],
    ['stdp_synapse mu 0.4', stdpSynapseRule, { Wmax: 60, mu_plus: 0.4, mu_minus: 0.4 }],
    ['stdp_pl_synapse_hom mu 0.4', stdpPlSynapseHomRule, {}],
    ['stdp_pl_synapse_hom mu 0', stdpPlSynapseHomRule, { mu: 0 }],
  ];
  for (const [name, def, p] of rules) {
    it(name, () => {
      const rule = def.build(resolveParams('test', def.params, p), neuronParams, 'test');
      expect(rule.onPostUnpaired).toBeTypeOf('function');
      const ws = [0, 1e-30, 0.3, 1, 17.25, 45.61, 59.999, 60, 60.5, 100, 1e6];
      for (let i = 0; i < 1000; i++) ws.push(Math.fround(120 * ((i * 0.618034) % 1)));
      for (const w of ws) expect(Object.is(rule.onPostUnpaired!(w, 0.7), rule.onPost(w, 0, 0.7))).toBe(true);
    });
  }
});

describe('kernelFor: one compiled copy of a kernel per rule class', () => {
  it('gives each rule class its own copy, shares it between instances, and the copy computes the same', async () => {
    const { kernelFor } = await import('../../../../plugins/synapses/plasticity/specialise.js');
    function apply(rule: { onPost(w: number, pre: number, slow: number): number }, w: number): number {
      return rule.onPost(w, 0.5, 0);
    }
    const pl = (p: Record<string, unknown>) => stdpPlSynapseHomRule.build(resolveParams('t', stdpPlSynapseHomRule.params, p), neuronParams, 't');
    const st = stdpSynapseRule.build(resolveParams('t', stdpSynapseRule.params, {}), neuronParams, 't');
    const a = kernelFor(apply, pl({}));
    const b = kernelFor(apply, pl({ mu: 0.2 }));
    const c = kernelFor(apply, st);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).not.toBe(apply);
    expect(a(pl({}), 45)).toBe(apply(pl({}), 45));
    expect(c(st, 45)).toBe(apply(st, 45));
  });
});
