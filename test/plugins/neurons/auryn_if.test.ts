import { describe, it, expect } from 'vitest';
import { aurynIF, aurynIFDef } from '../../../plugins/neurons/auryn_if.js';
import { defineModel } from '../../../plugins/schemes/index.js';
import type { NeuronModel } from '../../../core/plugin.js';
import { drive } from '../schemes/helpers.js';
import { RingBuffer } from '../../../core/ringbuffer.js';
import { resolveParams } from '../../../core/schema.js';
import { ParameterError } from '../../../core/errors.js';
import { createSimulator } from '../../../index.js';
import { kernelOf } from '../../support/kernels.js';

const dt = 0.1;

function makeGroup(n: number, given: Record<string, number> = {}, model: NeuronModel = aurynIF, scheme = 'euler-f32') {
  const params = resolveParams('IFGroup', model.params, given);
  model.check!(params, 'IFGroup', dt);
  const group = kernelOf(model, model.integrators[scheme], { n, params, dt, firstGid: 1, seed: 1 });
  const ring = new RingBuffer(n, 1);
  return { params, group, ring, spikes: new Int32Array(n) };
}

/** Runs one neuron for `steps` steps with input `exAt(step)` nS / `inhAt(step)` nS (negative) delivered in that step. */
function run(given: Record<string, number>, v0: number, steps: number, exAt: (s: number) => number, inhAt: (s: number) => number = () => 0, model: NeuronModel = aurynIF, scheme = 'euler-f32') {
  const { group, ring, spikes } = makeGroup(1, given, model, scheme);
  group.state.V_m[0] = v0;
  const trace: { V: number; thr: number; ga: number; gn: number; gg: number; spike: boolean }[] = [];
  for (let s = 0; s < steps; s++) {
    ring.clear(0);
    ring.ex[0] = exAt(s);
    ring.inh[0] = inhAt(s);
    const c = group.update(s, ring, 0, spikes);
    const st = group.state;
    trace.push({ V: st.V_m[0], thr: st.thr[0], ga: st.g_ampa[0], gn: st.g_nmda[0], gg: st.g_gaba[0], spike: c === 1 });
  }
  return trace;
}

/**
 * Auryn's IFGroup::evolve written out in double precision from its equations (integrate_linear_nmda_synapses,
 * integrate_membrane, check_thresholds, then the spikes propagated in this step), in mV, ms and g_L units.
 */
function reference(v0: number, steps: number, exAt: (s: number) => number, inhAt: (s: number) => number, gL: number, ratio = 1) {
  const Aa = ratio / (ratio + 1);
  const An = 1 / (ratio + 1);
  const mulN = 1 - Math.exp(-dt / 100);
  let v = v0, thr = 0, ga = 0, gn = 0, gg = 0;
  const out: { V: number; thr: number; ga: number; gn: number; gg: number; spike: boolean }[] = [];
  for (let s = 0; s < steps; s++) {
    const tExc = -(Aa * ga + An * gn) * v;
    const tInh = (v - -80) * gg;
    gn += mulN * ga;
    gn -= mulN * gn;
    ga *= Math.exp(-dt / 5);
    gg *= Math.exp(-dt / 10);
    thr *= Math.exp(-dt / 5);
    const tLeak = v - -70;
    v += (dt / 20) * (tExc - tInh - tLeak);
    v = Math.min(0, Math.max(-80, v));
    let spike = false;
    if (v > -50 + thr) {
      spike = true;
      v = -70;
      thr = 100;
    }
    ga += exAt(s) / gL;
    gg += -inhAt(s) / gL;
    out.push({ V: v, thr, ga, gn, gg, spike });
  }
  return out;
}

