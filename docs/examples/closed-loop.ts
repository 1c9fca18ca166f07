/**
 * A closed-loop stimulus as a user system, written outside the package with its public API only: after every
 * min-delay slice it reads a population's rate and sets a dc_generator's amplitude, so the population holds a
 * target rate whatever else drives it (a PI controller on an exponentially filtered rate).
 *
 *   const sim = createSimulator({ plugins: [...builtinPlugins, closedLoopSystem] });
 *   const drive = sim.create('dc_generator', 1, { amplitude: 0 });
 *   sim.connect(drive, pop);
 *   sim.attach(drive, ClosedLoop, { population: pop, target: 20, gain: 10, tau: 50 });
 *
 * The rate is counted from every rank's spikes of the slice (after the exchange), so each rank computes the
 * same amplitude and the run does not depend on the rank count.
 */
import { CoreComponents as C, ParameterError, defineResource, type Population, type SystemPlugin, type SystemRunner } from '../../index.js';

export interface ClosedLoopSettings {
  /** The population whose rate is held. */
  population: Population;
  /** Target rate (Hz). */
  target: number;
  /** Proportional gain: pA of amplitude per Hz of rate error. */
  gain: number;
  /** Integral time (ms): the integral term grows by gain · error · slice / integral per slice. */
  integral?: number;
  /** Time constant (ms) of the rate estimate. */
  tau?: number;
  /** Amplitude bounds (pA). */
  min?: number;
  max?: number;
}

/** Attach to a dc_generator device (sim.attach(generator, ClosedLoop, settings)). */
export const ClosedLoop = defineResource<ClosedLoopSettings>('closed_loop', "a dc_generator whose amplitude holds a population's rate");

export const closedLoopSystem: SystemPlugin = {
  kind: 'system',
  name: 'closed_loop',
  doc: "after each slice, set a current generator's amplitude from a population's rate (PI control toward a target rate)",
  phase: 'control',
  query: [C.device, C.generator, ClosedLoop],
  prepare({ world, clock, spikes }, entities): SystemRunner | null {
    if (entities.length === 0) return null;
    const loops = entities.map((eid) => {
      const device = world.get(eid, C.device);
      const s = world.get(eid, ClosedLoop);
      const where = `closed_loop (node ${device.gid})`;
      const gen = world.get(eid, C.generator);
      if (!gen.set) throw new ParameterError(where, 'device', device.model, 'a generator that takes new parameters while running (dc_generator)');
      if (!('amplitude' in device.params)) throw new ParameterError(where, 'device', device.model, 'a generator with an amplitude (dc_generator)');
      const pop = s.population;
      if (!pop || !world.has(pop.eid, C.population) || world.get(pop.eid, C.population) !== pop) {
        throw new ParameterError(where, 'population', pop, 'a population of this simulator');
      }
      for (const [name, v] of [['target', s.target], ['gain', s.gain]] as const) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ParameterError(where, name, v, 'a finite number > 0');
      }
      const tau = s.tau ?? 50;
      const integral = s.integral ?? 100;
      if (!(tau > 0) || !(integral > 0)) throw new ParameterError(where, 'tau/integral', [tau, integral], 'numbers > 0 (ms)');
      // One object reused for every update: the generator reads its numbers and keeps them.
      const params = { ...device.params };
      return { s, gen, params, pop, tau, integral, rate: 0, sum: params.amplitude, lo: s.min ?? -Infinity, hi: s.max ?? Infinity };
    });
    return {
      slice(from: number, to: number) {
        const ms = (to - from) * clock.dt;
        const all = spikes.all;
        for (const l of loops) {
          const first = l.pop.firstGid;
          const last = first + l.pop.size;
          let n = 0;
          for (let k = 0; k < all.count; k++) if (all.gids[k] >= first && all.gids[k] < last) n++;
          // Filtered rate: each spike adds 1/tau per neuron, the estimate decays with tau.
          const decay = Math.exp(-ms / l.tau);
          l.rate = l.rate * decay + ((n / l.pop.size) * 1000) / l.tau;
          const error = l.s.target - l.rate;
          l.sum += (l.s.gain * error * ms) / l.integral;
          l.sum = Math.min(l.hi, Math.max(l.lo, l.sum));
          l.params.amplitude = Math.min(l.hi, Math.max(l.lo, l.sum + l.s.gain * error));
          l.gen.set!(l.params);
        }
      },
      describe: () => loops.map((l, i) => `${world.label(entities[i])}: holds population ${l.pop.id} at ${l.s.target} Hz`),
    };
  },
};
