/**
 * hpc-benchmark's first step: how many E and I neurons start above threshold (they fire in step 0), and the
 * I spikes of the first 6 ms (issue 15: the first volley's balance, compared with bench/brian2/hpc.py's runs).
 *
 *   npx tsx bench/hpc-initial.ts [seeds=1,2]
 */
import { builtinPlugins } from '../plugins/index.js';
import { describePreset } from '../presets/preset.js';
import { hpcBenchmark } from '../presets/hpc.js';
import { Simulator } from '../core/simulator.js';
for (const seed of (process.argv[2] ?? '1,2').split(',').map(Number)) {
  const d = describePreset(hpcBenchmark, { scale: 1, seed, ee_synapse: 'static_synapse' }, builtinPlugins);
  const sim = Simulator.fromSpec(d.spec, builtinPlugins);
  const [E, I] = sim.populations;
  const rec = sim.create('spike_recorder');
  sim.connect(I, rec);
  const f = 1 + Math.expm1(-0.1 / 10);
  const cnt = (p: typeof E) => { const v = p.get('V_m') as Float64Array; let n = 0, s = 0, s2 = 0; for (const x of v) { if (x * f >= 20) n++; s += x; s2 += x * x; } return [n, s / v.length, Math.sqrt(s2 / v.length - (s / v.length) ** 2)]; };
  const ce = cnt(E), ci = cnt(I);
  sim.simulate(6);
  const ev = rec.events<{ senders: Int32Array; times: Float64Array }>();
  const perStep = new Array(60).fill(0);
  for (const t of ev.times) perStep[Math.round(t / 0.1) - 1]++;
  console.log(JSON.stringify({ seed, E_initial_above: ce, I_initial_above: ci, I_spikes_per_step_0_59: perStep.join(' ') }));
}
