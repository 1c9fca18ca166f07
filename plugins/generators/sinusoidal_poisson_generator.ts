import type { GeneratorModel, DeviceTargets } from '../../core/plugin.js';
import type { RingRow } from '../../core/ringbuffer.js';
import { Stream, StreamBank, poissonDraw } from '../../core/rng.js';
import { activeSteps, deviceTiming } from './poisson_generator.js';
import { addToTargets, arrivalRow, booleanOption, savedLinks, targetGids } from './common.js';
import type { SavedState } from '../../core/contracts/base.js';
import { savedRecord } from '../../core/saved-state.js';

interface Link {
  t: DeviceTargets;
  rng: StreamBank;
  /** t.weight in a Float64Array: V8 then multiplies in float64 even where the weight is a small integer (emitPoissonTable). */
  weight: Float64Array;
}

function emitIndividual(local: Int32Array, rng: Uint32Array, lambda: number, buf: RingRow, off: number, w: Float64Array): void {
  for (let i = 0; i < local.length; i++) {
    const k = poissonDraw(rng, i, lambda);
    if (k !== 0) buf[off + local[i]] += k * w[0];
  }
}

/** The parameters' schema, exported for the type of create()'s params (core/model-types.ts). */
export const sinusoidalPoissonGeneratorParams = {
  rate: { unit: 'Hz', default: 0, doc: 'mean rate' },
  amplitude: { unit: 'Hz', default: 0, doc: 'modulation amplitude of the rate' },
  frequency: { unit: 'Hz', default: 0, min: 0, doc: 'modulation frequency' },
  phase: { unit: 'deg', default: 0, doc: 'modulation phase at t = 0' },
  ...deviceTiming,
} as const;

/**
 * NEST's sinusoidal_poisson_generator: an inhomogeneous Poisson process with rate
 * r(t) = rate + amplitude·sin(2π·frequency·t + phase), clipped at 0, evaluated at the end of each step
 * (NEST rotates its oscillator by one step before using it). individual_spike_trains true (default): each
 * target gets its own train (its own stream); false: one train shared by every target.
 */
export const sinusoidalPoissonGenerator: GeneratorModel = {
  kind: 'generator',
  name: 'sinusoidal_poisson_generator',
  doc: 'Poisson trains with sinusoidally modulated rate (NEST sinusoidal_poisson_generator)',
  params: sinusoidalPoissonGeneratorParams,
  extraParams: ['individual_spike_trains'],
  create(ctx) {
    const where = `create sinusoidal_poisson_generator (node ${ctx.gid})`;
    const individual = booleanOption(where, ctx.options, 'individual_spike_trains', true);
    const { rate, amplitude, frequency, phase } = ctx.params;
    const omega = (2 * Math.PI * frequency) / 1000; // rad per ms
    const phi = (phase * Math.PI) / 180;
    const [first, last] = activeSteps(ctx.params as { start: number; stop: number; origin: number }, ctx.dt);
    const links: Link[] = [];
    const shared = ctx.services.random.stream(`sinusoidal_poisson/${ctx.gid}/shared`);
    return {
      addTargets(t) {
        links.push({ t, rng: ctx.services.random.banks(`sinusoidal_poisson/${ctx.gid}`, targetGids(t)), weight: Float64Array.of(t.weight) });
      },
      // Each target's stream and the shared train's.
      saveState: () => ({ links: links.map((l) => l.rng.saveState()), shared: shared.saveState() }),
      loadState(s: SavedState) {
        savedLinks(s, 'links', links.length, where).forEach((l, i) => links[i].rng.loadState(l));
        shared.loadState(savedRecord(s, 'shared', where));
      },
      emit(step) {
        if (step < first || step >= last) return;
        const r = rate + amplitude * Math.sin(omega * (step + 1) * ctx.dt + phi);
        if (r <= 0) return;
        const lambda = r * ctx.dt * 1e-3;
        if (individual) {
          for (let l = 0; l < links.length; l++) {
            const { t, rng, weight } = links[l];
            emitIndividual(t.local, rng.state, lambda, t.weight >= 0 ? t.ring.ex : t.ring.inh, arrivalRow(t, step), weight);
          }
          return;
        }
        // One draw per step for the whole generator: the same on every rank, whatever holds the targets.
        const k = shared.poisson(lambda);
        if (k === 0) return;
        for (let l = 0; l < links.length; l++) {
          const t = links[l].t;
          addToTargets(t.weight >= 0 ? t.ring.ex : t.ring.inh, arrivalRow(t, step), t.local, k * t.weight);
        }
      },
    };
  },
};
