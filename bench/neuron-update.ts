/**
 * Neuron update throughput per model and integrator: `npx tsx bench/neuron-update.ts [--n 100000] [--ms 1000]
 * [--slow-ms 100] [--only name,name] [--quick]`. Each case builds one population through the public API, feeds it a fixed
 * pattern of excitatory and inhibitory input (64 pre-drawn ring rows, cycled, so no random numbers are
 * drawn while timing) plus a constant current, and times `group.update` alone: the figure is neuron
 * updates per second, the kernel's ring clearing and spike propagation excluded.
 */
import { pathToFileURL } from 'node:url';
import { createSimulator, CoreComponents } from '../index.js';
import { RingBuffer } from '../core/ringbuffer.js';

export interface NeuronBenchCase {
  model: string;
  integrator: string;
  params: Record<string, number>;
  /** Weight of one excitatory / inhibitory input event, in the model's units. */
  wEx: number;
  wIn: number;
  /** Adaptive-step (RKF45) cases: 10–50× slower per update, simulated for `slowSimTimeMs` instead. */
  slow?: boolean;
}

export interface NeuronBenchOptions {
  /** Neurons per population (default 10^5). */
  n?: number;
  /** Simulated time per case in ms (default 1000). */
  simTimeMs?: number;
  /** Simulated time of the RKF45 cases (default 100 ms: their 10^9 updates of 1 s would take minutes each). */
  slowSimTimeMs?: number;
  /** The `npm run bench -- --quick` size: 10^4 neurons, 100 ms (20 ms for RKF45 cases). */
  quick?: boolean;
  dt?: number;
  /** Probability per neuron and step of an excitatory / inhibitory input event (defaults 0.2 / 0.05). */
  pEx?: number;
  pIn?: number;
  /** Restrict to cases whose `model/integrator` contains one of these strings. */
  only?: string[];
  cases?: NeuronBenchCase[];
  onRow?: (row: NeuronBenchRow) => void;
}

export interface NeuronBenchRow {
  model: string;
  integrator: string;
  neurons: number;
  steps: number;
  /** Wall-clock seconds of the timed loop. */
  seconds: number;
  /** CPU seconds of this process during the loop: the fairer figure on a shared machine. */
  cpuSeconds: number;
  /** Neuron updates per wall-clock second (neurons × steps / seconds). */
  updatesPerSecond: number;
  /** Neuron updates per CPU second. */
  updatesPerCpuSecond: number;
  /** Mean firing rate during the run (Hz), to show the load was realistic. */
  rateHz: number;
}

export const defaultNeuronBenchCases: NeuronBenchCase[] = [
  { model: 'iaf_psc_alpha', integrator: 'exact', params: { I_e: 300 }, wEx: 60, wIn: -120 },
  { model: 'iaf_psc_exp', integrator: 'exact', params: { I_e: 300 }, wEx: 60, wIn: -120 },
  { model: 'iaf_psc_exp', integrator: 'euler-f32', params: { I_e: 300 }, wEx: 60, wIn: -120 },
  { model: 'iaf_psc_exp', integrator: 'exact-wasm-simd', params: { I_e: 300 }, wEx: 60, wIn: -120 },
  { model: 'iaf_psc_delta', integrator: 'exact', params: { I_e: 300 }, wEx: 0.5, wIn: -1 },
  { model: 'iaf_cond_exp', integrator: 'rkf45', params: { I_e: 200 }, wEx: 2, wIn: -4, slow: true },
  { model: 'iaf_cond_exp', integrator: 'euler-f32', params: { I_e: 200 }, wEx: 2, wIn: -4 },
  { model: 'iaf_cond_exp', integrator: 'euler-f32-wasm-simd', params: { I_e: 200 }, wEx: 2, wIn: -4 },
  { model: 'iaf_cond_alpha', integrator: 'rkf45', params: { I_e: 200 }, wEx: 2, wIn: -4, slow: true },
  // The generated kernels that the hand overrides above stand in for (test/plugins/neurons/overrides.test.ts).
  { model: 'iaf_psc_alpha', integrator: 'exact-generated', params: { I_e: 300 }, wEx: 60, wIn: -120 },
  { model: 'iaf_psc_exp', integrator: 'exact-generated', params: { I_e: 300 }, wEx: 60, wIn: -120 },
  { model: 'iaf_psc_delta', integrator: 'exact-generated', params: { I_e: 300 }, wEx: 0.5, wIn: -1 },
  { model: 'izhikevich', integrator: 'euler-generated', params: { I_e: 5 }, wEx: 1, wIn: -1 },
  { model: 'aeif_cond_exp', integrator: 'rkf45-generated', params: { I_e: 600 }, wEx: 2, wIn: -4, slow: true },
  { model: 'aeif_cond_exp', integrator: 'rkf45', params: { I_e: 600 }, wEx: 2, wIn: -4, slow: true },
  { model: 'izhikevich', integrator: 'euler', params: { I_e: 5 }, wEx: 1, wIn: -1 },
  { model: 'parrot_neuron', integrator: 'none', params: {}, wEx: 1, wIn: -1 },
  { model: 'IF_curr_exp', integrator: 'exact', params: { i_offset: 0.6 }, wEx: 0.06, wIn: -0.12 },
  { model: 'IF_curr_exp', integrator: 'euler-f32', params: { i_offset: 0.6 }, wEx: 0.06, wIn: -0.12 },
  { model: 'IF_curr_alpha', integrator: 'exact', params: { i_offset: 0.6 }, wEx: 0.06, wIn: -0.12 },
  { model: 'IF_cond_exp', integrator: 'rkf45', params: { i_offset: 0.6 }, wEx: 0.004, wIn: -0.01, slow: true },
  { model: 'IF_cond_exp', integrator: 'euler-f32', params: { i_offset: 0.6 }, wEx: 0.004, wIn: -0.01 },
  { model: 'EIF_cond_exp_isfa_ista', integrator: 'rkf45', params: { i_offset: 0.6 }, wEx: 0.002, wIn: -0.004, slow: true },
];

