/**
 * Homeostatic synaptic scaling (Turrigiano et al. 1998; van Rossum, Bi & Turrigiano 2000) as a user system,
 * written outside the package with its public API only. Every `period` ms each neuron of a projection's target
 * population multiplies all its incoming weights of that projection by
 *
 *   1 + eta · (target − r) / target,   r = the neuron's rate over the last period (Hz),
 *
 * bounded to [1 − max_step, 1 + max_step], so a neuron firing below the target strengthens its inputs and one
 * firing above weakens them, keeping their relative sizes.
 *
 *   const sim = createSimulator({ plugins: [...builtinPlugins, synapticScalingSystem] });
 *   const proj = sim.connect(input, pop, rule, { weight: { distribution: 'uniform', min: 1, max: 3 }, delay: 1 });
 *   sim.attach(proj, SynapticScaling, { target: 5, period: 100, eta: 0.5 });
 *
 * The weights must be stored per synapse (drawn or given as an array): a scalar weight is one number for the
 * whole projection and cannot be scaled per neuron. Each rank scales the synapses onto its own neurons from
 * their own spikes, so the result does not depend on the rank count.
 */
import { CoreComponents as C, ParameterError, defineResource, type SystemPlugin, type SystemRunner } from '../../index.js';

export interface ScalingSettings {
  /** Target rate (Hz). */
  target: number;
  /** Time between two scalings (ms). */
  period: number;
  /** Fraction of the relative rate error corrected per period. */
  eta?: number;
  /** Largest relative change of a weight per period. */
  max_step?: number;
}

/** Attach to a projection (sim.attach(projection, SynapticScaling, settings)) to have its weights scaled. */
export const SynapticScaling = defineResource<ScalingSettings>('synaptic_scaling', 'target rate and period of homeostatic scaling of a projection');

function check(where: string, s: ScalingSettings, dt: number): Required<ScalingSettings> {
  const positive = (name: keyof ScalingSettings, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ParameterError(where, name, v, 'a finite number > 0');
    return v;
  };
  const period = positive('period', s.period);
  if (Math.abs(Math.round(period / dt) * dt - period) > 1e-9 * period) throw new ParameterError(where, 'period', period, `a multiple of dt = ${dt} ms`);
  const maxStep = s.max_step ?? 0.5;
  if (!(maxStep > 0 && maxStep < 1)) throw new ParameterError(where, 'max_step', maxStep, 'a number in (0, 1)');
  return { target: positive('target', s.target), period, eta: positive('eta', s.eta ?? 0.5), max_step: maxStep };
}

/** Multiply each synapse's weight by the factor of its target neuron. */
function scaleRows(weight: Float32Array, target: Uint16Array | Uint32Array, factor: Float64Array): void {
  for (let k = 0; k < weight.length; k++) weight[k] *= factor[target[k]];
}

/** Add this slice's spikes of the neurons [gid0, gid0 + n) to their counters. */
function countSpikes(gids: Int32Array, count: number, gid0: number, n: number, counts: Float64Array): void {
  for (let k = 0; k < count; k++) {
    const j = gids[k] - gid0;
    if (j >= 0 && j < n) counts[j]++;
  }
}

export const synapticScalingSystem: SystemPlugin = {
  kind: 'system',
  name: 'synaptic_scaling',
  doc: 'homeostatic synaptic scaling: every period each target neuron scales its incoming weights toward a target rate',
  phase: 'control',
  query: [C.projection, SynapticScaling],
  prepare({ world, clock, spikes }, entities): SystemRunner | null {
    if (entities.length === 0) return null;
    const jobs = entities.map((eid) => {
      const proj = world.get(eid, C.projection);
      const where = `synaptic_scaling (projection ${proj.id})`;
      const s = check(where, world.get(eid, SynapticScaling), clock.dt);
      const table = world.get(eid, C.synapses);
      if (!table.weight) {
        throw new ParameterError(where, 'weight', table.homWeight, 'weights stored per synapse (a distribution or an array): one scalar weight cannot be scaled per neuron');
      }
      const post = proj.target;
      return {
        s, weight: table.weight, target: table.target, n: post.localCount, gid0: post.firstGid + post.localStart,
        periodSteps: Math.round(s.period / clock.dt), next: clock.step + Math.round(s.period / clock.dt),
        counts: new Float64Array(post.localCount), factor: new Float64Array(post.localCount),
      };
    });
    return {
      slice(_from: number, to: number) {
        for (const job of jobs) {
          countSpikes(spikes.local.gids, spikes.local.count, job.gid0, job.n, job.counts);
          if (to < job.next) continue;
          const { target, eta, max_step } = job.s;
          const seconds = (job.periodSteps * clock.dt) / 1000;
          for (let j = 0; j < job.n; j++) {
            const f = 1 + (eta * (target - job.counts[j] / seconds)) / target;
            job.factor[j] = f < 1 - max_step ? 1 - max_step : f > 1 + max_step ? 1 + max_step : f;
          }
          scaleRows(job.weight, job.target, job.factor);
          job.counts.fill(0);
          job.next += job.periodSteps;
        }
      },
      describe: () => jobs.map((j, i) => `${world.label(entities[i])}: toward ${j.s.target} Hz every ${j.s.period} ms (eta ${j.s.eta})`),
    };
  },
};
