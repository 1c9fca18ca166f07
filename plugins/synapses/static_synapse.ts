import type { SynapseModel, SynapseTable } from '../../core/plugin.js';
import type { AnyRing } from '../../core/ringbuffer.js';
import { deliverRow, scatterHom, scatterWeights } from './deliver.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';

/**
 * The deliver function of a static table, with the table's case (homogeneous delay; homogeneous weight or
 * one sign) decided once here instead of per spike: short rows (va-coba's 80 targets) spend as much time in
 * that dispatch as in the scatter.
 */
function staticDeliver(t: SynapseTable, ring: AnyRing): (src: number, step: number) => void {
  const { rowStart, target } = t;
  const slots = ring.slots;
  const n = ring.n;
  const d = t.homDelay;
  const weight = t.weight;
  if (t.delay || (weight && t.sign === 'mixed')) return (src, step) => deliverRow(t, weight, ring, src, step);
  if (!weight) {
    const buf = t.homWeight >= 0 ? ring.ex : ring.inh;
    const w = t.homWeight;
    return (src, step) => scatterHom(target, rowStart[src], rowStart[src + 1], buf, ((step + d) % slots) * n, w);
  }
  const buf = t.sign === 'ex' ? ring.ex : ring.inh;
  return (src, step) => scatterWeights(target, weight, rowStart[src], rowStart[src + 1], buf, ((step + d) % slots) * n);
}

/**
 * NEST's static_synapse: fixed weight and delay. With a scalar weight and delay nothing but the target
 * index is stored per synapse (4 bytes).
 */
export const staticSynapse: SynapseModel = {
  kind: 'synapse',
  name: 'static_synapse',
  doc: 'Fixed weight and delay (NEST static_synapse; PyNN StaticSynapse)',
  params: {},
  plastic: false,
  perSynapseWeight: false,
  isDefault: true,
  create(p) {
    const t = p.table;
    const ring = p.targetRing;
    // A group with its own kernel memory may deliver a homogeneous table itself (WebAssembly scatter).
    const adopted = !t.weight && !t.delay ? p.targetKernel.capabilities?.adoptTable?.(t, ring) : undefined;
    if (adopted) {
      const own = adopted.table;
      return {
        // Nothing changes while simulating: the table is rebuilt from the spec (spikes in flight are in the ring).
        ...NO_PRIVATE_STATE,
        deliver: adopted.deliver,
        capabilities: { batch: adopted.deliverBatch, ownTable: own },
        bytesPerSynapse: () => own.target.BYTES_PER_ELEMENT,
        weights: () => new Float32Array(own.count).fill(own.homWeight),
      };
    }
    return {
      ...NO_PRIVATE_STATE,
      deliver: staticDeliver(t, ring),
      bytesPerSynapse: () => t.target.BYTES_PER_ELEMENT + (t.weight ? 4 : 0) + (t.delay ? 2 : 0),
      weights: () => (t.weight ? t.weight.slice() : new Float32Array(t.count).fill(t.homWeight)),
    };
  },
};
