import { describe, it, expect } from 'vitest';
import { builtinPlugins, ParameterError } from '../../../../index.js';
import { plasticSynapse } from '../../../../plugins/synapses/plasticity/synapse.js';
import { stdpMechanism, mapTraces, nestCompositions } from '../../../../plugins/synapses/plasticity/mechanism.js';
import { spikePair, vogelsSprekeler } from '../../../../plugins/synapses/plasticity/timing/pair.js';
import { triplet, tripletHomeostatic } from '../../../../plugins/synapses/plasticity/timing/triplet.js';
import { additive, gutig, multiplicative, powerLaw } from '../../../../plugins/synapses/plasticity/weight/dependences.js';
import type { TimingDependence } from '../../../../plugins/synapses/plasticity/timing/types.js';
import { resolveParams } from '../../../../core/schema.js';
import { recurrent } from './recurrent.js';

/**
 * NEST's plastic synapses re-expressed as timing x weight compositions run the same network as the
 * hand-written rules, to the bit: final weights (Float32Array bits) and every spike.
 */
const composed = Object.values(nestCompositions).map((def) => plasticSynapse({ ...def, name: `composed_${def.name}` }));
const plugins = [...builtinPlugins, ...composed];
const bits = (w: Float32Array) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));
const w070 = { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 };

const cases: [string, string, Record<string, unknown>][] = [
  ['stdp_synapse multiplicative (mu 1)', 'stdp_synapse', { weight: w070, alpha: 1.05, lambda: 0.5, Wmax: 70 }],
  ['stdp_synapse Guetig (mu 0.4)', 'stdp_synapse', { weight: w070, alpha: 1.05, lambda: 0.1, mu_plus: 0.4, mu_minus: 0.4, Wmax: 70 }],
  ['stdp_synapse additive (mu 0)', 'stdp_synapse', { weight: w070, alpha: 1.05, lambda: 0.1, mu_plus: 0, mu_minus: 0, Wmax: 70 }],
  ['stdp_pl_synapse_hom (hpc-benchmark parameters)', 'stdp_pl_synapse_hom', { weight: 35, alpha: 0.0513, lambda: 0.1, mu: 0.4, tau_plus: 15 }],
  ['stdp_triplet_synapse', 'stdp_triplet_synapse', { weight: w070, Aplus: 5, Aminus: 7, Aplus_triplet: 3, Aminus_triplet: 1, Wmax: 70 }],
  ['triplet_auryn', 'triplet_auryn', { weight: { distribution: 'normal', mean: 30, std: 20, min: 0, max: 60 }, eta: 5000, tau_hom: 1000, kappa: 3, Wmax: 60 }],
];

describe('NEST names as compositions: bit-identical to the hand-written rules', () => {
  for (const [label, model, syn] of cases) {
    for (const handler of ['dendritic', 'axonal']) {
      it(`${label}, ${handler}`, () => {
        const a = recurrent({ synapse_model: model, ...syn, delay_handler: handler }, { plugins });
        const b = recurrent({ synapse_model: `composed_${model}`, ...syn, delay_handler: handler }, { plugins });
        expect(bits(b.weights)).toEqual(bits(a.weights));
        expect(b.senders).toEqual(a.senders);
        expect(b.times).toEqual(a.times);
        const w0 = recurrent({ synapse_model: model, ...syn, delay_handler: handler }, { plugins, ms: 0.1 }).weights;
        let changed = 0;
        for (let k = 0; k < w0.length; k++) if (w0[k] !== a.weights[k]) changed++;
        expect(changed).toBeGreaterThan(0.5 * w0.length);
      });
    }
  }

  it('each composition has the built-in rule\'s parameters and trace time constants', async () => {
    const { stdpSynapseRule, stdpPlSynapseHomRule, stdpTripletSynapseRule, tripletAurynRule } = await import('../../../../plugins/synapses/index.js');
    const neuron = { tau_minus: 30, tau_minus_triplet: 110 };
    for (const def of [stdpSynapseRule, stdpPlSynapseHomRule, stdpTripletSynapseRule, tripletAurynRule]) {
      const c = nestCompositions[def.name as keyof typeof nestCompositions];
      expect(c.params).toBe(def.params);
      const p = resolveParams('t', def.params, {});
      const r0 = def.build(p, neuron, 't');
      const r1 = c.build(p, neuron, 't');
      for (const k of ['tauPre', 'tauPreSlow', 'tauPost', 'tauPostSlow', 'tauPostHom', 'postHomInitial'] as const) expect(r1[k]).toBe(r0[k]);
      expect(r1.onPostUnpaired === undefined).toBe(r0.onPostUnpaired === undefined);
    }
  });
});

