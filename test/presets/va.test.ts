import { describe, it, expect } from 'vitest';
import { builtinPlugins } from '../../plugins/index.js';
import { runPreset, findPreset, presets, resolvePresetParams } from '../../presets/index.js';
import { brianVoltageWeightToPa, pynnDerived } from '../../presets/va.js';
import { ParameterError } from '../../core/errors.js';
import { Simulator } from '../../core/simulator.js';
import { indegrees, mean, expectBinomial, synapsesBetween, referenceJson } from './helpers.js';

const reference = referenceJson<{ rate_e_hz: number; rate_i_hz: number }>('va-coba.json');

const opts = { plugins: builtinPlugins };

describe('va-cuba (Brian2 CUBA example)', () => {
  it('converts Brian\'s voltage jumps to PSC amplitudes: w·C_m/tau_m', () => {
    // ge += we with dv/dt = ge/taum: the same charge as a current jump of we·C/taum.
    expect(brianVoltageWeightToPa(1.62, 200, 20)).toBeCloseTo(16.2, 12);
    expect(brianVoltageWeightToPa(-9, 200, 20)).toBeCloseTo(-90, 12);
  });

  it('keeps the expected indegree 0.02 × 4000 at scale 0.25 and starts V uniform in [V_reset, V_th]', () => {
    const r = runPreset(findPreset(presets, 'va-cuba'), { scale: 0.25, simtime: 100, seed: 3 }, opts);
    const { sim, net } = r;
    expect(net.E.size).toBe(800);
    expect(net.I.size).toBe(200);
    expectBinomial(r.summary.synapses, 1000 * 1000, 0.08);
    for (const post of [net.E, net.I]) {
      expect(Math.abs(mean(indegrees(sim, net.E, post)) - 64) / 64).toBeLessThan(0.05);
      expect(Math.abs(mean(indegrees(sim, net.I, post)) - 16) / 16).toBeLessThan(0.1);
    }
    expect(r.summary.weight_e_pA).toBeCloseTo(16.2, 9);
    expect(r.summary.rate_e_hz).toBeGreaterThan(0);
  });
});

describe('va-coba (Zenke & Gerstner 2014 / Auryn)', () => {
  it('at scale 0.5 with euler-f32: E indegree 64 (= 0.02 × 3200), weights, and the rate within the stated 15 % of Auryn\'s 17.16 Hz', () => {
    const r = runPreset(findPreset(presets, 'va-coba'), { scale: 0.5, simtime: 1000, integrator: 'euler-f32', seed: 1 }, opts);
    const { sim, net } = r;
    expect(net.E.size).toBe(1600);
    expect(net.I.size).toBe(400);
    expectBinomial(r.summary.synapses, 2000 * 2000, 0.04);
    expect(Math.abs(mean(indegrees(sim, net.E, net.E)) - 64) / 64).toBeLessThan(0.03);
    const ee = sim.projections.find((p) => p.source === net.E && p.target === net.E)!.weights();
    const ie = sim.projections.find((p) => p.source === net.I && p.target === net.E)!.weights();
    expect(ee[0]).toBeCloseTo(4, 6);
    expect(ie[0]).toBeCloseTo(-51, 5);
    expect(net.E.integrator).toBe('euler-f32');
    const tol = findPreset(presets, 'va-coba').reference!.tolerance;
    expect(Math.abs(r.summary.rate_e_hz / reference.rate_e_hz - 1)).toBeLessThan(tol);
    expect(Math.abs(r.summary.rate_i_hz / reference.rate_i_hz - 1)).toBeLessThan(tol);
    // Asynchronous irregular: CV of the ISI above 1 (Auryn 1.71 over 60 s).
    expect(r.summary.cv_isi_e_mean).toBeGreaterThan(1);
  });

  it('the exact integrator is iaf_cond_exp\'s default (RKF45), and p > 1 at a tiny scale is refused', () => {
    const r = runPreset(findPreset(presets, 'va-coba'), { scale: 0.1, simtime: 10 }, opts);
    expect(r.net.E.integrator).toBe('rkf45');
    expect(() => runPreset(findPreset(presets, 'va-coba'), { scale: 0.01, simtime: 10 }, opts)).toThrow(ParameterError);
  });
});

describe('va-coba-pynn (seed 001)', () => {
  it('translates the script\'s units as pyNN.nest does', () => {
    const d = pynnDerived(resolvePresetParams(findPreset(presets, 'va-coba-pynn'), {}));
    expect(d.cmNf).toBeCloseTo(0.2, 12);
    expect(d.rmMohm).toBeCloseTo(100, 9);
    expect(d.C_m_pF).toBeCloseTo(200, 9);
    expect(d.g_L_nS).toBeCloseTo(10, 9);
    expect(d.w_exc_uS).toBeCloseTo(0.004, 12);
    expect(d.w_inh_uS).toBeCloseTo(0.051, 12);
    expect([d.nPop, d.nExc, d.nInh]).toEqual([4000, 3200, 800]);
    // The script asserts tau_m == cm * Rm.
    expect(() => runPreset(findPreset(presets, 'va-coba-pynn'), { tau_m: 10, simtime: 1 }, opts)).toThrow(/tau_m.*cm × Rm = 20/);
  });

  it('at N_pop 400 (the notebook\'s DEBUG size): p 0.01 connections, 20 kick-start sources active for 50 ms', () => {
    const r = runPreset(findPreset(presets, 'va-coba-pynn'), { scale: 0.1, simtime: 100 }, opts);
    const { sim, net } = r;
    expect([net.E.size, net.I.size]).toEqual([320, 80]);
    expect(net.E.model).toBe('IF_cond_exp');
    expect(net.E.params).toMatchObject({ cm: 0.2, tau_m: 20, v_rest: -60, v_thresh: -50, v_reset: -60, tau_refrac: 5, tau_syn_E: 5, tau_syn_I: 10, e_rev_E: 0, e_rev_I: -80 });
    // Weights in PyNN's µS; inhibitory as negative weights.
    const w = (pre: typeof net.E) => sim.projections.find((p) => p.source === pre && p.target === net.E)!.weights()[0];
    expect(w(net.E)).toBeCloseTo(0.004, 7);
    expect(w(net.I)).toBeCloseTo(-0.051, 7);
    const sources = sim.populations.find((p) => p.model === 'parrot_neuron')!;
    expect(sources.size).toBe(20);
    expect(w(sources)).toBeCloseTo(0.1, 7);
    let exc = 0;
    for (const post of [net.E, net.I]) exc += synapsesBetween(sim, net.E, post);
    expectBinomial(exc, 320 * 400, 0.01);
    let ext = 0;
    for (const post of [net.E, net.I]) ext += synapsesBetween(sim, sources, post);
    expectBinomial(ext, 20 * 400, 0.01);
    expect(sim.spikeCounts()[sources.id]).toBeGreaterThan(0);
  });

  it('the sources fire only during stim_dur: no source spike after 50 ms', () => {
    const preset = findPreset(presets, 'va-coba-pynn');
    const p = resolvePresetParams(preset, { scale: 0.1, seed: 7 });
    const sim = new Simulator({ plugins: builtinPlugins, dt: 0.1, seed: 7 });
    preset.build(sim, p);
    const sources = sim.populations.find((q) => q.model === 'parrot_neuron')!;
    sim.simulate(50.2);
    const during = sim.spikeCounts()[sources.id];
    sim.simulate(100);
    // 20 sources × 10 Hz × 50 ms: 10 spikes expected.
    expect(during).toBeGreaterThan(0);
    expect(sim.spikeCounts()[sources.id]).toBe(during);
  });
});
