import type { EquationModel, OverrideProbe } from '../../../core/equations/index.js';
import type { NeuronScheme } from '../../../core/plugin.js';
import { standaloneKernel } from '../../../core/kernels.js';
import { resolveParams } from '../../../core/schema.js';
import { RingBuffer } from '../../../core/ringbuffer.js';
import { lcg } from '../schemes/helpers.js';

export const PAIR_NEURONS = 24;
export const PAIR_STEPS = 600;

/**
 * A hand kernel and one of the model's schemes side by side on the same random spike input on both ports
 * (probability 0.2 a step each), current input and initial states: every state variable after every step,
 * the spikes, and the final state component of each.
 */
export function runPair(model: EquationModel, handScheme: NeuronScheme, scheme: string, probe: OverrideProbe, given: Record<string, number>, seed: number) {
  const N = PAIR_NEURONS, STEPS = PAIR_STEPS;
  const params = resolveParams('harness', model.params, given);
  const ctx = { n: N, params, dt: 0.1, firstGid: 1, seed: 1 };
  const hand = standaloneKernel(model, 'hand', ctx, handScheme);
  const gen = standaloneKernel(model, scheme, ctx);
  const init = lcg(seed * 7919);
  for (const [v, [lo, hi]] of Object.entries(probe.initial ?? {})) {
    for (let i = 0; i < N; i++) hand.context.state[v][i] = gen.context.state[v][i] = lo + (hi - lo) * init();
  }
  const vars = model.compiled.states;
  const out = [hand, gen].map(() => ({ trace: vars.map(() => new Float64Array(STEPS * N)), spikes: [] as [number, number][] }));
  const rings = [new RingBuffer(N, 1), new RingBuffer(N, 1)];
  const buf = new Int32Array(N);
  const rnd = lcg(seed);
  for (let s = 0; s < STEPS; s++) {
    for (let i = 0; i < N; i++) {
      const ex = rnd() < 0.2 ? rnd() * probe.wEx : 0, inh = rnd() < 0.2 ? -rnd() * probe.wIn : 0, cur = rnd() * probe.current;
      for (const r of rings) [r.ex[i], r.inh[i], r.cur[i]] = [ex, inh, cur];
    }
    [hand, gen].forEach((k, q) => {
      const c = k.kernel.update(s, rings[q], 0, buf);
      for (let j = 0; j < c; j++) out[q].spikes.push([s, buf[j]]);
      vars.forEach((v, j) => out[q].trace[j].set(k.context.state[v].subarray(0, N), s * N));
    });
  }
  const shared = Object.keys(hand.context.state).filter((f) => f in gen.context.state);
  return { hand: out[0], gen: out[1], shared, final: [hand.context.state, gen.context.state] };
}
