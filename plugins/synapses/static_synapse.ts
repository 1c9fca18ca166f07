import type { SynapseModel } from '../../core/plugin.js';
import { deliverRow } from './deliver.js';

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
  create(p) {
    const t = p.table;
    const ring = p.targetRing;
    return {
      deliver(src: number, step: number): void {
        deliverRow(t, t.weight, ring, src, step);
      },
      bytesPerSynapse: () => t.target.BYTES_PER_ELEMENT + (t.weight ? 4 : 0) + (t.delay ? 2 : 0),
      weights: () => (t.weight ? t.weight.slice() : new Float32Array(t.count).fill(t.homWeight)),
    };
  },
};
