/**
 * The cost of plasticity on Brette et al.'s CUBA network (seed 002): the same network with static E→E
 * synapses, with E→E stdp_synapse and NEST's dendritic delay, and with Auryn's axonal delay. Prints wall
 * time per simulated second, bytes per synapse (all projections, and the E→E one) and the STDP/static
 * ratio; Zenke & Gerstner (2014, seed 003) report ≈ 2.5× for Auryn and ≈ 3.5× for NEST.
 *
 *   npx tsx bench/plasticity.ts [--scale 0.25] [--simtime 500] [--seed 1] [--repeat 1]
 *
 * With --kernels it times the plastic kernels alone instead (benchKernels: ns per synapse event):
 *
 *   npx tsx bench/plasticity.ts --kernels [--n 2000] [--rate 12.7] [--steps 3000]
 *
 * (the last two kernel rows are rules on the general trace path).
 */
import { pathToFileURL } from 'node:url';
import { resolvePresetParams, cubaStatic, cubaStdp, type Preset } from '../presets/index.js';
import { builtinPlugins } from '../plugins/index.js';
import { Simulator } from '../core/simulator.js';
import type { ProjectionInfo, SynapseModel, SynapseRuntime, SynapseTable } from '../core/plugin.js';
import { RingBuffer } from '../core/ringbuffer.js';
import { resolveParams } from '../core/schema.js';
import { stdpSynapse, stdpPlSynapseHom, stdpTripletSynapse, tripletAuryn, plasticSynapse, stdpMechanism, gutig, additive, type TimingDependence, type TraceSpec } from '../plugins/synapses/index.js';

/**
 * Two rules on the general trace path (plasticity/general.ts), for its cost next to the slot kernels: a pair
 * rule × Gütig forced onto it (traces x, y; stdp_synapse's defaults, mu 1), and potentiation on two timescales (pre traces of 10 and 50 ms
 * both read at post spikes, y read at pre spikes) × additive, which only that path runs.
 */
function generalTiming(twoPre: boolean): TimingDependence {
  const ms = (d: number) => ({ unit: 'ms', default: d, min: 0, exclusiveMin: true, doc: 'time constant' });
  const amp = { unit: '', default: 0.01, min: 0, doc: 'amplitude' };
  return {
    name: twoPre ? 'twoTimescaleBench' : 'pairGeneralBench',
    params: { tau_plus: ms(20), tau_slow: ms(50), A_plus: amp, A_slow: amp, A_minus: amp },
    ltpNeedsPre: true,
    build(p, target) {
      const traces: TraceSpec[] = [
        { name: 'x', side: 'pre', tau: p.tau_plus, readAt: 'post' },
        { name: 'y', side: 'post', tau: target.tau_minus, readAt: 'pre' },
        ...(twoPre ? [{ name: 'x_slow', side: 'pre', tau: p.tau_slow, readAt: 'post', increment: 0.5 } as const] : []),
      ];
      return {
        relative: !twoPre, traces, ltpTerms: twoPre ? 2 : 1, ltdTerms: 1,
        ltpAmpAt: (_v: Float64Array, i: number) => (i === 0 ? p.A_plus : p.A_slow),
        ltpTraceAt: (v: Float64Array, i: number) => (i === 0 ? v[0] : v[2]),
        ltdAmpAt: () => p.A_minus,
        ltdTraceAt: (v: Float64Array) => v[1],
      };
    },
  };
}
const pairGutigGeneral = plasticSynapse(stdpMechanism({ name: 'pair_gutig_general', timing: generalTiming(false), weight: gutig(), tracePath: 'general' }));
const twoTimescaleGeneral = plasticSynapse(stdpMechanism({ name: 'two_timescale_general', timing: generalTiming(true), weight: additive() }));

