/**
 * spikeworks for the browser: the engine as ES modules with no Node built-in on its path (web/build.mjs
 * bundles it with core/platform-browser.ts as the platform), and `BrowserRun`, a preset or spec run in
 * slices that a page or a Web Worker drives (web/worker.ts). docs/browser.md shows how to embed it.
 */
import { Simulator, type SimulatorOptions } from './core/simulator.js';
import { ParameterError, SpikeworksError } from './core/errors.js';
import { SERVICE } from './core/services.js';
import { MemorySink } from './core/output.js';
import { SpikeDigest } from './core/digest.js';
import { platform } from './core/platform.js';
import { decodeSpecJson } from './core/spec-json.js';
import type { NetworkSpec } from './core/spec.js';
import type { Device, Population } from './core/handles.js';
import type { Plugin } from './core/plugin.js';
import { builtinPlugins } from './plugins/index.js';
import type { SpikeRecorderRuntime } from './plugins/recorders/spike_recorder.js';
import { describePreset, findPreset, type Preset, type PresetValues } from './presets/preset.js';
import { advanceProtocol } from './presets/protocol.js';
import { cubaStatic } from './presets/cuba.js';
import { cubaStdp } from './presets/cuba-stdp.js';
import { hpcBenchmark } from './presets/hpc.js';
import { vaCuba, vaCoba, vaCobaPynn } from './presets/va.js';
import { brunel, brunelStdp } from './presets/brunel.js';
import { zenke25k, zenke25kStatic } from './presets/zenke.js';
import { cobahh } from './presets/cobahh.js';
import { createSharedCommBuffers, abortSharedComm } from './plugins/backends/shared_comm.js';
import { mergeRankResults, type MergedResult, type RankResult } from './core/gather.js';
import { spikeDigest as digestOf } from './core/digest.js';
import type { RankJob, RankReply } from './web/protocol.js';

export * from './core/simulator.js';
export * from './core/handles.js';
export * from './core/plugin.js';
export * from './core/errors.js';
export * from './core/schema.js';
export * from './core/spec.js';
export { encodeSpecJson, decodeSpecJson } from './core/spec-json.js';
export { SERVICE } from './core/services.js';
export { MemorySink, type OutputSink, type OutputFile } from './core/output.js';
export { SpikeDigest, spikeDigest } from './core/digest.js';
export { Sha256, toHex } from './core/sha256.js';
export { platform } from './core/platform.js';
export * from './plugins/index.js';
export { describePreset, resolvePresetParams, findPreset, type Preset, type PresetParam, type PresetValues } from './presets/preset.js';

export { cubaStatic, cubaStdp, hpcBenchmark, vaCuba, vaCoba, vaCobaPynn, brunel, brunelStdp, zenke25k, zenke25kStatic, cobahh };

/** Every preset (the CLI's `spikeworks list`). */
export const presets: readonly Preset[] = [hpcBenchmark, cubaStatic, cubaStdp, vaCuba, vaCoba, vaCobaPynn, brunel, brunelStdp, zenke25k, zenke25kStatic, cobahh];

/** A simulator of the built-in plugins (or yours), in this thread: the browser's createSimulator. */
export function createSimulator(options: Partial<SimulatorOptions> = {}): Simulator {
  return new Simulator({ ...options, plugins: options.plugins ?? builtinPlugins });
}

/** What a BrowserRun runs: a preset with parameter overrides, or a spec (an object, or its JSON text). */
export type RunSource = { preset: string; overrides?: Record<string, unknown> } | { spec: NetworkSpec | string };

export interface BrowserRunOptions {
  plugins?: readonly Plugin[];
  /** The spike files' format (NEST ASCII, as `spikeworks run` writes them, or Arrow IPC). */
  format?: 'ascii' | 'arrow';
  /** Every recorded spike as it is recorded (a live raster): senders, steps (time = (step + 1)·dt), count. */
  onSpikes?: (senders: Int32Array, steps: Int32Array, count: number) => void;
}

