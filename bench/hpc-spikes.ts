/**
 * hpc-benchmark's spikes of every E neuron (presimulation included), for the figures of
 * bench/brian2/hpc.py's `analyze` (issue 15: the same figures from spikeworks and Brian2).
 *
 *   npx tsx bench/hpc-spikes.ts SEED [SCALE=1] [static|stdp] OUT_PREFIX
 *
 * Writes OUT_PREFIX.bin (Int32 pairs: E index from 0, step index n of the step the spike was emitted in;
 * NEST stamps the spike at (n + 1)·h) and OUT_PREFIX.json (seed, scale, ee, NE, window rate of the first
 * 1000 E neurons as bench/hpc-stdp-rate.ts computes it).
 */
import { writeFileSync } from 'node:fs';
import { builtinPlugins } from '../plugins/index.js';
import { describePreset } from '../presets/preset.js';
import { hpcBenchmark } from '../presets/hpc.js';
import { Simulator } from '../core/simulator.js';

const [seedArg, scaleArg = '1', eeArg = 'static', out] = process.argv.slice(2);
if (!seedArg || !out) throw new Error('usage: npx tsx bench/hpc-spikes.ts SEED [SCALE] [static|stdp] OUT_PREFIX');
const seed = Number(seedArg);
const scale = Number(scaleArg);
const ee = eeArg === 'stdp' ? 'stdp_pl_synapse_hom' : 'static_synapse';
const NE = Math.trunc(9000 * scale);
const d = describePreset(hpcBenchmark, { scale, seed, ee_synapse: ee, Nrec: NE }, builtinPlugins);
const sim = Simulator.fromSpec(d.spec, builtinPlugins);
const rec = sim.devices.find((x) => x.model === 'spike_recorder')!;
const E = sim.populations[0];
const t0 = performance.now();
sim.simulate((d.params.presimtime as number) + (d.params.simtime as number));
const wall = (performance.now() - t0) / 1000;
const ev = rec.events<{ senders: Int32Array; times: Float64Array }>();
const h = sim.dt;
const pairs = new Int32Array(2 * ev.times.length);
let inWindow = 0;
const lo = Math.round((d.params.presimtime as number) / h);
for (let i = 0; i < ev.times.length; i++) {
  const idx = ev.senders[i] - E.firstGid;
  const step = Math.round(ev.times[i] / h) - 1;
  pairs[2 * i] = idx;
  pairs[2 * i + 1] = step;
  if (idx < 1000 && step >= lo) inWindow++;
}
writeFileSync(`${out}.bin`, pairs);
const meta = { simulator: 'spikeworks', seed, scale, ee: eeArg, NE, sim_wall_s: Math.round(wall * 10) / 10, rate_first1000_hz: inWindow / 1000 / ((d.params.simtime as number) / 1000) };
writeFileSync(`${out}.json`, JSON.stringify(meta));
console.log(JSON.stringify(meta));
