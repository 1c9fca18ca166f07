import type { ModelDef } from '../../core/equations/model.js';
import { defineModel, noIntegration } from '../schemes/index.js';

/**
 * NEST's parrot_neuron repeats each incoming spike with its multiplicity and ignores weights. Here a
 * spike carries no multiplicity: the parrot emits one spike in each step in which input arrived
 * (whatever its weight or count), in the step it arrives, i.e. at t_in + delay. Connect to it with a
 * non-zero weight (1 by convention): a zero weight leaves no trace in the ring buffer. Currents are
 * ignored.
 *
 * Declared as an equation model without dynamics: one 'spikes' port, which sets `input` to the summed |w|
 * of this step's spikes on both channels (ex + |inh|), and a threshold on it. Weights of either sign add
 * their magnitude, so they cannot cancel: `input > 0` exactly when either channel is non-zero, the
 * hand-written parrot's test (e !== 0 || k !== 0) for every ring (ex sums weights ≥ 0, inh weights < 0).
 */
export const parrotDef: ModelDef = {
  name: 'parrot_neuron',
  doc: 'Repeats its input: one spike in every step in which spikes arrived (NEST parrot_neuron, without multiplicity)',
  params: {},
  state: { input: { unit: '1', initial: 0, doc: 'summed |weight| of the spikes that arrived in the last step' } },
  equations: [],
  threshold: 'input > 0',
  receptors: { ex: { kind: 'spikes', variable: 'input', doc: 'spikes of either sign, repeated; weights count by magnitude' } },
  defaultIntegrator: 'none',
};

export const parrotNeuron = defineModel(parrotDef, { schemes: [noIntegration] });