/** A population of the run, for plots. */
export interface RunGroup {
  label: string;
  firstGid: number;
  size: number;
  model: string;
}

export interface BrowserSummary {
  preset: string;
  neurons: number;
  synapses: number;
  seed: number;
  dt: number;
  simtime_ms: number;
  build_time_s: number;
  sim_time_s: number;
  real_time_factor: number;
  spike_count: number;
  spike_digest: string;
  /** Mean rate (Hz) of each group over the simulation (the presimulation left out). */
  rates_hz: Record<string, number>;
  params: PresetValues;
  platform: string;
}

/** Decimals that write every multiple of dt exactly (as presets/run.ts streamRecorders writes). */
function timeDecimals(dt: number): number {
  for (let d = 3; d < 12; d++) if (Math.abs(Math.round(dt * 10 ** d) - dt * 10 ** d) < 1e-6) return d;
  return 12;
}

/**
 * A preset or spec built in this thread and simulated slice by slice: `advance(ms)` runs whole min-delay
 * slices for about that much wall time; spikes go to `onSpikes`, the digest and the spike files (in a
 * MemorySink: `files()`). The digest is the one `spikeworks run` prints for the same preset, parameters and seed.
 */
export class BrowserRun {
  readonly sim: Simulator;
  readonly spec: NetworkSpec;
  readonly name: string;
  readonly params: PresetValues;
  readonly groups: RunGroup[] = [];
  readonly sink = new MemorySink();
  readonly totalSteps: number;
  readonly presimSteps: number;
  readonly buildTime: number;
  /** Wall seconds spent simulating after the presimulation. */
  simTime = 0;
  private readonly digest = new SpikeDigest();
  private readonly recorders: SpikeRecorderRuntime[] = [];
  private digestHex: string | null = null;
  private countsBefore: Float64Array;
  private readonly startStep: number;

