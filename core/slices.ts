import type { NeuronGroup } from './plugin.js';
import type { AnyRing, RingBuffer } from './ringbuffer.js';

/**
 * A slice for a group without a slice kernel (or a ring its kernel cannot read in place): NEST's per-step
 * update from `from` to `to`, clearing each row unless the group does, with every spike's local index
 * written to `spikes` and its step − `from` to `lags`. `scratch` holds one step's spikes. Returns the count.
 */
export function stepThrough(
  group: NeuronGroup, ring: AnyRing, from: number, to: number, scratch: Int32Array, spikes: Int32Array, lags: Int32Array,
): number {
  let count = 0;
  for (let s = from; s < to; s++) {
    const off = ring.offset(s);
    // A group gets back only the ring it allocated itself (whatever its storage) or a float64 one.
    const c = group.update(s, ring as RingBuffer, off, scratch);
    if (!ring.readerClears) ring.clear(off);
    for (let k = 0; k < c; k++) {
      spikes[count] = scratch[k];
      lags[count++] = s - from;
    }
  }
  return count;
}
