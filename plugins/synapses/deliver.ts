import type { SynapseTable, TargetIndex } from '../../core/plugin.js';
import type { AnyRing, RingRow } from '../../core/ringbuffer.js';

/**
 * Propagation kernels: scatter one source's row of weights into the targets' ring-buffer row at
 * step + delay. Each case is its own small function over typed arrays (see DESIGN.md, "Hot loops").
 */

export function scatterHom(target: TargetIndex, start: number, end: number, buf: RingRow, off: number, w: number): void {
  for (let k = start; k < end; k++) buf[off + target[k]] += w;
}

export function scatterWeights(target: TargetIndex, weight: Float32Array, start: number, end: number, buf: RingRow, off: number): void {
  for (let k = start; k < end; k++) buf[off + target[k]] += weight[k];
}

/** Mixed signs: each weight goes to the excitatory or inhibitory channel by its sign, as NEST routes it. */
export function scatterSigned(target: TargetIndex, weight: Float32Array, start: number, end: number, ex: RingRow, inh: RingRow, off: number): void {
  for (let k = start; k < end; k++) {
    const w = weight[k];
    if (w >= 0) ex[off + target[k]] += w;
    else inh[off + target[k]] += w;
  }
}

/** Per-synapse delays: every synapse finds its own ring row. */
export function scatterDelayed(
  target: TargetIndex, weight: Float32Array | null, homWeight: number, delay: Uint16Array, start: number, end: number,
  ex: RingRow, inh: RingRow, step: number, slots: number, n: number,
): void {
  for (let k = start; k < end; k++) {
    const w = weight ? weight[k] : homWeight;
    const off = ((step + delay[k]) % slots) * n;
    if (w >= 0) ex[off + target[k]] += w;
    else inh[off + target[k]] += w;
  }
}

/** Deliver one source's row with the weights as they are now (static, or after a plasticity update). */
export function deliverRow(t: SynapseTable, weight: Float32Array | null, ring: AnyRing, src: number, step: number): void {
  const start = t.rowStart[src];
  const end = t.rowStart[src + 1];
  if (start === end) return;
  if (t.delay) {
    scatterDelayed(t.target, weight, t.homWeight, t.delay, start, end, ring.ex, ring.inh, step, ring.slots, ring.n);
    return;
  }
  const off = ((step + t.homDelay) % ring.slots) * ring.n;
  if (!weight) scatterHom(t.target, start, end, t.homWeight >= 0 ? ring.ex : ring.inh, off, t.homWeight);
  else if (t.sign === 'mixed') scatterSigned(t.target, weight, start, end, ring.ex, ring.inh, off);
  else scatterWeights(t.target, weight, start, end, t.sign === 'ex' ? ring.ex : ring.inh, off);
}