  constructor(source: RunSource, options: BrowserRunOptions = {}) {
    const plugins = options.plugins ?? builtinPlugins;
    const format = options.format ?? 'ascii';
    if (format !== 'ascii' && format !== 'arrow') throw new ParameterError('BrowserRun', 'format', format, "'ascii' or 'arrow'");
    let recorders: number[];
    let labels: Map<number, string>;
    let popNodes: { node: number; label: string }[];
    if ('preset' in source) {
      const preset = findPreset(presets, source.preset);
      const d = describePreset(preset, source.overrides ?? {}, plugins);
      this.spec = d.spec;
      this.params = d.params;
      this.name = preset.name;
      recorders = d.net.recorders.map((r) => d.nodeOf(r));
      const recorded: { label: string; recorder: Device; pop: Population; fileLabel?: string }[] = d.net.recorded ?? [
        { label: 'E', recorder: d.net.recorders[0], pop: d.net.E },
        { label: 'I', recorder: d.net.recorders[1], pop: d.net.I },
      ].filter((g) => g.recorder && g.pop);
      labels = new Map(recorded.map((g) => [d.nodeOf(g.recorder), g.fileLabel ?? `spikes_${g.label}`]));
      popNodes = [];
      for (const g of recorded) if (!popNodes.some((p) => p.node === d.nodeOf(g.pop))) popNodes.push({ node: d.nodeOf(g.pop), label: g.label });
    } else {
      this.spec = typeof source.spec === 'string' ? decodeSpecJson(source.spec) : source.spec;
      if (!this.spec || !Array.isArray(this.spec.nodes)) throw new ParameterError('BrowserRun', 'spec', typeof source.spec, 'a network spec (docs/spec.md) or its JSON text');
      const modules = this.spec.plugins?.modules ?? [];
      if (modules.length && !options.plugins) {
        throw new ParameterError('BrowserRun', 'spec.plugins.modules', modules.map((m) => m.url), "none: a page builds with the built-in plugins (give yours as options.plugins)");
      }
      this.params = { seed: this.spec.simulator.seed, dt: this.spec.simulator.dt, simtime: this.spec.run?.simtime ?? 1000 };
      this.name = 'spec';
      recorders = this.spec.nodes.flatMap((n, i) => (n.kind === 'device' && n.model === 'spike_recorder' ? [i] : []));
      labels = new Map(recorders.map((i) => [i, 'spike_recorder']));
      popNodes = this.spec.nodes.flatMap((n, i) => (n.kind === 'population' ? [{ node: i, label: n.label ?? `${n.model} ${i}` }] : []));
    }
    const spec = this.spec;
    const dt = spec.simulator.dt;
    for (const node of recorders) {
      const d = spec.nodes[node];
      if (d.kind !== 'device' || (d.options?.record_to ?? 'memory') !== 'memory') continue;
      d.options = { ...(d.options ?? {}), record_to: format, path: '.', label: labels.get(node) ?? 'spike_recorder', overwrite_files: true, precision: timeDecimals(dt) };
    }
    const sim = (this.sim = new Simulator({ plugins, dt, seed: spec.simulator.seed, services: [{ token: SERVICE.output, value: this.sink }] }));
    const tb = performance.now();
    sim.build(spec);
    sim.prepare();
    this.buildTime = (performance.now() - tb) / 1000;
    const handles = sim.network.log.handles;
    for (const p of popNodes) {
      const pop = handles[p.node] as Population;
      this.groups.push({ label: p.label, firstGid: pop.firstGid, size: pop.size, model: pop.model });
    }
    for (const node of recorders) {
      const rt = (handles[node] as Device).runtime as SpikeRecorderRuntime;
      this.recorders.push(rt);
      rt.tap = (g, s, n) => {
        this.digest.add(g, s, n);
        options.onSpikes?.(g, s, n);
      };
    }
    sim.events.on('slice', () => this.digest.endPiece());
    const simtime = Number(this.params.simtime ?? spec.run?.simtime ?? 1000);
    this.presimSteps = Math.round((spec.run?.presimtime ?? 0) / dt);
    this.totalSteps = this.presimSteps + Math.round(simtime / dt);
    this.startStep = sim.currentStep;
    this.countsBefore = new Float64Array(sim.populations.length);
  }

  get stepsDone(): number {
    return this.sim.currentStep - this.startStep;
  }

  get done(): boolean {
    return this.stepsDone >= this.totalSteps;
  }

  /** Simulated time so far (ms). */
  get timeMs(): number {
    return this.stepsDone * this.sim.dt;
  }

  /** Simulate whole slices for about `wallMs` of wall time (the rest of the run by default); stops at the end of the presimulation. */
  advance(wallMs = Infinity): void {
    const { sim, startStep, presimSteps, totalSteps } = this;
    advanceProtocol({ sim, startStep, presimSteps, totalSteps }, wallMs, Infinity, (seconds, inPresim, presimEnded) => {
      if (!inPresim) this.simTime += seconds;
      if (presimEnded) this.countsBefore = this.sim.spikeCounts();
    });
  }

  /** A reader of one neuron's state variable (a membrane trace samples V_m after every slice). */
  probe(gid: number, variable = 'V_m'): () => number {
    const pop = this.sim.populations.find((p) => gid >= p.firstGid && gid < p.firstGid + p.size);
    const last = this.groups.reduce((n, g) => Math.max(n, g.firstGid + g.size - 1), 0);
    if (!Number.isInteger(gid) || !pop) throw new ParameterError('BrowserRun.probe', 'gid', gid, `a neuron's id (an integer from 1 to ${last})`);
    pop.get(variable);
    const k = gid - pop.firstGid;
    // The view is taken each time: a kernel's memory may grow and detach an old one.
    return () => pop.get(variable)[k];
  }

  /** The spike digest of the whole run (once it is done): SHA-256 of the spikes sorted by time, then sender. */
  spikeDigest(): string {
    if (!this.done) throw new SpikeworksError(`the spike digest is taken at the end of the run (${this.stepsDone} of ${this.totalSteps} steps done)`);
    this.digestHex ??= this.digest.digest();
    return this.digestHex;
  }

