/**
 * The measurements of `npm run bench`, one function per task. bench/run.ts runs each task in its own
 * child process (bench/task.ts) so that every figure starts from a fresh heap and the peak RSS is the task's own.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { createSimulator, kernelContext } from '../index.js';
import { RingBuffer } from '../core/ringbuffer.js';
import { resolveParams } from '../core/schema.js';
import { Simulator } from '../core/simulator.js';
import { builtinPlugins } from '../plugins/index.js';
import { presets } from '../presets/index.js';
import { resolvePresetParams } from '../presets/preset.js';
import { peakRssMiB } from '../analysis/memory.js';
import { measureFloors, cpuMs } from './floors.js';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));

// Micro-benchmarks below time CPU, not wall (see cpuMs); the network runs report both.
export type Row = Record<string, number | string | boolean | null>;

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

// ---------------------------------------------------------------- floors

export function floorsTask(opts: { quick: boolean }): Row {
  return { ...measureFloors(opts.quick) };
}

// ---------------------------------------------------------------- neuron update

/**
 * Updates per second of every neuron model and integrator the registry holds, without input (the pure
 * integration cost), n neurons per group. Bytes touched per neuron are estimated from the group's state
 * arrays (read + write) plus the three ring-buffer channels (read + clear).
 */
export function neuronUpdateTask(opts: { quick: boolean }): Row[] {
  const sim = createSimulator();
  const reg = sim.registry;
  const n = opts.quick ? 2000 : 10000;
  const maxSteps = opts.quick ? 1000 : 5000;
  const budgetMs = opts.quick ? 10 : 150;
  const reps = opts.quick ? 2 : 3;
  const rows: Row[] = [];
  for (const model of reg.all('neuron')) {
    for (const name of reg.integratorsOf(model)) {
      const scheme = reg.scheme(model, name)!.scheme;
      let params;
      try {
        params = resolveParams(model.name, model.params, {});
      } catch (e) {
        rows.push({ model: model.name, integrator: name, error: String(e) });
        continue;
      }
      const context = kernelContext(model, scheme, { n, params, dt: 0.1, firstGid: 1, seed: 1 });
      const group = scheme.create(context);
      // The ring the simulator would give it: the kernel's own where it has one (read in place).
      const ring = (group.capabilities?.ownRing?.(16) ?? new RingBuffer(n, 16)) as RingBuffer;
      const spikes = new Int32Array(n);
      // Every per-neuron array the state component holds: the model's variables and the scheme's own.
      let stateBytes = 0;
      for (const arr of Object.values(context.state)) stateBytes += arr.BYTES_PER_ELEMENT;
      const bytes = 2 * stateBytes + 2 * 3 * 8;
      const times: number[] = [];
      // Per-step updates; the slice kernels (the slice capability) are measured in the network rows.
      // Warm-up, and a step count that gives each repetition about `budgetMs` of CPU (RKF45 models are 100× slower).
      const w0 = cpuMs();
      for (let s = 0; s < 5; s++) group.update(s, ring, ring.offset(s), spikes);
      const probe = Math.max(5, Math.min(200, Math.round(budgetMs / Math.max(1e-4, (cpuMs() - w0) / 5))));
      const w1 = cpuMs();
      for (let s = 0; s < probe; s++) group.update(s, ring, ring.offset(s), spikes);
      const msPerStep = Math.max(1e-4, (cpuMs() - w1) / probe);
      const steps = Math.max(20, Math.min(maxSteps, Math.round(budgetMs / msPerStep)));
      for (let s = 0; s < steps; s++) group.update(s, ring, ring.offset(s), spikes);
      for (let r = 0; r < reps; r++) {
        const t0 = cpuMs();
        for (let s = 0; s < steps; s++) {
          const off = ring.offset(s);
          group.update(s, ring, off, spikes);
          if (!ring.readerClears) ring.clear(off);
        }
        times.push((cpuMs() - t0) / 1000);
      }
      const ns = times.map((t) => (t * 1e9) / (n * steps));
      rows.push({ model: model.name, integrator: name, n, steps, ns_per_update: JSON.stringify(ns), est_bytes_per_neuron: bytes });
    }
  }
  return rows;
}

// ---------------------------------------------------------------- propagation