describe('IFGroup (Auryn) single neuron', () => {
  it('membrane, threshold and conductances follow Auryn\'s Euler sequence to 1e-4 mV in float32', () => {
    // 0.8 g_L every 2 ms for 60 ms (several spikes), inhibition of 0.3 g_L every 5 ms, then free decay.
    const exAt = (s: number) => (s < 600 && s % 20 === 0 ? 8 : 0);
    const inhAt = (s: number) => (s < 600 && s % 50 === 25 ? -3 : 0);
    const got = run({}, -60, 1500, exAt, inhAt);
    const want = reference(-60, 1500, exAt, inhAt, 10);
    const spikeSteps = want.flatMap((x, s) => (x.spike ? [s] : []));
    expect(spikeSteps.length).toBeGreaterThanOrEqual(3);
    expect(got.flatMap((x, s) => (x.spike ? [s] : []))).toEqual(spikeSteps);
    let maxV = 0, maxThr = 0, maxG = 0;
    for (let s = 0; s < want.length; s++) {
      maxV = Math.max(maxV, Math.abs(got[s].V - want[s].V));
      maxThr = Math.max(maxThr, Math.abs(got[s].thr - want[s].thr));
      maxG = Math.max(maxG, Math.abs(got[s].ga - want[s].ga), Math.abs(got[s].gn - want[s].gn), Math.abs(got[s].gg - want[s].gg));
    }
    expect(maxV).toBeLessThan(1e-4);
    expect(maxThr).toBeLessThan(1e-4);
    // Conductances reach a few g_L; float32 keeps ~7 digits, so 1e-5 g_L.
    expect(maxG).toBeLessThan(1e-5);
  });

  it('the moving threshold jumps by dthr at a spike, decays with tau_thr, and holds off the next spike', () => {
    // A neuron pinned far above threshold by a large AMPA drive fires as soon as the threshold allows.
    const exAt = (s: number) => (s % 5 === 0 ? 200 : 0);
    const t = run({ ampa_nmda_ratio: 1e9 }, -70, 400, exAt);
    const spikes = t.flatMap((x, s) => (x.spike ? [s] : []));
    expect(spikes.length).toBeGreaterThan(2);
    const s0 = spikes[0];
    expect(t[s0].thr).toBe(100);
    expect(t[s0].V).toBe(-70);
    for (let k = 1; k < spikes[1] - s0; k++) {
      expect(Math.abs(t[s0 + k].thr - 100 * Math.exp((-k * dt) / 5))).toBeLessThan(1e-4 * 100);
    }
    // V is clipped at 0 mV, so the next spike needs thr < 50 mV: at least 5 ln 2 = 3.47 ms after the first.
    const isi = (spikes[1] - s0) * dt;
    expect(isi).toBeGreaterThanOrEqual(5 * Math.log(2));
    expect(isi).toBeLessThan(5 * Math.log(2) + 1);
    expect(t.every((x) => x.V <= 0 && x.V >= -80)).toBe(true);
  });

  it('one input of w nS: AMPA jumps by w/g_L and decays with tau_ampa; NMDA is its low-pass with the same integral', () => {
    const w = 2; // nS onto g_L 10 nS: 0.2 g_L
    const t = run({}, -70, 10000, (s) => (s === 0 ? w : 0));
    expect(t[0].ga).toBeCloseTo(0.2, 6);
    expect(t[0].gn).toBe(0);
    for (const k of [10, 50, 200]) expect(Math.abs(t[k].ga - 0.2 * Math.exp((-k * dt) / 5))).toBeLessThan(1e-6);
    const intA = t.reduce((a, x) => a + x.ga, 0) * dt;
    const intN = t.reduce((a, x) => a + x.gn, 0) * dt;
    // Continuous integral w/g_L · tau_ampa = 1 g_L·ms; the discrete sums agree to O(dt/tau).
    expect(Math.abs(intA - 1) / 1).toBeLessThan(0.011);
    expect(Math.abs(intN - intA) / intA).toBeLessThan(0.002);
    // g_nmda is the difference of exponentials 0.2·tau_a/(tau_n − tau_a)·(e^−t/tau_n − e^−t/tau_a): peak 0.0322 g_L at 15.8 ms.
    const tPeak = ((5 * 100) / (100 - 5)) * Math.log(100 / 5);
    const peak = ((0.2 * 5) / 95) * (Math.exp(-tPeak / 100) - Math.exp(-tPeak / 5));
    const got = Math.max(...t.map((x) => x.gn));
    expect(Math.abs(got - peak) / peak).toBeLessThan(0.02);
    // 100 ms later both decay as NMDA alone: ratio e^-1 per tau_nmda.
    expect(Math.abs(t[3000].gn / t[2000].gn - Math.exp(-1))).toBeLessThan(0.005);
  });

  it('ampa_nmda_ratio splits one input into A_ampa = r/(r+1) and A_nmda = 1/(r+1) of the membrane drive', () => {
    const exAt = (s: number) => (s === 0 ? 20 : 0);
    for (const r of [1, 3]) {
      const got = run({ ampa_nmda_ratio: r }, -70, 800, exAt);
      const want = reference(-70, 800, exAt, () => 0, 10, r);
      for (let s = 0; s < 800; s += 37) expect(Math.abs(got[s].V - want[s].V)).toBeLessThan(1e-4);
    }
    // More NMDA (r = 1 vs 3) gives a longer, later depolarisation at 50 ms.
    const v1 = run({ ampa_nmda_ratio: 1 }, -70, 800, exAt)[500].V;
    const v3 = run({ ampa_nmda_ratio: 3 }, -70, 800, exAt)[500].V;
    expect(v1).toBeGreaterThan(v3);
  });

  it('is registered as IFGroup and rejects tau_nmda below tau_ampa by name', () => {
    const sim = createSimulator({ seed: 1 });
    const pop = sim.create('IFGroup', 3, { tau_mem: 10 });
    expect(pop.model).toBe('IFGroup');
    expect(() => sim.create('IFGroup', 1, { tau_nmda: 2 })).toThrow(ParameterError);
    expect(() => sim.create('IFGroup', 1, { tau_nmda: 2 })).toThrow(/tau_nmda/);
    expect(() => sim.create('IFGroup', 1, { u_reset: -40 })).toThrow(/u_reset/);
  });
});

