/**
 * A preset with other integrators swapped in, without touching the preset: a digest of its recorded spikes
 * (senders and steps as the recorders hold them: comparable between builds and integrators, not the run
 * command's spike_digest) and the seconds of the neuron update and of propagation, per repetition.
 * For A/B runs of a kernel against another build (run it in both checkouts, alternated).
 *
 *   npx tsx bench/integrator-swap.ts <preset> '<overrides json>' '<{"model": "integrator"} json>' [reps]
 */
import { presets } from '../presets/index.js';
import { resolvePresetParams } from '../presets/preset.js';
import { Simulator } from '../core/simulator.js';
import { builtinPlugins } from '../plugins/index.js';
import { spikeDigest } from '../core/digest.js';
import { swapIntegrators } from './tasks.js';

const [name, overridesArg = '{}', swapsArg = '{}', repsArg = '1'] = process.argv.slice(2);
const preset = presets.find((p) => p.name === name);
if (!preset) throw new Error(`bench/integrator-swap.ts: preset '${name}' is not one of ${presets.map((p) => p.name).join(', ')}`);
const overrides = JSON.parse(overridesArg) as Record<string, unknown>;
const swaps = JSON.parse(swapsArg) as Record<string, string>;

for (let rep = 0; rep < Number(repsArg); rep++) {
  const p = resolvePresetParams(preset, overrides);
  const sim = new Simulator({ plugins: builtinPlugins, dt: p.dt as number, seed: p.seed as number });
  swapIntegrators(sim, swaps);
  const net = preset.build(sim, p);
  sim.prepare();
  const t0 = performance.now();
  sim.simulate(p.simtime as number);
  const wall = (performance.now() - t0) / 1000;
  const senders: number[] = [];
  const steps: number[] = [];
  for (const rec of net.recorders) {
    const ev = rec.events() as { senders: ArrayLike<number>; times: ArrayLike<number> };
    for (let i = 0; i < ev.senders.length; i++) {
      senders.push(ev.senders[i]);
      steps.push(Math.round(ev.times[i] / sim.dt));
    }
  }
  const digest = spikeDigest(senders, steps).slice(0, 16);
  console.log(`${name} ${JSON.stringify(swaps)}: digest ${digest}, ${senders.length} spikes, simulation ${wall.toFixed(3)} s (update ${sim.times.update.toFixed(3)} s, propagate ${sim.times.propagate.toFixed(3)} s)`);
  sim.close();
}