/** A small LCG: the input pattern only needs to be irregular and repeatable. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function benchNeuronUpdate(options: NeuronBenchOptions = {}): NeuronBenchRow[] {
  const quick = options.quick === true;
  const n = options.n ?? (quick ? 10_000 : 100_000);
  const dt = options.dt ?? 0.1;
  const fastSteps = Math.round((options.simTimeMs ?? (quick ? 100 : 1000)) / dt);
  const slowSteps = Math.round((options.slowSimTimeMs ?? (quick ? 20 : 100)) / dt);
  const pEx = options.pEx ?? 0.2;
  const pIn = options.pIn ?? 0.05;
  const slots = 64;
  const cases = (options.cases ?? defaultNeuronBenchCases).filter(
    (c) => !options.only || options.only.some((o) => `${c.model}/${c.integrator}`.includes(o)),
  );
  const rows: NeuronBenchRow[] = [];
  for (const c of cases) {
    const steps = c.slow ? slowSteps : fastSteps;
    const sim = createSimulator({ dt });
    const pop = sim.create(c.model, n, c.params, { integrator: c.integrator });
    sim.prepare();
    const group = sim.world.get(pop.eid, CoreComponents.kernel);
    const ring = new RingBuffer(n, slots);
    const rand = lcg(12345);
    for (let k = 0; k < n * slots; k++) {
      if (rand() < pEx) ring.ex[k] = c.wEx;
      if (rand() < pIn) ring.inh[k] = c.wIn;
    }
    const spikes = new Int32Array(n);
    let spikeCount = 0;
    // Warm-up so the timed loop runs optimised code (and the state leaves its initial transient).
    for (let s = 0; s < 200; s++) group.update(s, ring, (s % slots) * n, spikes);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) spikeCount += group.update(s, ring, (s % slots) * n, spikes);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const row: NeuronBenchRow = {
      model: c.model, integrator: c.integrator, neurons: n, steps, seconds, cpuSeconds,
      updatesPerSecond: (n * steps) / seconds,
      updatesPerCpuSecond: (n * steps) / cpuSeconds,
      rateHz: spikeCount / n / (steps * dt * 1e-3),
    };
    rows.push(row);
    options.onRow?.(row);
  }
  return rows;
}

export function formatNeuronBenchRow(r: NeuronBenchRow): string {
  return `${`${r.model} / ${r.integrator}`.padEnd(40)} ${(r.updatesPerSecond / 1e6).toFixed(2).padStart(8)} ${(r.updatesPerCpuSecond / 1e6).toFixed(2).padStart(8)} ${r.seconds.toFixed(2).padStart(8)} ${r.cpuSeconds.toFixed(2).padStart(8)} ${r.rateHz.toFixed(1).padStart(8)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const k = process.argv.indexOf(`--${name}`);
    return k >= 0 ? process.argv[k + 1] : undefined;
  };
  const n = arg('n') ? Number(arg('n')) : undefined;
  const simTimeMs = arg('ms') ? Number(arg('ms')) : undefined;
  const slowSimTimeMs = arg('slow-ms') ? Number(arg('slow-ms')) : undefined;
  const only = arg('only')?.split(',');
  const quick = process.argv.includes('--quick');
  console.log(`neuron updates per second: ${n ?? (quick ? 10000 : 100000)} neurons, ${simTimeMs ?? (quick ? 100 : 1000)} ms (RKF45 cases ${slowSimTimeMs ?? (quick ? 20 : 100)} ms) at dt 0.1 ms, node ${process.version}`);
  console.log(`${'model / integrator'.padEnd(40)} ${'M/s wall'.padStart(8)} ${'M/s cpu'.padStart(8)} ${'wall s'.padStart(8)} ${'cpu s'.padStart(8)} ${'rate Hz'.padStart(8)}`);
  benchNeuronUpdate({ n, simTimeMs, slowSimTimeMs, only, quick, onRow: (r) => console.log(formatNeuronBenchRow(r)) });
}
