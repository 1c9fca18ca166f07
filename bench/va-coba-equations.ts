/**
 * va-coba as a whole network with its cells written as equations (defineModel) under the generated
 * `euler-f32x4-wasm-simd` scheme, against the hand-written iaf_cond_exp kernel of the same name: the same spec
 * but for the model name, run back to back (best of 3 runs each).
 *
 *   npx tsx bench/va-coba-equations.ts [simtime_ms=10000] [seed=1]
 *
 * Prints the simulation time, its update / propagate split, the rates and the spike digest of each.
 */
import { builtinPlugins } from '../plugins/index.js';
import { condExpEquations } from './cond-exp-equations.js';
import { describePreset } from '../presets/preset.js';
import { vaCoba } from '../presets/va.js';
import { Simulator } from '../core/simulator.js';
import { spikeDigest } from '../core/digest.js';
import type { NetworkSpec } from '../core/spec.js';

const simtime = Number(process.argv[2] ?? 10000);
const seed = Number(process.argv[3] ?? 1);
const scheme = 'euler-f32x4-wasm-simd';

// NEST's iaf_cond_exp defaults; the spec sets va-coba's values.
const condExp = condExpEquations('iaf_cond_exp_equations', { C_m: 250, g_L: 16.6667, E_L: -70, V_th: -55, V_reset: -60, t_ref: 2, E_ex: 0, E_in: -85, tau_syn_ex: 0.2, tau_syn_in: 2, I_e: 0 });
const plugins = [...builtinPlugins, condExp];

const hand = describePreset(vaCoba, { simtime, seed, integrator: scheme }, builtinPlugins).spec;
const asEquations = (spec: NetworkSpec): NetworkSpec => ({
  ...spec,
  nodes: spec.nodes.map((n) => (n.kind === 'population' && n.model === 'iaf_cond_exp' ? { ...n, model: condExp.name } : n)),
  plugins: { ...spec.plugins, names: [...spec.plugins.names, { kind: 'neuron', name: condExp.name }] },
});

function run(spec: NetworkSpec) {
  const sim = Simulator.fromSpec(spec, plugins);
  const recorders = sim.devices.filter((d) => d.model === 'spike_recorder');
  const t0 = performance.now();
  sim.simulate(simtime);
  const wall = (performance.now() - t0) / 1000;
  const counts = sim.spikeCounts();
  const rates = sim.populations.map((p) => (counts[p.id] / p.size / (simtime / 1000)).toFixed(2)).join(' / ');
  const ev = recorders.map((r) => r.events<{ senders: Int32Array; times: Float64Array }>());
  const senders = Int32Array.from(ev.flatMap((e) => Array.from(e.senders)));
  const steps = Int32Array.from(ev.flatMap((e) => Array.from(e.times, (t) => Math.round(t / sim.dt) - 1)));
  return { wall, update: sim.times.update, propagate: sim.times.propagate, rates, digest: spikeDigest(senders, steps).slice(0, 16) };
}

const rows: [string, NetworkSpec][] = [[`hand-written ${scheme}`, hand], [`generated ${scheme} (equations)`, asEquations(hand)]];
const best = new Map<string, ReturnType<typeof run>>();
for (let rep = 0; rep < 3; rep++) {
  for (const [label, spec] of rows) {
    const r = run(spec);
    if (!best.has(label) || r.wall < best.get(label)!.wall) best.set(label, r);
  }
}
console.log(`va-coba ${simtime} ms, seed ${seed}, best of 3 (s)`);
for (const [label] of rows) {
  const r = best.get(label)!;
  console.log(`${label.padEnd(48)} sim ${r.wall.toFixed(3)}  update ${r.update.toFixed(3)}  propagate ${r.propagate.toFixed(3)}  rates E/I ${r.rates} Hz  digest ${r.digest}`);
}
