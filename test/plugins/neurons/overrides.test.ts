import { describe, it, expect } from 'vitest';
import { builtinPlugins } from '../../../plugins/index.js';
import { generatedName, type EquationModel } from '../../../core/equations/index.js';
import { PAIR_NEURONS, PAIR_STEPS, runPair } from './pairs.js';

/**
 * The equivalence harness: every hand kernel a built-in equation model registers as an override runs side
 * by side with the generated kernel of the same (model, scheme), on the same random spike input on both
 * ports, current input and initial states, for each parameter set of its probe. It iterates the plugin
 * list, so a new override is covered without touching this file.
 */

const isEquationModel = (p: unknown): p is EquationModel => typeof p === 'object' && p !== null && 'overrides' in p && 'compiled' in p;
const models = builtinPlugins.filter(isEquationModel);
const pairs = models.flatMap((m) => Object.entries(m.overrides).map(([scheme, o]) => ({ model: m, scheme, override: o })));

/** The generated kernel an override is held to: its own scheme's, moved aside, or the one it names. */
const reference = (scheme: string, against?: string) => against ?? generatedName(scheme);

const N = PAIR_NEURONS;
const STEPS = PAIR_STEPS;

describe('hand kernels registered as overrides match the generated kernel of their (model, scheme)', () => {
  it('the built-in models register overrides (the harness has something to check)', () => {
    expect(pairs.length).toBeGreaterThan(0);
    for (const { model, scheme, override } of pairs) expect(model.integrators[reference(scheme, override.against)], `${model.name} ${scheme}`).toBeDefined();
  });

  it('hand kernels of another method than the generated scheme of their name are the ones listed here, with the reason', () => {
    const listed = models.flatMap((m) => Object.entries(m.handOnly).map(([k, why]) => [`${m.name} ${k}`, why.length > 20]));
    expect(listed).toEqual([
      ['iaf_psc_exp euler-f32', true],
      ['iaf_cond_exp euler-f32', true],
      ['iaf_cond_exp euler-f32x4-wasm-simd', true],
      ['aeif_cond_exp rkf45', true],
    ]);
  });

  for (const { model, scheme, override } of pairs) {
    const e = override.equivalence;
    const claim = e.kind === 'bit-identical' ? 'bit-identical' : e.kind === 'tolerance' ? `within ${e.rel} of each variable's magnitude`
      : `within ${Object.entries(e.abs).map(([v, a]) => `${a} (${v})`).join(', ')} at every step`;
    const ref = reference(scheme, override.against);
    it(`${model.name} ${scheme}${override.against ? ` against ${ref}` : ''}: ${claim}, the same spikes, over ${override.probe.params.length} parameter sets × ${N} neurons × ${STEPS} steps`, () => {
      override.probe.params.forEach((given, c) => {
        const where = `${model.name} ${scheme} parameter set ${c}`;
        const { hand, gen, shared, final } = runPair(model, model.integrators[scheme], ref, override.probe, given, 11 + c);
        // The probe must cross the threshold often and leave neurons refractory, or it proves little.
        expect(hand.spikes.length, where).toBeGreaterThanOrEqual(2 * N);
        expect(hand.spikes, where).toEqual(gen.spikes);
        if (shared.includes('r')) expect(Array.from(final[0].r), `${where}: refractory counts`).toEqual(Array.from(final[1].r));
        // The scheme's own carried variables too (RKF45's step size), where both kernels keep them.
        if (e.kind === 'bit-identical') for (const f of shared) expect(Array.from(final[0][f]), `${where}: ${f}`).toEqual(Array.from(final[1][f]));
        model.compiled.states.forEach((v, j) => {
          if (e.kind === 'bit-identical') {
            expect(Array.from(hand.trace[j]), `${where}: ${v}`).toEqual(Array.from(gen.trace[j]));
            return;
          }
          let worst = 0, scale = 0;
          for (let q = 0; q < hand.trace[j].length; q++) {
            worst = Math.max(worst, Math.abs(hand.trace[j][q] - gen.trace[j][q]));
            scale = Math.max(scale, Math.abs(gen.trace[j][q]));
          }
          if (process.env.HARNESS_REPORT) console.log(`${where} ${v}: worst ${worst} of ${scale} (${worst / scale})`);
          if (e.kind === 'absolute') {
            // A stated bound for every variable, in its unit: none may go unchecked.
            expect(e.abs[v], `${where}: no bound stated for ${v}`).toBeDefined();
            expect(worst, `${where}: ${v}`).toBeLessThanOrEqual(e.abs[v]);
          } else expect(worst, `${where}: ${v}`).toBeLessThanOrEqual(e.rel * scale);
        });
      });
    });
  }
});
