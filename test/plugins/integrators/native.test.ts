import { describe, it, expect } from 'vitest';
import { createSimulator } from '../../../index.js';

describe('euler-f32-native without its addon', () => {
  it('fails at create with the path it looked at and the command that builds it', () => {
    // An explicit path is the only candidate (no silent fallback to another build).
    process.env.SPIKEWORKS_KERNELS_ADDON = '/nonexistent/spikeworks_kernels.node';
    const sim = createSimulator({ dt: 0.1 });
    expect(() => sim.create('iaf_cond_exp', 10, {}, { integrator: 'euler-f32-native' })).toThrow(
      /npm run build:native.*\/nonexistent\/spikeworks_kernels\.node/,
    );
    // the other integrators of the model are unaffected
    expect(sim.create('iaf_cond_exp', 10, {}, { integrator: 'euler-f32x4-wasm-simd' }).size).toBe(10);
  });
});
