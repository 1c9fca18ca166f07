/**
 * The zenke-25k E→E projection's plastic kernel alone (triplet_auryn, Auryn's axonal delay): 20000 sources ×
 * 5 % of 20000 targets (16-bit targets), delay 0.8 ms, independent Poisson pre and post trains at 3.2 Hz
 * (the preset's E rate). Prints ns per synapse event and the final weights' SHA-256 (first 16 hex digits), for A/B runs of the
 * axonal handler (alternate builds: one run is noisy by ±15 % on this machine's shared cores).
 *
 *   npx tsx bench/axonal-zenke.ts [steps of 0.1 ms, default 10000] [js]
 *
 * `js` runs the JavaScript arrival instead of the compiled one (axonal_wasm.ts): the same weights digest.
 */
import { RingBuffer } from '../core/ringbuffer.js';
import { platform } from '../core/platform.js';
import { toHex } from '../core/sha256.js';
import { tripletAuryn } from '../plugins/synapses/index.js';
import { setAxonalWasm, compiledArrivals } from '../plugins/synapses/plasticity/axonal_wasm.js';
import { bernoulliRows, kernelProjection, kernelRandom } from './plasticity.js';

const steps = Number(process.argv[2] ?? 10000);
if (!Number.isInteger(steps) || steps <= 0) throw new Error(`bench/axonal-zenke.ts: steps must be a positive integer, got ${process.argv[2]}`);
if (process.argv[3] !== undefined && process.argv[3] !== 'js') throw new Error(`bench/axonal-zenke.ts: the second argument is 'js' or nothing, got ${process.argv[3]}`);
setAxonalWasm(process.argv[3] !== 'js');
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
const rt = kernelProjection({
  name: 'triplet_auryn', model: tripletAuryn, params: { Wmax: gL, tau_hom: 50000, A3_plus: 0.0065 * gL }, handler: 'axonal',
  rowStart, target, weight: 0.16 * gL, delaySteps, ring, targetParams: {},
});
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
const hash = platform.sha256();
hash.update(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
const digest = toHex(hash.digest()).slice(0, 16);
console.log(`${compiledArrivals() ? 'compiled' : 'JavaScript'} arrival: ${events} synapse events in ${ms.toFixed(0)} ms: ${((ms * 1e6) / events).toFixed(1)} ns per event; weights sha256 ${digest}`);
