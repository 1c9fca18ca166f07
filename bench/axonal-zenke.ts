/**
 * The zenke-25k E→E projection's plastic kernel alone (triplet_auryn, Auryn's axonal delay): 20000 sources ×
 * 5 % of 20000 targets (16-bit targets), delay 0.8 ms, independent Poisson pre and post trains at 3.2 Hz
 * (the preset's E rate). Prints ns per synapse event and a digest of the final weights, for A/B runs of the
 * axonal handler (alternate builds: one run is noisy by ±15 % on this machine's shared cores).
 *
 *   npx tsx bench/axonal-zenke.ts [steps of 0.1 ms, default 10000]
 */
import { RingBuffer } from '../core/ringbuffer.js';
import { resolveParams } from '../core/schema.js';
import type { ProjectionInfo, SynapseRuntime, SynapseTable } from '../core/plugin.js';
import { tripletAuryn } from '../plugins/synapses/index.js';
import { bernoulliRows, kernelRandom } from './plasticity.js';

const steps = Number(process.argv[2] ?? 10000);
if (!Number.isInteger(steps) || steps <= 0) throw new Error(`bench/axonal-zenke.ts: steps must be a positive integer, got ${process.argv[2]}`);
const n = 20000;
const rate = 3.2;
const delaySteps = 8;
const gL = 10; // nS: C_m 200 pF / tau_m 20 ms, as the preset's weights
const rnd = kernelRandom();
const { rowStart, targets } = bernoulliRows(n, n, 0.05, rnd);
const target = Uint16Array.from(targets);
const p = rate * 1e-4;
const preSpikes: Int32Array[] = [];
const postSpikes: Int32Array[] = [];
for (let step = 0; step < steps; step++) {
  const a: number[] = [];
  const b: number[] = [];
  for (let s = 0; s < n; s++) if (rnd() < p) a.push(s);
  for (let j = 0; j < n; j++) if (rnd() < p) b.push(j);
  preSpikes.push(Int32Array.from(a));
  postSpikes.push(Int32Array.from(b));
}
const ring = new RingBuffer(n, 2 * delaySteps + 2);
const w0 = 0.16 * gL;
const table = {
  rowStart, target, weight: new Float32Array(target.length).fill(w0), homWeight: w0, delay: null, homDelay: delaySteps,
  count: target.length, sourceCount: n, sign: 'ex',
} as unknown as SynapseTable;
const params = resolveParams('triplet_auryn', tripletAuryn.params, { Wmax: gL, tau_hom: 50000, A3_plus: 0.0065 * gL });
const info = {
  id: 0, source: { id: 0 }, target: { id: 1, localCount: n, params: {} }, table, params, options: { delay_handler: 'axonal' },
  dt: 0.1, seed: 1, targetParams: {}, targetKernel: { update: () => 0 }, targetRing: ring,
} as unknown as ProjectionInfo;
const rt = tripletAuryn.create(info) as SynapseRuntime;
let events = 0;
const t0 = performance.now();
for (let step = 0; step < steps; step++) {
  rt.onPostSpikes?.(postSpikes[step], postSpikes[step].length, step);
  const spikes = preSpikes[step];
  for (let i = 0; i < spikes.length; i++) {
    rt.deliver(spikes[i], step);
    events += rowStart[spikes[i] + 1] - rowStart[spikes[i]];
  }
  ring.clear(ring.offset(step + 1));
}
const ms = performance.now() - t0;
const weights = rt.weights!();
let h = 0x811c9dc5;
const bits = new Uint32Array(weights.buffer, weights.byteOffset, weights.length);
for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i], 16777619) >>> 0;
console.log(`${events} synapse events in ${ms.toFixed(0)} ms: ${((ms * 1e6) / events).toFixed(1)} ns per event; weights digest ${h.toString(16).padStart(8, '0')}`);