export interface PlasticityBenchRow {
  variant: 'static' | 'stdp-dendritic' | 'stdp-axonal';
  scale: number;
  simtime_ms: number;
  neurons: number;
  synapses: number;
  build_s: number;
  sim_s: number;
  /** Wall seconds per simulated second (the best of `repeat` runs). */
  wall_per_sim_s: number;
  /** CPU seconds (user + system) of this process per simulated second: less sensitive to shared cores. */
  cpu_per_sim_s: number;
  propagate_s: number;
  update_s: number;
  bytes_per_synapse: number;
  ee_bytes_per_synapse: number;
  rate_e_hz: number;
  /** wall_per_sim_s / the static run's. */
  ratio_vs_static: number;
  /** cpu_per_sim_s / the static run's. */
  cpu_ratio_vs_static: number;
}

export interface PlasticityBenchOptions {
  /** Smaller defaults for `npm run bench -- --quick`: scale 0.1, 200 ms. */
  quick?: boolean;
  scale?: number;
  simtime?: number;
  seed?: number;
  repeat?: number;
}

/** Run the three variants and return one row each (static first). */
export function benchPlasticity(opts: PlasticityBenchOptions = {}): PlasticityBenchRow[] {
  const scale = opts.scale ?? (opts.quick ? 0.1 : 0.25);
  const simtime = opts.simtime ?? (opts.quick ? 200 : 500);
  const seed = opts.seed ?? 1;
  const repeat = Math.max(1, opts.repeat ?? 1);
  const variants: [PlasticityBenchRow['variant'], Preset, Record<string, unknown>][] = [
    ['static', cubaStatic, {}],
    ['stdp-dendritic', cubaStdp, { delay_handler: 'dendritic' }],
    ['stdp-axonal', cubaStdp, { delay_handler: 'axonal' }],
  ];
  const rows: PlasticityBenchRow[] = [];
  for (const [variant, preset, extra] of variants) {
    let best: PlasticityBenchRow | null = null;
    for (let r = 0; r < repeat; r++) {
      const p = resolvePresetParams(preset, { scale, simtime, seed, ...extra });
      const sim = new Simulator({ plugins: builtinPlugins, dt: p.dt as number, seed: p.seed as number });
      const tb = performance.now();
      const net = preset.build(sim, p);
      sim.prepare();
      const build = (performance.now() - tb) / 1000;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      sim.simulate(simtime);
      const wall = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1e6;
      const simSeconds = simtime / 1000;
      const counts = sim.spikeCounts();
      let neurons = 0;
      for (const pop of sim.populations) neurons += pop.size;
      const ee = sim.projections.find((pr) => pr.source === net.E && pr.target === net.E)!;
      const r3 = (x: number) => Math.round(x * 1000) / 1000;
      const row: PlasticityBenchRow = {
        variant,
        scale,
        simtime_ms: simtime,
        neurons,
        synapses: sim.synapseCount(),
        build_s: r3(build),
        sim_s: r3(wall),
        wall_per_sim_s: r3(wall / simSeconds),
        cpu_per_sim_s: r3(cpu / simSeconds),
        propagate_s: r3(sim.times.propagate),
        update_s: r3(sim.times.update),
        bytes_per_synapse: r3(sim.bytesPerSynapse()),
        ee_bytes_per_synapse: ee.bytesPerSynapse(),
        rate_e_hz: r3(counts[net.E.id] / net.E.size / simSeconds),
        ratio_vs_static: 0,
        cpu_ratio_vs_static: 0,
      };
      if (!best || row.wall_per_sim_s < best.wall_per_sim_s) best = row;
    }
    rows.push(best!);
  }
  const base = rows[0].wall_per_sim_s;
  const cpuBase = rows[0].cpu_per_sim_s;
  for (const r of rows) {
    r.ratio_vs_static = base > 0 ? Math.round((r.wall_per_sim_s / base) * 100) / 100 : 0;
    r.cpu_ratio_vs_static = cpuBase > 0 ? Math.round((r.cpu_per_sim_s / cpuBase) * 100) / 100 : 0;
  }
  return rows;
}