  /** The summary (the digest once the run is done, else ''). */
  summary(): BrowserSummary {
    const counts = this.sim.spikeCounts();
    const simSteps = Math.max(0, this.stepsDone - this.presimSteps);
    const simSeconds = simSteps * this.sim.dt * 1e-3;
    const rates: Record<string, number> = {};
    for (const g of this.groups) {
      const pop = this.sim.populations.find((p) => p.firstGid === g.firstGid)!;
      rates[g.label] = simSeconds > 0 ? (counts[pop.id] - this.countsBefore[pop.id]) / pop.size / simSeconds : 0;
    }
    let synapses = 0;
    for (const p of this.sim.projections) synapses += p.count;
    return {
      preset: this.name,
      neurons: this.groups.reduce((n, g) => n + g.size, 0),
      synapses,
      seed: this.sim.seed,
      dt: this.sim.dt,
      simtime_ms: simSteps * this.sim.dt,
      build_time_s: this.buildTime,
      sim_time_s: this.simTime,
      real_time_factor: simSeconds > 0 ? this.simTime / simSeconds : 0,
      spike_count: this.digest.count,
      spike_digest: this.done ? this.spikeDigest() : '',
      rates_hz: rates,
      params: this.params,
      platform: platform.name,
    };
  }

  /** The spike files (name → bytes) as `spikeworks run --out` writes them. */
  files(): Map<string, Uint8Array> {
    // An Arrow writer holds its last record batch until asked for the events.
    for (const rt of this.recorders) if (rt.record_to === 'arrow') rt.events();
    const out = new Map<string, Uint8Array>();
    for (const name of this.sink.files.keys()) out.set(name, this.sink.read(name));
    return out;
  }

  close(): void {
    this.sim.close();
  }
}