/**
 * Synaptic events delivered per second: hpc_benchmark's row length (11250 targets per source, sorted) from
 * 400-1000 sources, for a homogeneous-weight static table, a per-synapse-weight static table, and every
 * plastic synapse model in the registry (pre-spike path; post spikes of 1 % of the targets every step go
 * through onPostSpikes and are timed apart). Build time and bytes per synapse of each table come along.
 */
export function propagationTask(opts: { quick: boolean }): Row[] {
  const nTarget = 11250;
  const nSource = opts.quick ? 300 : 1000;
  const spikesPerRep = opts.quick ? 400 : 3000;
  const reps = opts.quick ? 2 : 5;
  const sim = createSimulator({ seed: 5 });
  const src = sim.create('iaf_psc_exp', nSource);
  const tgt = sim.create('iaf_psc_exp', nTarget);
  // A group that delivers homogeneous static tables itself: WebAssembly scatter into its float32 ring.
  const tgtWasm = sim.create('iaf_cond_exp', nTarget, {}, { integrator: 'euler-f32x4-wasm-simd' });
  const conn = { rule: 'fixed_indegree', indegree: nSource };
  const cases: { name: string; syn: Record<string, unknown>; target?: typeof tgt; build_s?: number; error?: string }[] = [
    { name: 'static_synapse, homogeneous weight', syn: { synapse_model: 'static_synapse', weight: 1, delay: 1.5 } },
    { name: 'static_synapse, weight per synapse', syn: { synapse_model: 'static_synapse', weight: { distribution: 'normal', mean: 1, std: 0.1 }, delay: 1.5 } },
    {
      name: 'static_synapse, homogeneous weight, WebAssembly scatter (f32x4 group, float32 ring)',
      syn: { synapse_model: 'static_synapse', weight: 1, delay: 1.5 },
      target: tgtWasm,
    },
  ];
  // A rule that needs a volume transmitter (stdp_dopamine_synapse) gets one, without dopamine spikes.
  let vt: { gid: number } | undefined;
  for (const m of sim.registry.all('synapse')) {
    if (!m.plastic) continue;
    const needsVt = 'vt' in (m.params ?? {});
    if (needsVt) vt ??= sim.create('volume_transmitter', 1);
    cases.push({ name: m.name, syn: { synapse_model: m.name, weight: 1, delay: 1.5, ...(needsVt ? { vt: vt!.gid } : {}) } });
  }
  const projections = [];
  for (const c of cases) {
    const t0 = cpuMs();
    try {
      projections.push({ c, proj: sim.connect(src, c.target ?? tgt, conn, c.syn) });
      c.build_s = (cpuMs() - t0) / 1000;
    } catch (e) {
      c.error = e instanceof Error ? e.message : String(e);
    }
  }
  sim.prepare();
  const rows: Row[] = [];
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const postSpikes = new Int32Array(Math.ceil(nTarget / 100));
  for (const { c, proj } of projections) {
    const rt = proj!.runtime!;
    const t = proj!.table;
    // Plastic rows cost 30-60× a static row: fewer spikes keep each rule's measurement to a second or two.
    const spikes = rt.onPostSpikes ? Math.max(50, spikesPerRep >> 4) : spikesPerRep;
    const nsPerEvent: number[] = [];
    const postNs: number[] = [];
    let step = 100;
    for (let r = 0; r <= reps; r++) {
      let events = 0;
      const t0 = cpuMs();
      for (let k = 0; k < spikes; k++) {
        const s = rand() % nSource;
        events += t.rowStart[s + 1] - t.rowStart[s];
        rt.deliver(s, step);
        if ((k & 3) === 3) step++;
      }
      const dt = cpuMs() - t0;
      let postTime = 0;
      if (rt.onPostSpikes) {
        const tp = cpuMs();
        for (let k = 0; k < 200; k++) {
          for (let i = 0; i < postSpikes.length; i++) postSpikes[i] = (i * 100 + (rand() % 100)) % nTarget;
          rt.onPostSpikes(postSpikes, postSpikes.length, step);
          step++;
        }
        postTime = cpuMs() - tp;
      }
      if (r === 0) continue; // warm-up
      nsPerEvent.push((dt * 1e6) / events);
      if (rt.onPostSpikes) postNs.push((postTime * 1e6) / (200 * postSpikes.length));
    }
    rows.push({
      synapse: c.name,
      synapses: t.count,
      targets_per_row: t.count / nSource,
      ns_per_event: JSON.stringify(nsPerEvent),
      ns_per_post_spike: rt.onPostSpikes ? JSON.stringify(postNs) : null,
      bytes_per_synapse: rt.bytesPerSynapse(),
      build_s_per_1e6: ((c.build_s ?? NaN) * 1e6) / t.count,
    });
  }
  for (const c of cases) if (c.error) rows.push({ synapse: c.name, error: c.error });
  rows.push(shortRows(opts.quick));
  return rows;
}

