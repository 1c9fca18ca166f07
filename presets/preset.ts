import { ParameterError, SpikeworksError, UnknownNameError } from '../core/errors.js';
import { checkValue, type ParamSpec } from '../core/schema.js';
import { Simulator } from '../core/simulator.js';
import type { Population, Device } from '../core/handles.js';
import { spikeDigest } from '../core/digest.js';
import type { Plugin, CommRuntime, RecorderRuntime } from '../core/plugin.js';
import type { SpikeEvents } from '../plugins/recorders/spike_recorder.js';
import { spikeStatistics, type SpikeStatistics } from '../analysis/spikestats.js';
import { virtualMemoryKiB } from '../analysis/memory.js';

/** A preset parameter: numeric with a unit and range, or one of a set of strings. */
export type PresetParam = (ParamSpec & { choices?: undefined }) | { unit: string; default: string; doc: string; choices: readonly string[] };
export type PresetValues = Record<string, number | string>;

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
  /**
   * Run the network; the default is `simulate(presimtime)` when the preset has a `presimtime` parameter,
   * then `simulate(simtime)`. Rates and statistics cover the `simtime` part only.
   */
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
  presim_time_s: number;
  sim_time_s: number;
  simtime_ms: number;
  real_time_factor: number;
  rate_e_hz: number;
  rate_i_hz: number;
  /** hpc_benchmark's "average rate": recorded spikes over (recorded neurons × simtime). */
  average_rate_hz: number;
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
  /** Called with every log line as it is produced (hpc_benchmark's Logger prints them as it goes). */
  onLog?: (line: string) => void;
}

/** The spikes and statistics of one recorded group. */
export interface GroupResult {
  group: RecordedGroup;
  firstGid: number;
  senders: Int32Array;
  times: Float64Array;
  stats: SpikeStatistics;
}

export interface RunResult {
  summary: RunSummary;
  sim: Simulator;
  net: PresetNetwork;
  params: PresetValues;
  /** hpc_benchmark's log lines: `<counter> <rank> <value> # <key>`. */
  log: string[];
  groups: GroupResult[];
  /** The measured window (ms): spikes in (t0, t1] make the rates and statistics. */
  windowMs: [number, number];
}

