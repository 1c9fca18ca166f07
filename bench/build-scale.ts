/**
 * Builds hpc_benchmark-scale connectivity (seed 000): scale·11250 neurons (9000·scale E + 2250·scale I),
 * every neuron with fixed indegree 9000 from E and 2250 from I (no autapses, multapses allowed), static
 * synapses with homogeneous weight and delay (1.5 ms). Prints build time, bytes per synapse and peak RSS.
 *
 *   npx tsx bench/build-scale.ts [scale] [plastic]
 *   /usr/bin/time -v npx tsx bench/build-scale.ts 1
 *
 * With `plastic`, E→E uses stdp_pl_synapse_hom as hpc_benchmark does (per-synapse weights and plasticity
 * state on 10^8 synapses at scale 1); the default is the static network the storage target is stated for.
 */
import { pathToFileURL } from 'node:url';
import { createSimulator } from '../index.js';

export interface BuildScaleFigures {
  scale: number;
  plasticEE: boolean;
  neuronModel: string;
  neurons: number;
  synapses: number;
  /** Seconds of wall time for create + connect (NEST's build_time_nodes + build_edge_time). */
  buildTimeNodes: number;
  buildEdgeTime: number;
  buildWall: number;
  /** CPU seconds (user + system) of the build: a steadier figure than wall time on a shared machine. */
  buildCpu: number;
  /** Seconds of Simulator.prepare() (synapse runtimes, ring buffers), after which bytes and RSS are taken. */
  prepareWall: number;
  bytesPerSynapse: number;
  /** Peak resident set size of this process so far, bytes (getrusage ru_maxrss). */
  peakRss: number;
  rssAfterBuild: number;
}

/** Build the network and return the figures (the bench runner calls this). */
export function buildScale(scale = 1, seed = 12345, options: { plasticEE?: boolean } = {}): BuildScaleFigures {
  const plasticEE = options.plasticEE ?? false;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const sim = createSimulator({ seed, dt: 0.1 });
  const model = sim.registry.all('neuron').some((m) => m.name === 'iaf_psc_alpha') ? 'iaf_psc_alpha' : 'iaf_psc_exp';
  const NE = Math.round(9000 * scale);
  const NI = Math.round(2250 * scale);
  const CE = 9000;
  const CI = 2250;
  const JE = 87.81; // pA: hpc_benchmark's 0.14 mV converted for tau_syn 0.3258 ms
  const g = 5;
  const E = sim.create(model, NE);
  const I = sim.create(model, NI);
  const exc = { rule: 'fixed_indegree', indegree: CE, allow_autapses: false, allow_multapses: true };
  const inh = { rule: 'fixed_indegree', indegree: CI, allow_autapses: false, allow_multapses: true };
  for (const post of [E, I]) {
    const eSyn = plasticEE && post === E
      ? { synapse_model: 'stdp_pl_synapse_hom', weight: JE, delay: 1.5, alpha: 0.0513, lambda: 0.1, mu: 0.4, tau_plus: 15 }
      : { synapse_model: 'static_synapse', weight: JE, delay: 1.5 };
    sim.connect(E, post, exc, eSyn);
    sim.connect(I, post, inh, { synapse_model: 'static_synapse', weight: -g * JE, delay: 1.5 });
  }
  const buildWall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const t1 = performance.now();
  sim.prepare();
  const prepareWall = (performance.now() - t1) / 1000;
  const figures: BuildScaleFigures = {
    scale,
    plasticEE,
    neuronModel: model,
    neurons: NE + NI,
    synapses: sim.synapseCount(),
    buildTimeNodes: sim.buildTimeNodes,
    buildEdgeTime: sim.buildEdgeTime,
    buildWall,
    buildCpu: (cpu.user + cpu.system) / 1e6,
    prepareWall,
    bytesPerSynapse: sim.bytesPerSynapse(),
    peakRss: process.resourceUsage().maxRSS * 1024,
    rssAfterBuild: process.memoryUsage().rss,
  };
  sim.close();
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scale = Number(process.argv[2] ?? 1);
  const f = buildScale(scale, 12345, { plasticEE: process.argv[3] === 'plastic' });
  const gib = (b: number) => (b / 2 ** 30).toFixed(3);
  console.log(`hpc_benchmark connectivity, scale ${f.scale}${f.plasticEE ? ' (E→E stdp_pl_synapse_hom)' : ' (static)'}: ${f.neurons} ${f.neuronModel} neurons, ${f.synapses} synapses`);
  console.log(`build_time_nodes ${f.buildTimeNodes.toFixed(3)} s, build_edge_time ${f.buildEdgeTime.toFixed(3)} s, build wall ${f.buildWall.toFixed(3)} s (CPU ${f.buildCpu.toFixed(3)} s)`);
  console.log(`prepare ${f.prepareWall.toFixed(3)} s; bytes per synapse ${f.bytesPerSynapse.toFixed(2)}, peak RSS ${gib(f.peakRss)} GiB, RSS after prepare ${gib(f.rssAfterBuild)} GiB`);
}