/**
 * va-coba's row length (80 targets of 4000): here the per-spike overhead (finding the row, choosing the
 * kernel, the ring row) weighs as much as the scatter itself.
 */
function shortRows(quick: boolean): Row {
  const sim = createSimulator({ seed: 6 });
  const pop = sim.create('iaf_psc_exp', 4000);
  const proj = sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: 80 }, { weight: 1, delay: 0.8 })!;
  sim.prepare();
  const rt = proj.runtime!;
  const t = proj.table;
  const spikes = quick ? 100_000 : 1_000_000;
  const ns: number[] = [];
  let step = 0;
  for (let r = 0; r <= (quick ? 2 : 5); r++) {
    let events = 0;
    const t0 = cpuMs();
    for (let k = 0; k < spikes; k++) {
      const s = (k * 2654435761) % 4000;
      events += t.rowStart[s + 1] - t.rowStart[s];
      rt.deliver(s, step);
      if ((k & 7) === 7) step++;
    }
    if (r > 0) ns.push(((cpuMs() - t0) * 1e6) / events);
  }
  return {
    synapse: 'static_synapse, homogeneous weight, 80 targets per row (va-coba)',
    synapses: t.count,
    targets_per_row: t.count / 4000,
    ns_per_event: JSON.stringify(ns),
    ns_per_post_spike: null,
    bytes_per_synapse: rt.bytesPerSynapse(),
    build_s_per_1e6: (sim.buildEdgeTime * 1e6) / t.count,
  };
}

// ---------------------------------------------------------------- presets

export const PRESETS_WANTED = ['va-coba', 'va-cuba', 'cuba-static', 'cuba-stdp', 'hpc-benchmark', 'zenke-25k', 'zenke-25k-static'] as const;

export function presetNames(): string[] {
  return presets.map((p) => p.name);
}

/**
 * Build and simulate one preset; wall and CPU time of the simulation part alone (the preset's own
 * simulate, e.g. presim + sim for hpc-benchmark), build time, bytes per synapse, rates and peak RSS.
 */
export function presetTask(opts: { name: string; overrides: Record<string, unknown>; integrators?: Record<string, [string, string]> }): Row {
  const preset = presets.find((p) => p.name === opts.name);
  if (!preset) return { preset: opts.name, error: 'preset missing' };
  const p = resolvePresetParams(preset, opts.overrides);
  const sim = new Simulator({ plugins: builtinPlugins, dt: p.dt as number, seed: p.seed as number });
  if (opts.integrators) swapIntegrators(sim, opts.integrators);
  const tb = performance.now();
  const net = preset.build(sim, p);
  sim.prepare();
  const buildS = (performance.now() - tb) / 1000;
  const rssAfterBuild = peakRssMiB();
  // As runPreset: a preset with `presimtime` presimulates first (timed apart, not in the real-time factor).
  const presim = typeof p.presimtime === 'number' ? p.presimtime : 0;
  let presimWall = 0;
  let before: Float64Array = new Float64Array(sim.populations.length);
  if (presim > 0) {
    const tp = performance.now();
    sim.simulate(presim);
    presimWall = (performance.now() - tp) / 1000;
    before = sim.spikeCounts();
  }
  const startStep = sim.currentStep;
  const c0 = cpuSeconds();
  const w0 = performance.now();
  sim.simulate(p.simtime as number);
  const wall = (performance.now() - w0) / 1000;
  const cpu = cpuSeconds() - c0;
  const simulatedS = (sim.currentStep - startStep) * sim.dt * 1e-3;
  const counts = sim.spikeCounts().map((c, i) => c - before[i]);
  let neurons = 0;
  let spikes = 0;
  for (const pop of sim.populations) {
    neurons += pop.size;
    spikes += counts[pop.id];
  }
  const row: Row = {
    preset: opts.name,
    overrides: JSON.stringify(opts.overrides),
    neurons,
    synapses: sim.synapseCount(),
    bytes_per_synapse: sim.bytesPerSynapse(),
    build_s: buildS,
    build_edge_s: sim.buildEdgeTime,
    simulated_s: simulatedS,
    presim_wall_s: presimWall,
    wall_s: wall,
    cpu_s: cpu,
    rtf_wall: wall / simulatedS,
    rtf_cpu: cpu / simulatedS,
    update_s: sim.times.update,
    propagate_s: sim.times.propagate,
    rate_e_hz: counts[net.E.id] / net.E.size / simulatedS,
    rate_i_hz: counts[net.I.id] / net.I.size / simulatedS,
    rate_all_hz: spikes / neurons / simulatedS,
    peak_rss_mib_after_build: rssAfterBuild,
    peak_rss_mib: peakRssMiB(),
  };
  sim.close();
  return row;
}

