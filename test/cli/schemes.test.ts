import { describe, it, expect } from 'vitest';
import { schemeLines } from '../../cli/schemes.js';
import { PluginRegistry } from '../../core/registry.js';
import { builtinPlugins } from '../../plugins/index.js';

const reg = new PluginRegistry(builtinPlugins);
const lines = (name: string) => schemeLines(reg.get('neuron', name), reg.integratorsOf(reg.get('neuron', name)));
const line = (name: string, scheme: string) => lines(name).find((l) => l.startsWith(`${scheme} `)) ?? '';

describe("models: each model's schemes and where their kernels come from", () => {
  it('marks overrides, generated kernels, hand kernels of another method, integrator plugins and refusals', () => {
    expect(line('iaf_psc_exp', 'exact')).toMatch(/hand override of the generated kernel \(exact-generated\), within 1e-12 relative \(default\)/);
    expect(line('iaf_psc_exp', 'exact-generated')).toMatch(/generated from the equations/);
    expect(line('iaf_psc_exp', 'rk4')).toMatch(/generated from the equations/);
    expect(line('iaf_psc_exp', 'euler-f32')).toMatch(/hand-written, another method .*Auryn/);
    expect(line('iaf_psc_exp', 'exact-wasm-simd')).toMatch(/hand-written \(integrator plugin\)/);
    expect(line('iaf_cond_exp', 'rkf45')).toMatch(/generated from the equations \(default\)/);
    expect(line('iaf_cond_exp', 'exact')).toMatch(/does not apply: .*min\(V_m, V_th\)/);
    expect(line('iaf_psc_alpha', 'euler-f32x4-wasm-simd')).toMatch(/generated from the equations/);
    expect(line('iaf_psc_delta', 'euler-f32x4-wasm-simd')).toMatch(/generated from the equations/);
    expect(line('izhikevich', 'euler')).toMatch(/hand override of the generated kernel \(euler-generated\), within 1e-10 relative \(default\)/);
    expect(line('aeif_cond_exp', 'rkf45')).toMatch(/^rkf45 +hand-written, another method .*inside the adaptive loop.*\(default\)$/);
    expect(line('parrot_neuron', 'none')).toMatch(/^none +generated from the equations \(default\)$/);
    expect(line('IFGroup', 'euler-f32')).toMatch(/hand override of the generated kernel \(euler-exact-decay-f32\), within .* in V_m.*the same spikes \(default\)/);
    expect(line('IFGroup', 'euler-f32x4-wasm-simd')).toMatch(/hand override of the generated kernel \(euler-exact-decay-f32\)/);
    expect(line('IFGroup', 'euler-exact-decay')).toMatch(/generated from the equations/);
  });
});
