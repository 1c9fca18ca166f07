import { describe, it, expect } from 'vitest';
import { ParameterError } from '../../../../index.js';
import { symmetricRewardStdp } from '../fixtures/symmetric_reward_rule.js';
import { build, continuousWeight, type Protocol } from './protocol.js';

/**
 * The extension point: a user's eligibility-trace rule (test/plugins/synapses/fixtures/symmetric_reward_rule.ts,
 * public API only, registered with createSimulator({ plugins: [...builtinPlugins, rule] })) runs with NEST's
 * dopamine-synapse timing; its weights must follow the rule's own formula.
 */
const params = { tau_k: 10, A: 0.5, tau_e: 300, tau_r: 50, eta: 0.2, w_max: 100 };

function run(pr: Omit<Protocol, 'model' | 'plugins' | 'synapse'>, synapse: Record<string, number> = {}) {
  const net = build({ ...pr, model: 'symmetric_reward_stdp', plugins: [symmetricRewardStdp], synapse: { ...params, ...synapse } });
  net.sim.simulate(pr.steps * 0.1);
  expect(net.steps(net.pre)).toEqual(pr.pre);
  expect(net.steps(net.post)).toEqual(pr.post);
  if (pr.dopa.length) expect(net.steps(net.dopa)).toEqual(pr.dopa);
  return net.runtime().synapseState();
}

function expected(pr: Omit<Protocol, 'model' | 'plugins' | 'synapse'>, i: number, j: number, p = params): number {
  const tauS = 1 / (1 / p.tau_e + 1 / p.tau_r);
  return continuousWeight({
    pre: pr.pre[i], post: pr.post[j], modulatorArrivals: pr.dopa.flat().map((s) => s + (pr.dopaDelay ?? 10)), d: pr.delay ?? 10, T: pr.steps, w0: pr.w0 ?? 35,
    tauPre: p.tau_k, tauPost: p.tau_k, tauC: p.tau_e, tauN: p.tau_r, nJump: 1,
    post_dc: (k) => p.A * k, pre_dc: (k) => p.A * k,
    gain: (c0, r0, h) => p.eta * c0 * r0 * tauS * -Math.expm1(-h / tauS),
  });
}

describe('a user eligibility-trace rule (symmetric reward-modulated STDP) through neuromodulatedSynapse', () => {
  it('weights of 2 x 2 synapses equal the rule\'s continuous-time solution (1e-12 relative)', () => {
    // Pre spikes in the last step of a slice: NEST's timing winds nothing back, so the exact solution applies.
    const pr = { pre: [[19, 89, 199], [49, 159]], post: [[30, 120, 215], [70, 180]], dopa: [[60, 140, 230], [140]], steps: 300 };
    const got = run(pr);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const w = expected(pr, i, j);
        // Both orders of a pair potentiate: every weight grows.
        expect(w - 35).toBeGreaterThan(1e-3);
        expect(Math.abs(got.weight[i * 2 + j] - w)).toBeLessThanOrEqual(1e-12 * w);
      }
    }
  });

  it('clipped at w_max; no reward leaves the weights where they were', () => {
    const pr = { pre: [[19, 89]], post: [[30, 100]], dopa: [[120], [120], [121]], steps: 300 };
    expect(expected(pr, 0, 0, { ...params, eta: 50 })).toBeGreaterThan(60);
    expect(run(pr, { eta: 50, w_max: 60 }).weight[0]).toBe(60);
    const still = run({ ...pr, dopa: [] });
    expect(still.c[0]).toBeGreaterThan(0);
    expect(still.weight[0]).toBe(35);
  });

  it('the rule\'s own parameter checks apply, naming the parameter', () => {
    expect(() => run({ pre: [[19]], post: [[30]], dopa: [], steps: 50 }, { w_max: -1 })).toThrow(/w_max/);
    expect(() => run({ pre: [[19]], post: [[30]], dopa: [], steps: 50 }, { w_max: -1 })).toThrow(ParameterError);
    expect(() => run({ pre: [[19]], post: [[30]], dopa: [], steps: 50 }, { tau_e: 0 })).toThrow(/tau_e/);
  });
});
