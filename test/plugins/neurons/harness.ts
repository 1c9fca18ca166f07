import type { GeneratorModel, DeviceTargets, Plugin } from '../../../core/plugin.js';
import { builtinPlugins } from '../../../plugins/index.js';
import { createSimulator } from '../../../index.js';

/**
 * Test devices written as user plugins (the plugin API lets users add generators): they write into the
 * target population's ring buffer exactly as a NEST device's events arrive, at emission step + delay.
 */

/** Spikes emitted in the given steps with the given weights (a NEST spike at time t is emitted in step t/dt − 1). */
export function spikeSource(events: { step: number; weight: number }[], name = 'test_spike_source'): GeneratorModel {
  return {
    kind: 'generator',
    name,
    doc: 'test device: spikes in given steps',
    params: {},
    create() {
      const targets: DeviceTargets[] = [];
      return {
        addTargets(t) {
          targets.push(t);
        },
        emit(step) {
          for (const ev of events) {
            if (ev.step !== step) continue;
            for (const t of targets) {
              const off = ((step + t.delaySteps) % t.ring.slots) * t.ring.n;
              const buf = ev.weight >= 0 ? t.ring.ex : t.ring.inh;
              for (let k = 0; k < t.local.length; k++) buf[off + t.local[k]] += ev.weight;
            }
          }
        },
      };
    },
  };
}

/** A constant current (pA) sent every step from `fromStep` on, as NEST's dc_generator sends CurrentEvents. */
export function dcSource(amplitude: number, fromStep = 0, name = 'test_dc_source'): GeneratorModel {
  return {
    kind: 'generator',
    name,
    doc: 'test device: constant current',
    params: {},
    create() {
      const targets: DeviceTargets[] = [];
      return {
        addTargets(t) {
          targets.push(t);
        },
        emit(step) {
          if (step < fromStep) return;
          for (const t of targets) {
            const off = ((step + t.delaySteps) % t.ring.slots) * t.ring.n;
            for (let k = 0; k < t.local.length; k++) t.ring.cur[off + t.local[k]] += amplitude;
          }
        },
      };
    },
  };
}

export interface TraceResult {
  /** times[k] = (k+1)·dt: the state after step k, as NEST's voltmeter stamps it. */
  times: number[];
  values: Record<string, number[]>;
  /** Steps in which the neuron spiked; the spike time NEST reports is (step+1)·dt. */
  spikeSteps: number[];
}

/**
 * Simulate one neuron of `model` step by step and record state variables after every step.
 * `devices` are connected to it with the given weight and delay.
 */
export function trace(
  model: string, params: Record<string, number>, steps: number,
  opts: { dt?: number; record?: string[]; integrator?: string; devices?: { plugin: GeneratorModel; weight?: number; delay?: number }[]; n?: number; extraPlugins?: Plugin[] } = {},
): TraceResult {
  const dt = opts.dt ?? 0.1;
  const plugins: Plugin[] = [...builtinPlugins, ...(opts.devices ?? []).map((d) => d.plugin), ...(opts.extraPlugins ?? [])];
  const sim = createSimulator({ dt, plugins });
  const pop = sim.create(model, opts.n ?? 1, params, opts.integrator ? { integrator: opts.integrator } : undefined);
  for (const d of opts.devices ?? []) {
    const dev = sim.create(d.plugin.name);
    sim.connect(dev, pop, 'all_to_all', { weight: d.weight ?? 1, delay: d.delay ?? dt });
  }
  const record = [...new Set(opts.record ?? ['V_m'])];
  const values: Record<string, number[]> = {};
  for (const r of record) values[r] = [];
  const times: number[] = [];
  const spikeSteps: number[] = [];
  let last = 0;
  for (let k = 0; k < steps; k++) {
    sim.simulate(dt);
    times.push((k + 1) * dt);
    for (const r of record) values[r].push(pop.get(r)[0]);
    const c = sim.spikeCounts()[pop.id];
    if (c > last) spikeSteps.push(k);
    last = c;
  }
  return { times, values, spikeSteps };
}
