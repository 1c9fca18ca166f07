import { ParameterError, UnknownNameError } from '../core/errors.js';
import { checkValue, type ParamSpec } from '../core/schema.js';
import { Simulator, type Population, type Device } from '../core/simulator.js';
import { spikeDigest } from '../core/digest.js';
import type { Plugin, CommRuntime } from '../core/plugin.js';
import type { SpikeEvents } from '../plugins/recorders/spike_recorder.js';

/** A preset parameter: numeric with a unit and range, or one of a set of strings. */
export type PresetParam = (ParamSpec & { choices?: undefined }) | { unit: string; default: string; doc: string; choices: readonly string[] };
export type PresetValues = Record<string, number | string>;

/** What a preset's build hands back: its excitatory and inhibitory populations and its spike recorders. */
export interface PresetNetwork {
  E: Population;
  I: Population;
  /** Spike recorders whose records make the digest and the output files. */
  recorders: Device[];
  /** Preset-specific figures for the summary (weights, conversions, ...). */
  extra?: Record<string, number | string>;
}

export interface Preset {
  name: string;
  title: string;
  /** Where the network comes from (seed file, paper, script). */
  source: string;
  doc: string;
  /** Every parameter; `simtime` (ms), `seed`, `scale` and `dt` are always present. */
  params: Record<string, PresetParam>;
  /** Reference figures the preset's rates are compared with, and the tolerance its docs state. */
  reference?: { rate_e_hz?: number; rate_i_hz?: number; tolerance: number; source: string };
  build(sim: Simulator, p: PresetValues): PresetNetwork;
  /** Run the network; the default is one `simulate(simtime)`. */
  simulate?(sim: Simulator, p: PresetValues, net: PresetNetwork): void;
}

export const commonParams = {
  simtime: { unit: 'ms', default: 1000, min: 0, doc: 'simulated time' },
  dt: { unit: 'ms', default: 0.1, min: 0, exclusiveMin: true, doc: 'resolution' },
  seed: { unit: '', default: 1, min: 0, max: 2 ** 32 - 1, integer: true, doc: 'seed of every random stream' },
  scale: { unit: '', default: 1, min: 0, exclusiveMin: true, doc: 'multiplies the neuron counts (indegrees are kept)' },
} as const satisfies Record<string, ParamSpec>;

/** Resolve a preset's parameters from defaults and overrides (numbers, or strings from `--set key=value`). */
export function resolvePresetParams(preset: Preset, overrides: Record<string, unknown> = {}): PresetValues {
  const out: PresetValues = {};
  const where = `preset ${preset.name}`;
  for (const key of Object.keys(overrides)) {
    if (!(key in preset.params)) throw new ParameterError(where, key, overrides[key], `one of: ${Object.keys(preset.params).join(', ')}`);
  }
  for (const [name, spec] of Object.entries(preset.params)) {
    const given = overrides[name];
    if (spec.choices) {
      const v = given === undefined ? spec.default : String(given);
      if (!spec.choices.includes(v)) throw new ParameterError(where, name, given, `one of ${spec.choices.join(', ')}`);
      out[name] = v;
    } else {
      const raw: unknown = given === undefined ? spec.default : given;
      const v = typeof raw === 'string' ? (raw.trim() === '' ? NaN : Number(raw)) : raw;
      try {
        out[name] = checkValue(where, name, spec, v);
      } catch (e) {
        // Report what the user typed, not what it parsed to.
        if (e instanceof ParameterError) throw new ParameterError(where, name, raw, e.allowed);
        throw e;
      }
    }
  }
  return out;
}

export interface RunSummary {
  preset: string;
  neurons: number;
  synapses: number;
  bytes_per_synapse: number;
  build_time_s: number;
  build_time_nodes_s: number;
  build_edge_time_s: number;
  sim_time_s: number;
  simtime_ms: number;
  real_time_factor: number;
  rate_e_hz: number;
  rate_i_hz: number;
  spike_count: number;
  spike_digest: string;
  time_update_s: number;
  time_propagate_s: number;
  time_exchange_s: number;
  rss_mib: number;
  seed: number;
  ranks: number;
  [extra: string]: number | string;
}

export interface RunOptions {
  plugins: readonly Plugin[];
  comm?: CommRuntime;
  /** Called after every min-delay slice with simulated and total steps (drive a progress bar here). */
  onProgress?: (stepsDone: number, stepsTotal: number) => void;
}

export interface RunResult {
  summary: RunSummary;
  sim: Simulator;
  net: PresetNetwork;
  params: PresetValues;
}

/** Build, simulate and summarise a preset. */
export function runPreset(preset: Preset, overrides: Record<string, unknown>, options: RunOptions): RunResult {
  const p = resolvePresetParams(preset, overrides);
  const sim = new Simulator({ plugins: options.plugins, dt: p.dt as number, seed: p.seed as number, comm: options.comm });
  const tb = performance.now();
  const net = preset.build(sim, p);
  sim.prepare();
  const buildTime = (performance.now() - tb) / 1000;
  const totalSteps = Math.round((p.simtime as number) / sim.dt);
  const startStep = sim.currentStep;
  if (options.onProgress) sim.events.on('slice', () => options.onProgress!(sim.currentStep - startStep, totalSteps));
  const ts = performance.now();
  if (preset.simulate) preset.simulate(sim, p, net);
  else sim.simulate(p.simtime as number);
  const simTime = (performance.now() - ts) / 1000;
  const counts = sim.spikeCounts();
  const simSeconds = (sim.currentStep - startStep) * sim.dt * 1e-3;
  const rate = (pop: Population) => (simSeconds > 0 ? counts[pop.id] / pop.size / simSeconds : 0);
  const senders: number[] = [];
  const steps: number[] = [];
  for (const r of net.recorders) {
    const ev = r.events<SpikeEvents>();
    const st = (r.runtime as unknown as { steps(): Int32Array }).steps();
    for (let i = 0; i < ev.senders.length; i++) {
      senders.push(ev.senders[i]);
      steps.push(st[i]);
    }
  }
  let neurons = 0;
  for (const pop of sim.populations) neurons += pop.size;
  const summary: RunSummary = {
    preset: preset.name,
    neurons,
    synapses: sim.synapseCount(),
    bytes_per_synapse: round(sim.bytesPerSynapse(), 3),
    build_time_s: round(buildTime, 3),
    build_time_nodes_s: round(sim.buildTimeNodes, 3),
    build_edge_time_s: round(sim.buildEdgeTime, 3),
    sim_time_s: round(simTime, 3),
    simtime_ms: p.simtime as number,
    real_time_factor: simSeconds > 0 ? round(simTime / simSeconds, 4) : 0,
    rate_e_hz: round(rate(net.E), 4),
    rate_i_hz: round(rate(net.I), 4),
    spike_count: senders.length,
    spike_digest: spikeDigest(senders, steps),
    time_update_s: round(sim.times.update, 3),
    time_propagate_s: round(sim.times.propagate, 3),
    time_exchange_s: round(sim.times.exchange, 3),
    rss_mib: round(process.memoryUsage().rss / 2 ** 20, 1),
    seed: p.seed as number,
    ranks: sim.size,
    ...(net.extra ?? {}),
  };
  return { summary, sim, net, params: p };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function findPreset(presets: readonly Preset[], name: string): Preset {
  const p = presets.find((q) => q.name === name);
  if (!p) throw new UnknownNameError('preset', name, presets.map((q) => q.name));
  return p;
}
