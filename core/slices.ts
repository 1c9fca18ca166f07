import type { NeuronKernel } from './contracts/neuron.js';
import type { AnyRing, RingBuffer } from './ringbuffer.js';

/**
 * A block for a kernel without a slice capability (or a ring it cannot read in place): NEST's per-step
 * update from `from` to `to`, clearing each row unless the kernel does, with every spike's local index
 * written to `spikes` and its step − `from` to `lags`. `scratch` holds one step's spikes. Returns the count.
 */
export function stepThrough(
  kernel: NeuronKernel, ring: AnyRing, from: number, to: number, scratch: Int32Array, spikes: Int32Array, lags: Int32Array,
): number {
  let count = 0;
  for (let s = from; s < to; s++) {
    const off = ring.offset(s);
    // A kernel gets back only the ring it allocated itself (whatever its storage) or a float64 one.
    const c = kernel.update(s, ring as RingBuffer, off, scratch);
    if (!ring.readerClears) ring.clear(off);
    for (let k = 0; k < c; k++) {
      spikes[count] = scratch[k];
      lags[count++] = s - from;
    }
  }
  return count;
}