describe('Vogels-Sprekeler as a composition equals the hand-written example rule (docs/examples/vogels-sprekeler.ts)', () => {
  it('on the recurrent network, both handlers', async () => {
    const { vogelsSprekelerRule, vogelsSprekelerSynapse } = await import('../../../../docs/examples/vogels-sprekeler.js');
    const vs = plasticSynapse(stdpMechanism({
      name: 'composed_vogels_sprekeler_synapse', timing: vogelsSprekeler(), weight: additive(),
      params: vogelsSprekelerRule.params, translate: (p) => ({ tau: p.tau, eta: p.eta, alpha: p.alpha, w_min: 0, w_max: p.Wmax }),
      checkWeight: vogelsSprekelerRule.checkWeight,
    }));
    const pl = [...builtinPlugins, vogelsSprekelerSynapse, vs];
    for (const handler of ['dendritic', 'axonal']) {
      const syn = { weight: w070, eta: 1.5, alpha: 0.12, Wmax: 70, delay_handler: handler };
      const a = recurrent({ synapse_model: 'vogels_sprekeler_synapse', ...syn }, { plugins: pl });
      const b = recurrent({ synapse_model: 'composed_vogels_sprekeler_synapse', ...syn }, { plugins: pl });
      expect(bits(b.weights)).toEqual(bits(a.weights));
      expect(b.senders).toEqual(a.senders);
      expect(b.times).toEqual(a.times);
    }
  });
});

describe('stdpMechanism', () => {
  it('joins PyNN halves with their own parameters, named after them', () => {
    const def = stdpMechanism({ timing: spikePair(), weight: gutig() });
    expect(def.name).toBe('stdp_spikePair_gutig');
    expect(Object.keys(def.params).sort()).toEqual(['A_minus', 'A_plus', 'mu_minus', 'mu_plus', 'tau_minus', 'tau_plus', 'w_max', 'w_min']);
    const rule = def.build(resolveParams('t', def.params, { w_max: 10 }), {}, 't');
    expect([rule.tauPre, rule.tauPost, rule.tauPreSlow, rule.tauPostSlow, rule.tauPostHom]).toEqual([20, 20, 0, 0, 0]);
    expect(rule.onPostUnpaired).toBeTypeOf('function');
    expect(stdpMechanism({ timing: triplet({ minimal: true }), weight: multiplicative() }).params).not.toHaveProperty('Aminus_triplet');
  });

  it('gives each mechanism its own onPost, so the kernels get one copy per composition', () => {
    const a = stdpMechanism({ timing: spikePair(), weight: additive() });
    const b = stdpMechanism({ timing: spikePair(), weight: multiplicative() });
    const ra = a.build(resolveParams('t', a.params, {}), {}, 't');
    const ra2 = a.build(resolveParams('t', a.params, { A_plus: 0.5 }), {}, 't');
    const rb = b.build(resolveParams('t', b.params, {}), {}, 't');
    expect(ra.onPost).toBe(ra2.onPost);
    expect(ra.onPost).not.toBe(rb.onPost);
  });

  it('refuses a parameter both halves declare, and params without translate', () => {
    expect(() => stdpMechanism({ timing: spikePair(), weight: { ...additive(), params: { tau_plus: { unit: 'ms', default: 1, doc: 'clash' } } } })).toThrow(/tau_plus.*distinct parameter names/);
    expect(() => stdpMechanism({ timing: spikePair(), weight: additive(), params: {} })).toThrow(ParameterError);
  });

  it('runs Vogels-Sprekeler on the existing slots: pre trace read at post, post trace read at pre', () => {
    const def = stdpMechanism({ timing: vogelsSprekeler(), weight: additive() });
    const r = def.build(resolveParams('t', def.params, { w_max: 1 }), { tau_minus: 20 }, 't');
    expect([r.tauPre, r.tauPost]).toEqual([20, 20]);
    // A pre spike with y = 0.5: w + eta·0.5, then − alpha·eta.
    expect(r.onPre(0.5, 0.5, 0, 0)).toBe(0.5 + 0.001 * 0.5 - 0.12 * 0.001);
  });
});