interface WebWorker {
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: { message?: string }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

export interface WebWorkersOptions {
  /** Ranks, each a Web Worker. */
  workers: number;
  /** The rank script (dist-web/rank.js, built from web/rank.ts). */
  rankUrl: string | URL;
  /** Called about every 100 ms with the steps done (rank 0) and the steps of the run. */
  onProgress?: (stepsDone: number, stepsTotal: number) => void;
  /**
   * Live spikes: the ranks simulate in pieces of `pieceMs` (default 50 ms; the spikes are those of one call) and,
   * after each, hand over the spikes their recorders took in it: senders and emission steps.
   */
  onSpikes?: (senders: Int32Array, steps: Int32Array) => void;
  pieceMs?: number;
  /** Busy-wait iterations at a barrier before a rank sleeps (SharedCommOptions.spin). */
  spin?: number;
}

export interface WebWorkersResult {
  spike_digest: string;
  spike_count: number;
  /** Wall seconds of the slowest rank's `simulate` (presimulation included), and its build. */
  sim_time_s: number;
  build_time_s: number;
  real_time_factor: number;
  workers: number;
  merged: MergedResult;
}

/** The spec a RunSource describes, and the node ids of the spike recorders its digest is taken over. */
function describeSource(source: RunSource, plugins: readonly Plugin[]): { spec: NetworkSpec; recorderGids: number[] } {
  let spec: NetworkSpec;
  let recorderNodes: number[];
  if ('preset' in source) {
    const d = describePreset(findPreset(presets, source.preset), source.overrides ?? {}, plugins);
    spec = d.spec;
    recorderNodes = d.net.recorders.map((r) => d.nodeOf(r));
  } else {
    spec = typeof source.spec === 'string' ? decodeSpecJson(source.spec) : source.spec;
    recorderNodes = spec.nodes.flatMap((n, i) => (n.kind === 'device' && n.model === 'spike_recorder' ? [i] : []));
  }
  // Node ids: populations take n ids each, devices one, in spec order from 1.
  const gids: number[] = [];
  let gid = 1;
  spec.nodes.forEach((n, i) => {
    if (recorderNodes.includes(i)) gids.push(gid);
    gid += n.kind === 'population' ? n.n : 1;
  });
  return { spec, recorderGids: gids };
}

/**
 * Run a preset or spec on `workers` Web Workers that exchange spikes through SharedArrayBuffer (the page must
 * be cross-origin isolated: `spikeworks serve` sends the headers). The spikes, hence the digest, are those of
 * one thread's run.
 */
export async function runInWebWorkers(source: RunSource, options: WebWorkersOptions): Promise<WebWorkersResult> {
  const n = options.workers;
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new ParameterError('runInWebWorkers', 'workers', n, 'an integer from 1 to 256');
  if (typeof SharedArrayBuffer === 'undefined' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    throw new SpikeworksError('runInWebWorkers: SharedArrayBuffer needs a cross-origin isolated page (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp, as spikeworks serve does)');
  }
  const { spec, recorderGids } = describeSource(source, builtinPlugins);
  const dt = spec.simulator.dt;
  const total = Math.round(((spec.run?.presimtime ?? 0) + (spec.run?.simtime ?? 0)) / dt);
  const buffers = createSharedCommBuffers(n);
  const progress = new SharedArrayBuffer(4);
  // The Web Worker API is typed here by hand: the engine compiles without the DOM's types.
  const WorkerCtor = (globalThis as unknown as { Worker?: new (url: string | URL, o: { type: 'module' }) => WebWorker }).Worker;
  if (!WorkerCtor) throw new SpikeworksError('runInWebWorkers: this context has no Web Workers (a browser page or worker has them)');
  const workers = Array.from({ length: n }, () => new WorkerCtor(options.rankUrl, { type: 'module' }));
  const timer = options.onProgress ? setInterval(() => options.onProgress!(Atomics.load(new Int32Array(progress), 0), total), 100) : null;
  try {
    const results = await Promise.all(
      workers.map(
        (w, rank) =>
          new Promise<RankResult>((ok, fail) => {
            w.onmessage = (ev) => {
              const m = ev.data as RankReply;
              if (m.type === 'spikes') options.onSpikes?.(m.senders, m.steps);
              else if (m.type === 'result') ok(m.result);
              else fail(Object.assign(new SpikeworksError(`rank ${rank} of ${n}: ${m.message}`), { aborted: m.aborted }));
            };
            w.onerror = (e) => {
              abortSharedComm(buffers);
              fail(new SpikeworksError(`rank ${rank} of ${n}: ${e.message || 'the worker failed to load'} (${String(options.rankUrl)})`));
            };
            w.postMessage({ rank, buffers, spec, progress, ...(options.spin !== undefined ? { spin: options.spin } : {}), ...(options.onSpikes ? { pieceMs: options.pieceMs ?? 50 } : {}) } satisfies RankJob);
          }),
      ),
    ).catch((e) => {
      abortSharedComm(buffers);
      throw e;
    });
    options.onProgress?.(total, total);
    const merged = mergeRankResults(results, (name) => builtinPlugins.find((p) => p.kind === 'recorder' && p.name === name) as never);
    const senders: number[] = [];
    const steps: number[] = [];
    for (const gid of recorderGids) {
      const rec = merged.recorders.find((r) => r.gid === gid);
      if (!rec) throw new SpikeworksError(`runInWebWorkers: spike recorder ${gid} was not gathered`);
      for (let i = 0; i < rec.senders.length; i++) {
        senders.push(rec.senders[i]);
        steps.push(rec.steps[i]);
      }
    }
    const simTime = Math.max(...results.map((r) => r.simTime));
    return {
      spike_digest: digestOf(senders, steps),
      spike_count: senders.length,
      sim_time_s: simTime,
      build_time_s: Math.max(...results.map((r) => r.buildTime)),
      real_time_factor: simTime / (total * dt * 1e-3),
      workers: n,
      merged,
    };
  } finally {
    if (timer) clearInterval(timer);
    for (const w of workers) w.terminate();
  }
}