/**
 * Run a preset with another integrator for a model without touching the preset: `{ model: [from, to] }`
 * replaces integrator `from` (the model's default when the preset names none) by `to` in every create;
 * `{ model: to }` replaces whatever the preset chose.
 */
export function swapIntegrators(sim: Simulator, swaps: Record<string, [string, string] | string>): void {
  const create = sim.create.bind(sim) as (model: string, n?: number, params?: Record<string, unknown>, options?: Record<string, unknown>) => unknown;
  (sim as unknown as { create: typeof create }).create = (model, n, params, options = {}) => {
    const swap = swaps[model];
    if (typeof swap === 'string') options = { ...options, integrator: swap };
    else if (swap) {
      const current = (options.integrator as string | undefined) ?? sim.registry.get('neuron', model).defaultIntegrator;
      if (current === swap[0]) options = { ...options, integrator: swap[1] };
    }
    return create(model, n, params, options);
  };
}

// ---------------------------------------------------------------- the other helpers' scripts

/** The standalone scripts other parts of the project contribute, and how the runner calls them. */
export const HELPER_SCRIPTS: { file: string; what: string; exports: string[]; args: (quick: boolean) => unknown[] }[] = [
  { file: 'neuron-update.ts', what: 'neuron updates/s per model and integrator (models)', exports: ['benchNeuronUpdate', 'neuronUpdate', 'run', 'default'], args: (quick) => [quick ? { quick: true, n: 2000 } : { n: 20000 }] },
  { file: 'plasticity.ts', what: 'STDP cost per rule (plasticity)', exports: ['benchPlasticity', 'plasticity', 'run', 'default'], args: (quick) => [quick ? { scale: 0.1, simtime: 100 } : {}] },
  { file: 'build-scale.ts', what: 'hpc-scale build time, bytes, RSS (connectivity)', exports: ['buildScale', 'run', 'default'], args: (quick) => [quick ? 0.05 : 1] },
  { file: 'scaling.ts', what: 'worker speed-up (backends)', exports: ['scaling', 'benchScaling', 'run', 'default'], args: (quick) => [{ quick }] },
  { file: 'browser.ts', what: 'va-coba in Chromium vs Node, 1 vs 2 Web Workers (browser)', exports: ['browserBench'], args: (quick) => [{ quick }] },
];

export async function helperTask(opts: { file: string; quick: boolean }): Promise<Row[]> {
  const spec = HELPER_SCRIPTS.find((h) => h.file === opts.file)!;
  const file = path.join(benchDir, spec.file);
  if (!existsSync(file)) return [{ script: spec.file, error: 'script missing (not on main yet)' }];
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  let fn = spec.exports.map((e) => mod[e]).find((f) => typeof f === 'function') as ((...a: unknown[]) => unknown) | undefined;
  fn ??= Object.values(mod).find((f) => typeof f === 'function') as ((...a: unknown[]) => unknown) | undefined;
  if (!fn) return [{ script: spec.file, error: `exports no function (${Object.keys(mod).join(', ')})` }];
  const out = await fn(...spec.args(opts.quick));
  const rows = Array.isArray(out) ? out : [out];
  return rows.map((r) => {
    const row: Row = { script: spec.file };
    for (const [k, v] of Object.entries(r as Record<string, unknown>)) {
      row[k] = typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null ? v : JSON.stringify(v);
    }
    return row;
  });
}