/** The largest differences of two traces, and both lists of spike steps. */
function compare(got: ReturnType<typeof reference>, want: ReturnType<typeof reference>) {
  let V = 0, thr = 0, g = 0;
  for (let s = 0; s < want.length; s++) {
    V = Math.max(V, Math.abs(got[s].V - want[s].V));
    thr = Math.max(thr, Math.abs(got[s].thr - want[s].thr));
    g = Math.max(g, Math.abs(got[s].ga - want[s].ga), Math.abs(got[s].gn - want[s].gn), Math.abs(got[s].gg - want[s].gg));
  }
  const steps = (t: typeof got) => t.flatMap((x, s) => (x.spike ? [s] : []));
  return { V, thr, g, got: steps(got), want: steps(want) };
}

describe('IFGroup from its equations (the generated euler-exact-decay kernels)', () => {
  const exAt = (s: number) => (s < 600 && s % 20 === 0 ? 8 : 0);
  const inhAt = (s: number) => (s < 600 && s % 50 === 25 ? -3 : 0);
  const offModel = defineModel(aurynIFDef, { codegen: 'off' });

  it("are the model's: Auryn's scheme in both precisions, the hand kernels under their names held to the float32 one", () => {
    expect(aurynIF.integrators['euler-exact-decay'].precision ?? 'f64').toBe('f64');
    expect(aurynIF.integrators['euler-exact-decay-f32'].precision).toBe('f32');
    expect(aurynIF.overrides['euler-f32'].against).toBe('euler-exact-decay-f32');
    expect(aurynIF.overrides['euler-f32x4-wasm-simd'].against).toBe('euler-exact-decay-f32');
    expect(aurynIF.defaultIntegrator).toBe('euler-f32');
    // The hand f32x4 kernel takes euler-f32x4-wasm-simd's name; the generated lanes of Auryn's own scheme are the model's too.
    expect(aurynIF.refused['euler-f32x4-wasm-simd']).toBeUndefined();
    expect(aurynIF.integrators['euler-exact-decay-f32x4-wasm-simd'].precision).toBe('f32');
    expect(aurynIF.integrators['euler-exact-decay-f64x2-wasm-simd'].precision).toBe('f64');
  });

  it("float64: Auryn's update replayed step by step in double precision, to 1e-9 mV and 1e-12 g_L, the same spike steps", () => {
    for (const [model, label] of [[aurynIF, 'generated'], [offModel, 'fallback']] as const) {
      const c = compare(run({}, -60, 1500, exAt, inhAt, model, 'euler-exact-decay'), reference(-60, 1500, exAt, inhAt, 10));
      expect(c.want.length, label).toBeGreaterThanOrEqual(3);
      expect(c.got, label).toEqual(c.want);
      expect(c.V, label).toBeLessThan(1e-9);
      expect(c.thr, label).toBeLessThan(1e-9);
      expect(c.g, label).toBeLessThan(1e-12);
    }
    for (const r of [0.5, 3]) {
      const ex = (s: number) => (s % 7 === 0 ? 12 : 0);
      const c = compare(run({ ampa_nmda_ratio: r }, -65, 1200, ex, inhAt, aurynIF, 'euler-exact-decay'), reference(-65, 1200, ex, inhAt, 10, r));
      expect(c.got, `ratio ${r}`).toEqual(c.want);
      expect(c.V, `ratio ${r}`).toBeLessThan(1e-9);
    }
  });

  it('float32 storage: the same replay to 1e-4 mV and 1e-5 g_L, the same spike steps', () => {
    for (const model of [aurynIF, offModel]) {
      const c = compare(run({}, -60, 1500, exAt, inhAt, model, 'euler-exact-decay-f32'), reference(-60, 1500, exAt, inhAt, 10));
      expect(c.got).toEqual(c.want);
      expect(c.V).toBeLessThan(1e-4);
      expect(c.thr).toBeLessThan(1e-4);
      expect(c.g).toBeLessThan(1e-5);
    }
  });

  it('without input: V follows the Euler solution u_rest + (V0 − u_rest)(1 − dt/τ)^n, thr and g decay as exp(−t/τ)', () => {
    const { group, ring, spikes } = makeGroup(1, {}, aurynIF, 'euler-exact-decay');
    const st = group.state;
    // No conductance on the first neuron (V's equation is then linear); the second one's conductances decay.
    st.V_m[0] = -55; st.thr[0] = 30;
    const g = makeGroup(1, {}, aurynIF, 'euler-exact-decay');
    g.group.state.g_gaba[0] = 0.5; g.group.state.g_ampa[0] = 0.25; g.group.state.V_m[0] = -70;
    for (let n = 1; n <= 500; n++) {
      ring.clear(0);
      group.update(n, ring, 0, spikes);
      g.group.update(n, ring, 0, g.spikes);
      const t = n * dt;
      expect(Math.abs(st.V_m[0] - (-70 + 15 * (1 - dt / 20) ** n))).toBeLessThan(1e-12);
      expect(Math.abs(st.thr[0] - 30 * Math.exp(-t / 5)) / (30 * Math.exp(-t / 5))).toBeLessThan(1e-12);
      expect(Math.abs(g.group.state.g_gaba[0] - 0.5 * Math.exp(-t / 10)) / (0.5 * Math.exp(-t / 10))).toBeLessThan(1e-12);
      expect(Math.abs(g.group.state.g_ampa[0] - 0.25 * Math.exp(-t / 5)) / (0.25 * Math.exp(-t / 5))).toBeLessThan(1e-12);
    }
  });

  it('V is clipped to [u_inh_rev, 0] after the step: strong inhibition holds it at -80 mV, strong excitation at 0', () => {
    for (const scheme of ['euler-exact-decay', 'euler-exact-decay-f32', 'euler-f32']) {
      // A GABA conductance of 2000 g_L: one Euler step of it overshoots far below -80 mV, the clip catches it.
      const inh = run({}, -70, 300, () => 0, (s) => (s % 2 === 0 ? -20000 : 0), aurynIF, scheme);
      expect(inh.filter((x) => x.V === -80).length, scheme).toBeGreaterThan(100);
      expect(inh.every((x) => x.V >= -80), scheme).toBe(true);
      // After a spike thr = 100 mV: the threshold sits at +50 mV, above the clip, for 5 ln 2 ms.
      const exc = run({ ampa_nmda_ratio: 1e9 }, -70, 300, (s) => (s % 2 === 0 ? 20000 : 0), () => 0, aurynIF, scheme);
      expect(exc.some((x) => x.V === 0), scheme).toBe(true);
      expect(exc.every((x) => x.V <= 0 && x.V >= -80), scheme).toBe(true);
    }
  });

  it('without code generation (the fallback) both precisions are bit-identical to the generated kernels', () => {
    for (const scheme of ['euler-exact-decay', 'euler-exact-decay-f32']) {
      for (const record of ['V_m', 'thr', 'g_nmda']) {
        const opts = { n: 12, steps: 3000, wEx: 30, wIn: 15, pSpike: 0.15, seed: 4, record };
        const a = drive(aurynIF, scheme, opts), b = drive(offModel, scheme, opts);
        expect([a.kernel.generated, b.kernel.generated]).toEqual([true, false]);
        expect(a.spikes.length).toBeGreaterThan(50);
        expect(a.spikes).toEqual(b.spikes);
        expect(Array.from(a.trace), `${scheme} ${record}`).toEqual(Array.from(b.trace));
      }
    }
  });

  it('the generated kernels are straight-line code over typed arrays: nothing allocated per step', () => {
    for (const scheme of ['euler-exact-decay', 'euler-exact-decay-f32']) {
      const src = drive(aurynIF, scheme, { n: 1, steps: 1 }).kernel.source ?? '';
      const body = src.slice(src.indexOf('return function step'));
      expect(body.length).toBeGreaterThan(100);
      expect(body).not.toMatch(/\bnew\b|=>|\[\s*\]|\{\s*\}|\.map\(|\.slice\(/);
    }
  });
});
