import { describe, it, expect } from 'vitest';
import { parrotNeuron, parrotDef } from '../../../plugins/neurons/parrot_neuron.js';
import { defineModel, noIntegration } from '../../../plugins/schemes/index.js';
import { standaloneKernel } from '../../../core/kernels.js';
import { resolveParams } from '../../../core/schema.js';
import { RingBuffer } from '../../../core/ringbuffer.js';
import type { EquationModel } from '../../../core/equations/index.js';

/** Rows of (ex, inh, current) per step for 3 parrots; the steps each parrot spikes in, and `input` after each step. */
function feed(model: EquationModel, rows: [number, number, number][][]) {
  const n = rows[0].length;
  const k = standaloneKernel(model, 'none', { n, params: resolveParams('parrot', model.params, {}), dt: 0.1, firstGid: 1, seed: 1 });
  const ring = new RingBuffer(n, 1);
  const out = new Int32Array(n);
  const spikes: number[][] = [], input: number[][] = [];
  rows.forEach((row, s) => {
    row.forEach(([e, i, c], q) => { ring.ex[q] = e; ring.inh[q] = i; ring.cur[q] = c; });
    const count = k.kernel.update(s, ring, 0, out);
    spikes.push(Array.from(out.subarray(0, count)));
    input.push(Array.from(k.context.state.input.subarray(0, n)));
  });
  return { spikes, input, generated: (k.kernel as { generated?: boolean }).generated };
}

// Three parrots over five steps: excitatory only, inhibitory only, both of opposite sign (+1 and −1 in the
// same step, which the old hand kernel's e !== 0 || k !== 0 fires on), nothing, and a current alone.
const ROWS: [number, number, number][][] = [
  [[1, 0, 0], [0, -1, 0], [1, -1, 0]],
  [[0, 0, 0], [0, 0, 500], [0, 0, 0]],
  [[2.5, 0, 0], [0, -0.25, 0], [0, 0, 0]],
  [[0, 0, 0], [0, 0, 0], [3, -3, 7]],
  [[1e-300, 0, 0], [0, 0, 0], [0, 0, 0]],
];

describe('parrot_neuron (an equation model without dynamics)', () => {
  it("spikes in exactly the steps with input on either channel, whatever its sign; currents are ignored", () => {
    for (const model of [parrotNeuron, defineModel(parrotDef, { schemes: [noIntegration], codegen: 'off' })]) {
      const r = feed(model, ROWS);
      expect(r.spikes).toEqual([[0, 1, 2], [], [0, 1], [2], [0]]);
      // input holds this step's summed |w|, set anew every step (it does not accumulate).
      expect(r.input).toEqual([[1, 1, 2], [0, 0, 0], [2.5, 0.25, 0], [0, 0, 6], [1e-300, 0, 0]]);
    }
  });

  it('runs the generated kernel where code generation is allowed and the fallback without it, with the same spikes', () => {
    expect(feed(parrotNeuron, ROWS).generated).toBe(true);
    expect(feed(defineModel(parrotDef, { schemes: [noIntegration], codegen: 'off' }), ROWS).generated).toBe(false);
    // The generated step allocates nothing: straight-line code over typed arrays (its empty block aside).
    const k = standaloneKernel(parrotNeuron, 'none', { n: 1, params: resolveParams('parrot', parrotNeuron.params, {}), dt: 0.1, firstGid: 1, seed: 1 });
    const src = (k.kernel as { source?: string }).source ?? '';
    expect(src.slice(src.indexOf('return function step')).replace('{}', '')).not.toMatch(/\bnew\b|=>|\[\s*\]|\{\s*\}|\.map\(|\.slice\(/);
  });

  it("has the one scheme 'none' (no integration) and no ODE: a 'spikes' port sets its input variable", () => {
    expect(Object.keys(parrotNeuron.integrators)).toEqual(['none']);
    expect(parrotNeuron.defaultIntegrator).toBe('none');
    expect(parrotNeuron.compiled.derivs).toEqual([{ t: 'num', v: 0 }]);
    expect(parrotNeuron.compiled.ports.map((p) => [p.channel, p.sign, p.set])).toEqual([['ex', 1, true], ['inh', -1, false]]);
    // Any model with dynamics refuses 'none'.
    expect(noIntegration.refuse!({ ...parrotNeuron.compiled, derivs: [{ t: 'num', v: 1 }] })).toMatch(/has dynamics/);
  });
});
