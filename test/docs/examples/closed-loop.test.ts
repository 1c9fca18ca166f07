import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, ParameterError } from '../../../index.js';
import { closedLoopSystem, ClosedLoop } from '../../../docs/examples/closed-loop.js';

/**
 * The closed-loop system of docs/examples (public API only): 100 iaf_psc_alpha neurons with Poisson noise and
 * a dc_generator whose amplitude the loop sets after every slice. A second generator adds a +150 pA step
 * between 2 and 4 s; the loop holds the target rate before, during and after it.
 */
function run(target: number, loop = true) {
  const sim = createSimulator({ seed: 4, plugins: loop ? [...builtinPlugins, closedLoopSystem] : builtinPlugins });
  const pop = sim.create('iaf_psc_alpha', 100);
  pop.set('V_m', { distribution: 'uniform', min: -70, max: -55 });
  const noise = sim.create('poisson_generator', 1, { rate: 8000 });
  sim.connect(noise, pop, 'all_to_all', { weight: 10, delay: 1 });
  const disturbance = sim.create('dc_generator', 1, { amplitude: 150, start: 2000, stop: 4000 });
  sim.connect(disturbance, pop);
  const drive = sim.create('dc_generator', 1, { amplitude: 0 });
  sim.connect(drive, pop);
  // Recurrent synapses give the network a min delay of 1.5 ms: the loop acts once per 15-step slice.
  sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: 5 }, { weight: 20, delay: 1.5 });
  sim.attach(drive, ClosedLoop, { population: pop, target, gain: 10, integral: 100, tau: 50 });
  const rates: number[] = [];
  let before = 0;
  for (let s = 0; s < 12; s++) {
    sim.simulate(500);
    const c = sim.spikeCounts()[pop.id];
    rates.push((c - before) / pop.size / 0.5);
    before = c;
  }
  return rates;
}

describe('docs/examples/closed-loop.ts: a user system', () => {
  for (const target of [20, 5]) {
    it(`holds the population at ${target} Hz within 10 %, through a current step that starts and stops`, () => {
      const rates = run(target);
      // Windows after the loop settled (1–2 s), late in the step (3–4 s) and after it (5–6 s).
      for (const w of [2, 3, 6, 7, 10, 11]) expect(Math.abs(rates[w] / target - 1)).toBeLessThan(0.1);
      // Without the system (its component attached, nothing reading it) the step moves the rate far off.
      const open = run(target, false);
      expect(open[7] / open[3]).toBeGreaterThan(1.5);
    });
  }

  it('refuses a device that takes no new amplitude while running', () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, closedLoopSystem] });
    const pop = sim.create('iaf_psc_alpha', 10);
    const gen = sim.create('poisson_generator', 1, { rate: 10 });
    sim.connect(gen, pop);
    sim.attach(gen, ClosedLoop, { population: pop, target: 5, gain: 1 });
    expect(() => sim.simulate(1)).toThrow(ParameterError);
  });
});
