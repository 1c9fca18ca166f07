/**
 * va-coba's cost split by phase, in process: CPU ms per simulated second of the simulation loop alone
 * (update = neuron kernels, spike ordering and recording; propagate = delivery into the rings), best of
 * REPS fresh networks. Used for docs/wasm-f32x4.md's table.
 *
 *   npx tsx bench/va-coba-phases.ts [integrator] [simtime ms] [reps]
 */
import { Simulator } from '../core/simulator.js';
import { resolvePresetParams } from '../presets/preset.js';
import { vaCoba } from '../presets/va.js';
import { builtinPlugins } from '../index.js';

const integrator = process.argv[2] ?? 'euler-f32x4-wasm-simd';
const ms = Number(process.argv[3] ?? 10000);
const reps = Number(process.argv[4] ?? 3);
let best: { cpu: number; wall: number; update: number; propagate: number } | null = null;
let spikes = '';
let mode = '';
for (let r = 0; r < reps; r++) {
  const sim = new Simulator({ plugins: builtinPlugins, dt: 0.1, seed: 1 });
  vaCoba.build(sim, resolvePresetParams(vaCoba, { integrator }));
  sim.prepare();
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  sim.simulate(ms);
  const c = process.cpuUsage(c0);
  const perSimS = 1000 / ms;
  const run = {
    cpu: ((c.user + c.system) / 1000) * perSimS,
    wall: (performance.now() - w0) * perSimS,
    update: sim.times.update * 1000 * perSimS,
    propagate: sim.times.propagate * 1000 * perSimS,
  };
  if (!best || run.cpu < best.cpu) best = run;
  spikes = Array.from(sim.spikeCounts()).join(' / ');
  mode = sim.sliceMode;
}
const f = (x: number) => x.toFixed(1);
console.log(
  `va-coba ${integrator}, ${ms} ms, best of ${reps} (${mode} slices; spikes E / I ${spikes}): ` +
    `CPU ${f(best!.cpu)} ms per simulated s (wall ${f(best!.wall)}; update ${f(best!.update)}, propagate ${f(best!.propagate)})`,
);
