import { ParameterError, UnknownNameError } from '../core/errors.js';
import { checkValue, type ParamSpec } from '../core/schema.js';
import { Simulator } from '../core/simulator.js';
import type { Population, Device, Projection } from '../core/handles.js';
import type { Plugin } from '../core/plugin.js';
import { isMultipleOfDt, type NetworkSpec } from '../core/spec.js';

/** A preset parameter: numeric with a unit and range, or one of a set of strings. */
export type PresetParam = (ParamSpec & { choices?: undefined }) | { unit: string; default: string; doc: string; choices: readonly string[] };
export type PresetValues = Record<string, number | string>;

/** Values of numeric preset parameters, typed as numbers for create()'s params (create checks them at run time). */
export function presetNumbers<T extends Record<string, number | string>>(values: T): { [K in keyof T]: number } {
  return values as { [K in keyof T]: number };
}

/** A recorded group of neurons: what one spike file, one raster band and one set of statistics cover. */
export interface RecordedGroup {
  /** Short name used in file names and summary keys ('E', 'I'). */
  label: string;
  recorder: Device;
  pop: Population;
  /** Recorded neurons [start, end) of `pop`. */
  start: number;
  end: number;
  /** Label of the spike file (NEST's recorder label); default `spikes_<label>`. */
  fileLabel?: string;
}

/** What a preset's build hands back: its excitatory and inhibitory populations and its spike recorders. */
export interface PresetNetwork {
  E: Population;
  I: Population;
  /** Spike recorders whose records make the digest and the output files. */
  recorders: Device[];
  /**
   * Which neurons each recorder records, for the output files and statistics. Default: recorders[0]
   * records all of E and recorders[1] all of I.
   */
  recorded?: RecordedGroup[];
  /** Preset-specific figures for the summary (weights, conversions, ...). */
  extra?: Record<string, number | string>;
  /** Figures measured after the run from the merged data of every rank (learned weights, ...). */
  measures?(run: RunMeasures): Record<string, number | string>;
}

/** What a preset's measures read after a run: merged over ranks, in one process's order. */
export interface RunMeasures {
  /** The current weights of a projection (CSR order: by source, then target). */
  weights(projection: Projection): Float32Array;
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
  /**
   * The network, built through the API: run once by a simulator that only describes (the preset's spec),
   * then the spec is what every backend builds. A preset with `presimtime` presimulates before `simtime`;
   * rates and statistics cover the `simtime` part only.
   */
  build(sim: Simulator, p: PresetValues): PresetNetwork;
  /** ES modules of the plugins the network needs beyond the built-in ones (workers load them). */
  modules?: { url: string; export?: string }[];
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
      const v = typeof raw === 'string' ? parseDecimal(raw, spec) : raw;
      try {
        out[name] = checkValue(where, name, spec, v);
      } catch (e) {
        // Report what the user typed, not what it parsed to.
        const notDecimal = typeof raw === 'string' && Number.isNaN(v);
        if (e instanceof ParameterError) throw new ParameterError(where, name, raw, `${e.allowed}${notDecimal ? `, written in decimal${spec.integer ? ' digits' : ''}` : ''}`);
        throw e;
      }
    }
  }
  // Simulated times are whole steps: refused here, before anything is built (simulate() would refuse them after the build).
  const dt = out.dt;
  for (const name of ['presimtime', 'simtime']) {
    const t = out[name];
    if (typeof t === 'number' && typeof dt === 'number' && !isMultipleOfDt(t, dt)) {
      throw new ParameterError(where, name, overrides[name] ?? t, `a multiple of dt = ${dt} ms (a whole number of steps)`);
    }
  }
  return out;
}

/**
 * A number written as text (`--set key=value`, `--seed`): decimal only, so that '0x10', '0b1', '1e3' for an
 * integer, or '12abc' are errors instead of 16, 1, 1000 or NaN further on. Integers take digits only;
 * other numbers a decimal with an optional exponent, and 'Infinity' where the parameter allows it.
 */
function parseDecimal(text: string, spec: ParamSpec): number {
  const t = text.trim();
  const decimal = spec.integer ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  if (decimal.test(t)) return Number(t);
  if (spec.allowInfinity && /^[+-]?Infinity$/.test(t)) return Number(t);
  return NaN;
}

export function findPreset(presets: readonly Preset[], name: string): Preset {
  const p = presets.find((q) => q.name === name);
  if (!p) throw new UnknownNameError('preset', name, presets.map((q) => q.name));
  return p;
}

/** A preset's network described for its parameters: the spec, and the preset's handles into the describing simulator. */
export interface DescribedPreset {
  spec: NetworkSpec;
  params: PresetValues;
  /** Handles of the describing simulator: sizes, node ids and projection ids are those of any build of the spec. */
  net: PresetNetwork;
  /** The node index of each described handle (the same in every build of the spec). */
  nodeOf(handle: Population | Device): number;
  /** Bytes the whole network is estimated to hold once built (0 where MPI ranks check their own parts). */
  memoryEstimate: number;
}

/** Describe a preset: its build runs once on a simulator that checks and records but allocates nothing (its memory estimate for a run on `ranks` ranks). */
export function describePreset(preset: Preset, overrides: Record<string, unknown>, plugins: readonly Plugin[], ranks = 1): DescribedPreset {
  const p = resolvePresetParams(preset, overrides);
  const sim = new Simulator({ plugins, dt: p.dt as number, seed: p.seed as number, describeOnly: true, describeRanks: ranks });
  const net = preset.build(sim, p);
  const presim = typeof p.presimtime === 'number' ? p.presimtime : 0;
  const spec = sim.toSpec({ modules: preset.modules, run: { ...(presim > 0 ? { presimtime: presim } : {}), simtime: p.simtime as number } });
  return {
    spec, params: p, net, memoryEstimate: sim.network.memory.steady,
    nodeOf: (h) => {
      const i = sim.network.log.indexOf(h);
      if (i === undefined) throw new ParameterError(`preset ${preset.name}`, 'handle', h.model, 'a node of the preset\'s own network');
      return i;
    },
  };
}
