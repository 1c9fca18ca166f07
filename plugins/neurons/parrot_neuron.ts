import type { NeuronModel, NeuronKernel, KernelContext, NeuronScheme } from '../../core/plugin.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import { archivingParams } from './iaf_psc_exp.js';

/**
 * Spike in every step in which any input arrived. The ring buffer holds summed weights, not spike
 * counts, so "input arrived" is read as a non-zero sum in either channel; `input` keeps that sum.
 */
function stepParrot(n: number, input: Float64Array, ex: Float64Array, inh: Float64Array, off: number, spikes: Int32Array): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    const e = ex[off + i];
    const k = inh[off + i];
    input[i] = e + k;
    if (e !== 0 || k !== 0) spikes[count++] = i;
  }
  return count;
}

export function createParrot(ctx: KernelContext): NeuronKernel {
  const { n } = ctx;
  const input = ctx.state.input as Float64Array;
  return {
    ...NO_PRIVATE_STATE,
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      return stepParrot(n, input, ring.ex, ring.inh, off, spikes);
    },
  };
}

/**
 * NEST's parrot_neuron repeats each incoming spike with its multiplicity and ignores weights. Here a
 * spike carries no multiplicity: the parrot emits one spike in each step in which input arrived
 * (whatever its weight or count), in the step it arrives, i.e. at t_in + delay. Connect to it with a
 * non-zero weight (1 by convention): a zero weight leaves no trace in the ring buffer. Currents are
 * ignored.
 */
export const parrotNeuron: NeuronModel = {
  kind: 'neuron',
  name: 'parrot_neuron',
  doc: 'Repeats its input: one spike in every step in which spikes arrived (NEST parrot_neuron, without multiplicity)',
  params: { ...archivingParams },
  state: { input: { unit: '', doc: 'summed weight of the spikes that arrived in the last step', initial: () => 0 } },
  integrators: { none: { create: createParrot } satisfies NeuronScheme },
  defaultIntegrator: 'none',
};