describe('trace declarations the handlers cannot run are refused, naming the trace', () => {
  const tr = (over: object) => [{ name: 'x', side: 'pre', tau: 20, readAt: 'post' }, { name: 'q', side: 'post', tau: 20, readAt: 'pre', ...over }] as const;
  it('nearest-neighbour pairing becomes the rule\'s pairing scheme; what no handler runs is refused', () => {
    const nn = mapTraces(tr({ pairing: 'nearest', consumed: true }), 'm');
    expect(nn.pairing).toMatchObject({ nearestPost: true, postConsumed: true, nearestPre: false, preConsumed: false, preInitial: 0 });
    expect(nn.pairing!.reason).toMatch(/trace 'q'.*nearest-neighbour pairing, consumed/);
    expect(mapTraces(tr({}), 'm').pairing).toBeUndefined();
    expect(() => mapTraces(tr({ pairing: 'latest' as never }), 'm')).toThrow(/trace 'q' pairing.*latest.*'all-to-all' or 'nearest'/);
    const y2 = { name: 'y2', side: 'post', tau: 50, readAt: 'post' } as const;
    expect(() => mapTraces([...tr({}), { ...y2, pairing: 'nearest' }], 'm')).toThrow(/trace 'y2' pairing.*all-to-all/);
    expect(() => mapTraces([...tr({}), { ...y2, consumed: true }], 'm')).toThrow(/trace 'y2' consumed.*only x .* and y/);
  });
  it('an increment other than 1', () => {
    expect(() => mapTraces(tr({ increment: 0.5 }), 'm')).toThrow(/trace 'q'.*increment/);
  });
  it('a second pre trace read at post spikes (no slot left)', () => {
    expect(() => mapTraces([...tr({}), { name: 'x3', side: 'pre', tau: 5, readAt: 'post' }], 'm')).toThrow(/trace 'x3'.*already taken/);
  });
  it('an initial value outside x and z, and a bad time constant', () => {
    expect(() => mapTraces(tr({ initial: 2 }), 'm')).toThrow(/trace 'q'.*only x .* and z/);
    expect(() => mapTraces(tr({ tau: 0 }), 'm')).toThrow(/trace 'q' time constant/);
    const ok = mapTraces([...tr({}), { name: 'z', side: 'post', tau: 1000, readAt: 'pre', initial: 3 }], 'm');
    expect([ok.tauPost, ok.tauPostHom, ok.postHomInitial]).toEqual([20, 1000, 3]);
  });
  it('through stdpMechanism, for a timing dependence that declares one: at the handler', () => {
    const base = spikePair();
    const nearest: TimingDependence = {
      ...base,
      name: 'nearestPair',
      build: (p, t, w) => {
        const r = base.build(p, t, w);
        return Object.assign(Object.create(Object.getPrototypeOf(r)), r, { traces: r.traces.map((x) => ({ ...x, pairing: 'nearest' as const })) });
      },
    };
    const def = stdpMechanism({ timing: nearest, weight: additive() });
    expect(def.build(resolveParams('t', def.params, {}), {}, 'projection 3').pairing?.reason).toMatch(/trace 'x'.*nearest-neighbour/);
    // The axonal handler cannot run it: refused where the handler is chosen, naming the option and the trace.
    const model = plasticSynapse(def);
    const info = { id: 3, source: { id: 0 }, target: { id: 1 }, table: { count: 0 }, params: resolveParams('t', def.params, {}), targetParams: {}, options: { delay_handler: 'axonal' } };
    expect(() => model.create(info as never)).toThrow(/projection 3.*delay_handler.*axonal.*'dendritic'.*trace 'x'.*nearest-neighbour/);
  });
  it('weight bounds: w_max > w_min, finite where the rule divides by it', () => {
    const g = stdpMechanism({ timing: spikePair(), weight: gutig() });
    expect(() => g.build(resolveParams('t', g.params, { w_min: 2, w_max: 1 }), {}, 't')).toThrow(/w_max/);
    const pl = stdpMechanism({ timing: tripletHomeostatic(), weight: powerLaw() });
    expect(pl.build(resolveParams('t', pl.params, {}), {}, 't').tauPostHom).toBe(50000);
  });
});
