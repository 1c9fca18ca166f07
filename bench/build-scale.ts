/**
 * Builds hpc_benchmark-scale connectivity (seed 000): scale·11250 neurons (9000·scale E + 2250·scale I),
 * every neuron with fixed indegree 9000 from E and 2250 from I (no autapses, multapses allowed), static
 * synapses with homogeneous weight and delay (1.5 ms). Prints build time, bytes per synapse and peak RSS.
 *
 *   npx tsx bench/build-scale.ts [scale]
 *   /usr/bin/time -v npx tsx bench/build-scale.ts 1
 */
import { pathToFileURL } from 'node:url';
import { createSimulator } from '../index.js';

export interface BuildScaleFigures {
  scale: number;
  neuronModel: string;
  neurons: number;
  synapses: number;
  /** Seconds of wall time for create + connect (NEST's build_time_nodes + build_edge_time). */
  buildTimeNodes: number;
  buildEdgeTime: number;
  buildWall: number;
  /** CPU seconds (user + system) of the build: a steadier figure than wall time on a shared machine. */
  buildCpu: number;
  bytesPerSynapse: number;
  /** Peak resident set size of this process so far, bytes (getrusage ru_maxrss). */
  peakRss: number;
  rssAfterBuild: number;
}

/** Build the network and return the figures (the bench runner calls this). */
export function buildScale(scale = 1, seed = 12345): BuildScaleFigures {
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
    sim.connect(E, post, exc, { synapse_model: 'static_synapse', weight: JE, delay: 1.5 });
    sim.connect(I, post, inh, { synapse_model: 'static_synapse', weight: -g * JE, delay: 1.5 });
  }
  const buildWall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const figures: BuildScaleFigures = {
    scale,
    neuronModel: model,
    neurons: NE + NI,
    synapses: sim.synapseCount(),
    buildTimeNodes: sim.buildTimeNodes,
    buildEdgeTime: sim.buildEdgeTime,
    buildWall,
    buildCpu: (cpu.user + cpu.system) / 1e6,
    bytesPerSynapse: sim.bytesPerSynapse(),
    peakRss: process.resourceUsage().maxRSS * 1024,
    rssAfterBuild: process.memoryUsage().rss,
  };
  sim.close();
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scale = Number(process.argv[2] ?? 1);
  const f = buildScale(scale);
  const gib = (b: number) => (b / 2 ** 30).toFixed(3);
  console.log(`hpc_benchmark connectivity, scale ${f.scale}: ${f.neurons} ${f.neuronModel} neurons, ${f.synapses} synapses`);
  console.log(`build_time_nodes ${f.buildTimeNodes.toFixed(3)} s, build_edge_time ${f.buildEdgeTime.toFixed(3)} s, build wall ${f.buildWall.toFixed(3)} s (CPU ${f.buildCpu.toFixed(3)} s)`);
  console.log(`bytes per synapse ${f.bytesPerSynapse.toFixed(2)}, peak RSS ${gib(f.peakRss)} GiB, RSS after build ${gib(f.rssAfterBuild)} GiB`);
}
