/**
 * hpc-benchmark's rate with and without plasticity, over seeds, and a check of every E→E weight against
 * NEST's stdp_pl_synapse_hom::send replayed on the run's own spikes (issue 15's rate question).
 *
 *   npx tsx bench/hpc-stdp-rate.ts [seeds=1-9] [scale=1] [--replay]
 *
 * Per seed: the E rate of the 250 ms window after the 50 ms presimulation (the figure NEST's peers.json
 * gives as rate_recorded_e_hz_in_window) with the seed's stdp_pl_synapse_hom and with static E→E synapses.
 * With --replay (scale 1: ~1 min and ~1 GB per seed), all 9000·scale E neurons are recorded and each
 * E→E weight after 300 ms is compared with the replay (double precision, the whole history kept).
 */
import { builtinPlugins } from '../plugins/index.js';
import { describePreset } from '../presets/preset.js';
import { hpcBenchmark } from '../presets/hpc.js';
import { Simulator } from '../core/simulator.js';

const args = process.argv.slice(2);
const replay = args.includes('--replay');
const [seedArg = '1-9', scaleArg = '1'] = args.filter((a) => !a.startsWith('--'));
const [lo, hi = lo] = seedArg.split('-').map(Number);
const scale = Number(scaleArg);

interface Window { rate: number; digest?: string }

function windowRate(seed: number, ee: string): Window {
  const d = describePreset(hpcBenchmark, { scale, seed, ee_synapse: ee }, builtinPlugins);
  const sim = Simulator.fromSpec(d.spec, builtinPlugins);
  const rec = sim.devices.find((x) => x.model === 'spike_recorder')!;
  const nrec = d.params.Nrec as number;
  sim.simulate(d.params.presimtime as number);
  const before = rec.events<{ times: Float64Array }>().times.length;
  sim.simulate(d.params.simtime as number);
  const after = rec.events<{ times: Float64Array }>().times.length;
  return { rate: (after - before) / nrec / ((d.params.simtime as number) / 1000) };
}

/** Max relative difference between the run's E→E weights and NEST's send() replayed on its spikes. */
function replayCheck(seed: number): { synapses: number; maxRel: number; meanStart: number; meanEnd: number } {
  const NE = Math.trunc(9000 * scale);
  const d = describePreset(hpcBenchmark, { scale, seed, Nrec: NE }, builtinPlugins);
  const sim = Simulator.fromSpec(d.spec, builtinPlugins);
  const rec = sim.devices.find((x) => x.model === 'spike_recorder')!;
  const ee = sim.projections.find((p) => p.synapseModel.name.startsWith('stdp_pl'))!;
  const w0 = ee.weights();
  sim.simulate((d.params.presimtime as number) + (d.params.simtime as number));
  const w1 = ee.weights();
  const ev = rec.events<{ senders: Int32Array; times: Float64Array }>();
  const h = sim.dt;
  const spikes: number[][] = Array.from({ length: NE }, () => []);
  for (let i = 0; i < ev.times.length; i++) spikes[ev.senders[i] - ee.source.firstGid].push(Math.round(ev.times[i] / h));
  const p = d.params as Record<string, number>;
  const D = Math.round(p.delay / h);
  const t = ee.table;
  let maxRel = 0;
  let s0 = 0;
  let s1 = 0;
  for (let s = 0; s < t.sourceCount; s++) {
    for (let k = t.rowStart[s]; k < t.rowStart[s + 1]; k++) {
      const post = spikes[t.target[k]];
      let w = w0[k];
      let last = -1;
      let kPlus = 0;
      for (const tp of spikes[s]) {
        // Facilitation by post spikes in (t_last - d, t - d], then depression with K- strictly before t - d.
        if (last >= 0) for (const tj of post) if (tj > last - D && tj <= tp - D) w += p.lambda * Math.pow(w, p.mu) * kPlus * Math.exp(-((tj + D - last) * h) / p.tau_plus);
        let kMinus = 0;
        for (const tj of post) if (tj < tp - D) kMinus += Math.exp(-((tp - D - tj) * h) / p.tau_minus);
        w = Math.max(w - p.lambda * p.alpha * w * kMinus, 0);
        kPlus = (last >= 0 ? kPlus * Math.exp(-((tp - last) * h) / p.tau_plus) : 0) + 1;
        last = tp;
      }
      maxRel = Math.max(maxRel, Math.abs(w - w1[k]) / w);
      s0 += w0[k];
      s1 += w1[k];
    }
  }
  return { synapses: t.count, maxRel, meanStart: s0 / t.count, meanEnd: s1 / t.count };
}

const rows: string[] = ['| seed | E rate, stdp_pl_synapse_hom (Hz) | E rate, static E→E (Hz) |', '|---|---|---|'];
const plastic: number[] = [];
const fixed: number[] = [];
for (let seed = lo; seed <= hi; seed++) {
  const a = windowRate(seed, 'stdp_pl_synapse_hom').rate;
  const b = windowRate(seed, 'static_synapse').rate;
  plastic.push(a);
  fixed.push(b);
  rows.push(`| ${seed} | ${a.toFixed(2)} | ${b.toFixed(2)} |`);
  console.error(rows[rows.length - 1]);
}
const median = (x: number[]) => [...x].sort((u, v) => u - v)[Math.floor(x.length / 2)];
const mean = (x: number[]) => x.reduce((u, v) => u + v, 0) / x.length;
rows.push(`| median | ${median(plastic).toFixed(2)} | ${median(fixed).toFixed(2)} |`, `| mean | ${mean(plastic).toFixed(2)} | ${mean(fixed).toFixed(2)} |`);
console.log(`hpc-benchmark scale ${scale}, 250 ms window after 50 ms (NEST 3.9 on this machine: 10.08 Hz with STDP, 10.11 static, seed 12345; 10.1 another seed)\n`);
console.log(rows.join('\n'));
if (replay) {
  const r = replayCheck(lo);
  console.log(`\nseed ${lo}: ${r.synapses} E→E weights after 300 ms vs NEST's send() replayed on the recorded spikes: max relative difference ${r.maxRel.toExponential(2)} (float32 storage); mean weight ${r.meanStart.toFixed(4)} → ${r.meanEnd.toFixed(4)} pA`);
}