/** Build, simulate and summarise a preset. */
export function runPreset(preset: Preset, overrides: Record<string, unknown>, options: RunOptions): RunResult {
  const p = resolvePresetParams(preset, overrides);
  const sim = new Simulator({ plugins: options.plugins, dt: p.dt as number, seed: p.seed as number, comm: options.comm });
  const log: string[] = [];
  const logLine = (value: string | number, key: string) => {
    const line = `${log.length} ${sim.rank} ${value} # ${key}`;
    log.push(line);
    options.onLog?.(line);
  };
  logLine(virtualMemoryKiB(), 'virt_mem_0');
  // Sample memory after each node creation: the last sample before the first projection is
  // hpc_benchmark's virt_mem_after_nodes.
  let memAfterNodes = virtualMemoryKiB();
  let edgesStarted = false;
  sim.events.on('build', (what) => {
    if (what.kind === 'projection') edgesStarted = true;
    else if (!edgesStarted) memAfterNodes = virtualMemoryKiB();
  });
  const tb = performance.now();
  const net = preset.build(sim, p);
  sim.prepare();
  const buildTime = (performance.now() - tb) / 1000;
  logLine(sim.buildTimeNodes, 'build_time_nodes');
  logLine(memAfterNodes, 'virt_mem_after_nodes');
  // NEST's BuildEdgeTime covers every Connect call; our CSR freeze (prepare) belongs to it too.
  const edgeTime = buildTime - sim.buildTimeNodes;
  logLine(edgeTime, 'build_edge_time');
  logLine(virtualMemoryKiB(), 'virt_mem_after_edges');

  const presim = typeof p.presimtime === 'number' ? (p.presimtime as number) : 0;
  const totalSteps = Math.round((presim + (p.simtime as number)) / sim.dt);
  const startStep = sim.currentStep;
  if (options.onProgress) sim.events.on('slice', () => options.onProgress!(sim.currentStep - startStep, totalSteps));
  let presimTime = 0;
  let countsBefore: Float64Array = new Float64Array(sim.populations.length);
  let simTime: number;
  if (preset.simulate) {
    const ts = performance.now();
    preset.simulate(sim, p, net);
    simTime = (performance.now() - ts) / 1000;
  } else {
    if (presim > 0) {
      const tp = performance.now();
      sim.simulate(presim);
      presimTime = (performance.now() - tp) / 1000;
      countsBefore = sim.spikeCounts();
      logLine(virtualMemoryKiB(), 'virt_mem_after_presim');
      logLine(presimTime, 'presim_time');
    }
    const ts = performance.now();
    sim.simulate(p.simtime as number);
    simTime = (performance.now() - ts) / 1000;
  }
  logLine(virtualMemoryKiB(), 'virt_mem_after_sim');
  logLine(simTime, 'sim_time');
  const countsAfter = sim.spikeCounts();
  const t1 = sim.currentStep * sim.dt;
  const t0 = Math.max(0, t1 - (p.simtime as number));
  const simSeconds = (t1 - t0) * 1e-3;
  const rate = (pop: Population) => (simSeconds > 0 ? (countsAfter[pop.id] - countsBefore[pop.id]) / pop.size / simSeconds : 0);

  const recorded = net.recorded ?? defaultGroups(net);
  const senders: number[] = [];
  const steps: number[] = [];
  const groups: GroupResult[] = [];
  let recordedNeurons = 0;
  let recordedEvents = 0;
  for (const r of net.recorders) {
    const rec = (r.runtime as RecorderRuntime).spikeRecord?.();
    if (!rec) throw new SpikeworksError(`preset ${preset.name}: recorder ${r.model} (node ${r.gid}) keeps no spikes to digest`);
    for (let i = 0; i < rec.senders.length; i++) {
      senders.push(rec.senders[i]);
      steps.push(rec.steps[i]);
    }
  }
  for (const g of recorded) {
    const ev = g.recorder.events<SpikeEvents>();
    const firstGid = g.pop.firstGid + g.start;
    const gids = new Int32Array(g.end - g.start);
    for (let i = 0; i < gids.length; i++) gids[i] = firstGid + i;
    // A recorder may record several groups: keep only this group's senders.
    let n = 0;
    const s = new Int32Array(ev.senders.length);
    const t = new Float64Array(ev.senders.length);
    for (let i = 0; i < ev.senders.length; i++) {
      const k = ev.senders[i] - firstGid;
      if (k < 0 || k >= gids.length) continue;
      s[n] = ev.senders[i];
      t[n++] = ev.times[i];
    }
    const gs = s.slice(0, n);
    const gt = t.slice(0, n);
    recordedNeurons += gids.length;
    recordedEvents += n;
    groups.push({ group: g, firstGid, senders: gs, times: gt, stats: spikeStatistics(gs, gt, gids, t0, t1) });
  }
  // hpc_benchmark's compute_rate: every recorded event (presimulation included) over Nrec × simtime.
  const averageRate = recordedNeurons > 0 && (p.simtime as number) > 0 ? (recordedEvents / (recordedNeurons * (p.simtime as number))) * 1e3 : 0;
  logLine(averageRate, 'average rate');

  let neurons = 0;
  for (const pop of sim.populations) neurons += pop.size;
  const statKeys: Record<string, number> = {};
  for (const g of groups) {
    const l = g.group.label.toLowerCase();
    statKeys[`rate_mean_${l}_hz`] = round(g.stats.rateMean, 4);
    statKeys[`isi_mean_${l}_ms`] = round(g.stats.isiMean, 3);
    statKeys[`cv_isi_${l}_mean`] = round(g.stats.cvMean, 4);
  }
  const summary: RunSummary = {
    preset: preset.name,
    neurons,
    synapses: sim.synapseCount(),
    bytes_per_synapse: round(sim.bytesPerSynapse(), 3),
    build_time_s: round(buildTime, 3),
    build_time_nodes_s: round(sim.buildTimeNodes, 3),
    build_edge_time_s: round(edgeTime, 3),
    presim_time_s: round(presimTime, 3),
    sim_time_s: round(simTime, 3),
    simtime_ms: p.simtime as number,
    real_time_factor: simSeconds > 0 ? round(simTime / simSeconds, 4) : 0,
    rate_e_hz: round(rate(net.E), 4),
    rate_i_hz: round(rate(net.I), 4),
    average_rate_hz: round(averageRate, 4),
    spike_count: senders.length,
    spike_digest: spikeDigest(senders, steps),
    time_update_s: round(sim.times.update, 3),
    time_propagate_s: round(sim.times.propagate, 3),
    time_exchange_s: round(sim.times.exchange, 3),
    rss_mib: round(process.memoryUsage().rss / 2 ** 20, 1),
    seed: p.seed as number,
    ranks: sim.size,
    ...statKeys,
    ...(net.extra ?? {}),
  };
  return { summary, sim, net, params: p, log, groups, windowMs: [t0, t1] };
}

function defaultGroups(net: PresetNetwork): RecordedGroup[] {
  const out: RecordedGroup[] = [];
  if (net.recorders[0]) out.push({ label: 'E', recorder: net.recorders[0], pop: net.E, start: 0, end: net.E.size });
  if (net.recorders[1]) out.push({ label: 'I', recorder: net.recorders[1], pop: net.I, start: 0, end: net.I.size });
  return out;
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