export interface KernelBenchRow {
  model: string;
  handler: 'dendritic' | 'axonal';
  /** Presynaptic spikes times row length. */
  synapse_events: number;
  /** CPU nanoseconds per synapse event (deliveries and postsynaptic updates together). */
  cpu_ns_per_event: number;
}

/** The kernel benches' uniform numbers in [0, 1): a fixed linear congruential sequence. */
export function kernelRandom(seed = 12345): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Rows of a source-major table: each of nSource sources reaches each of nTarget targets with probability p. */
export function bernoulliRows(nSource: number, nTarget: number, p: number, rnd: () => number): { rowStart: Uint32Array; targets: number[] } {
  const rowStart = new Uint32Array(nSource + 1);
  const targets: number[] = [];
  for (let s = 0; s < nSource; s++) {
    for (let j = 0; j < nTarget; j++) if (rnd() < p) targets.push(j);
    rowStart[s + 1] = targets.length;
  }
  return { rowStart, targets };
}

/**
 * One excitatory projection's runtime outside a simulator, on a hand-made table (one weight, one delay in
 * steps) writing into `ring`: what the kernel benches time.
 */
export function kernelProjection(o: {
  name: string; model: SynapseModel; params: Record<string, unknown>; handler: 'dendritic' | 'axonal';
  rowStart: Uint32Array; target: Uint16Array | Uint32Array; weight: number; delaySteps: number; ring: RingBuffer;
  targetParams: Record<string, number>;
}): SynapseRuntime {
  const n = o.ring.n;
  const table = {
    rowStart: o.rowStart, target: o.target, weight: new Float32Array(o.target.length).fill(o.weight), homWeight: o.weight,
    delay: null, homDelay: o.delaySteps, count: o.target.length, sourceCount: o.rowStart.length - 1, sign: 'ex',
  } as unknown as SynapseTable;
  const info = {
    id: 0, source: { id: 0 }, target: { id: 1, localCount: n, params: o.targetParams }, table,
    params: resolveParams(o.name, o.model.params, o.params), options: { delay_handler: o.handler }, dt: 0.1, seed: 1,
    targetParams: o.targetParams, targetKernel: { update: () => 0 }, targetRing: o.ring,
  } as unknown as ProjectionInfo;
  return o.model.create(info) as SynapseRuntime;
}

/**
 * The plastic kernels alone, on one synthetic hpc-benchmark-like projection: `n` sources and targets,
 * every source connected to 80 % of the targets, one delay of 1.5 ms, independent Poisson pre and post
 * spikes at `rate` Hz, 0.1 ms steps, spikes delivered per slice of the delay as the simulator does.
 * Reports CPU ns per synapse event, the figure to compare with a static scatter (≈ 3 ns).
 */
export function benchKernels(opts: { n?: number; rate?: number; steps?: number } = {}): KernelBenchRow[] {
  const n = opts.n ?? 2000;
  const rate = opts.rate ?? 12.7;
  const steps = opts.steps ?? 3000;
  const d = 15;
  const rnd = kernelRandom();
  const { rowStart, targets } = bernoulliRows(n, n, 0.8, rnd);
  const target = Uint32Array.from(targets);
  const p = rate * 1e-4;
  const pre: [number, number][][] = [];
  const post: Int32Array[] = [];
  for (let step = 0; step < steps; step++) {
    const ps: [number, number][] = [];
    for (let s = 0; s < n; s++) if (rnd() < p) ps.push([s, step]);
    pre.push(ps);
    const qs: number[] = [];
    for (let j = 0; j < n; j++) if (rnd() < p) qs.push(j);
    post.push(Int32Array.from(qs));
  }
  const cases: [string, SynapseModel, Record<string, unknown>, 'dendritic' | 'axonal'][] = [
    ['stdp_synapse', stdpSynapse, { Wmax: 100 }, 'dendritic'],
    ['stdp_synapse', stdpSynapse, { Wmax: 100 }, 'axonal'],
    ['stdp_pl_synapse_hom', stdpPlSynapseHom, { lambda: 0.1, alpha: 0.0513, mu: 0.4, tau_plus: 15 }, 'dendritic'],
    ['stdp_pl_synapse_hom', stdpPlSynapseHom, { lambda: 0.1, alpha: 0.0513, mu: 0.4, tau_plus: 15 }, 'axonal'],
    ['stdp_triplet_synapse', stdpTripletSynapse, { Wmax: 100 }, 'dendritic'],
    ['triplet_auryn', tripletAuryn, { Wmax: 100 }, 'axonal'],
    // After the built-in rows, so that those run as before.
    ['pair_gutig_general', pairGutigGeneral, { A_plus: 0.01, A_minus: 0.01, w_max: 100, mu_plus: 1, mu_minus: 1 }, 'dendritic'],
    ['two_timescale_general', twoTimescaleGeneral, { A_plus: 0.1, A_slow: 0.05, A_minus: 0.1, w_max: 100 }, 'dendritic'],
  ];
  const rows: KernelBenchRow[] = [];
  for (const [name, model, params, handler] of cases) {
    const ring = new RingBuffer(n, 2 * d + 2);
    const rt = kernelProjection({
      name, model, params, handler, rowStart, target, weight: 45, delaySteps: d, ring,
      targetParams: { tau_minus: 30, tau_minus_triplet: 110 },
    });
    let events = 0;
    const c0 = process.cpuUsage();
    for (let step = 0; step < steps; step++) {
      rt.onPostSpikes?.(post[step], post[step].length, step);
      if ((step + 1) % d === 0) {
        for (let t = step + 1 - d; t <= step; t++) {
          for (const [s, ts] of pre[t]) {
            rt.deliver(s, ts);
            events += rowStart[s + 1] - rowStart[s];
          }
        }
      }
      ring.clear(ring.offset(step + 1));
    }
    const c = process.cpuUsage(c0);
    rows.push({ model: name, handler, synapse_events: events, cpu_ns_per_event: Math.round(((c.user + c.system) * 1000 / events) * 10) / 10 });
  }
  return rows;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number, got ${process.argv[i + 1]}`);
  return v;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--kernels')) {
  const opts = { n: arg('n', 2000), rate: arg('rate', 12.7), steps: arg('steps', 3000) };
  console.log(`plastic kernels alone: ${opts.n} sources x 80 % of ${opts.n} targets, delay 1.5 ms, Poisson ${opts.rate} Hz pre and post, ${opts.steps} steps; CPU time, noisy on shared cores`);
  console.table(benchKernels(opts));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const opts = { scale: arg('scale', 0.25), simtime: arg('simtime', 500), seed: arg('seed', 1), repeat: arg('repeat', 1) };
  console.log(`CUBA (seed 002) at scale ${opts.scale}, ${opts.simtime} ms, best of ${opts.repeat}; timings are noisy on shared cores`);
  const rows = benchPlasticity(opts);
  console.table(rows.map((r) => ({
    variant: r.variant,
    neurons: r.neurons,
    synapses: r.synapses,
    'wall s / sim s': r.wall_per_sim_s,
    'cpu s / sim s': r.cpu_per_sim_s,
    'propagate s': r.propagate_s,
    'update s': r.update_s,
    'B/syn (all)': r.bytes_per_synapse,
    'B/syn (E→E)': r.ee_bytes_per_synapse,
    'rate E (Hz)': r.rate_e_hz,
    'vs static (wall)': r.ratio_vs_static,
    'vs static (cpu)': r.cpu_ratio_vs_static,
  })));
  console.log('Zenke & Gerstner 2014: STDP costs Auryn ≈ 2.5× and NEST ≈ 3.5× the static run.');
}
