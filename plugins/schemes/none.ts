import type { EquationScheme } from '../../core/equations/scheme.js';

/**
 * No integration, for a model whose every derivative is 0: its state only takes input (parrot_neuron,
 * whose 'spikes' port sets its variable each step). Not registered for all models, where it would only be
 * refused; a model passes it in defineModel's `schemes`.
 */
export const noIntegration: EquationScheme = {
  name: 'none',
  doc: 'no integration: a model without dynamics, whose state only takes input',
  precision: 'f64',
  refuse(m) {
    const j = m.derivs.findIndex((d) => !(d.t === 'num' && d.v === 0));
    return j < 0 ? undefined : `d${m.states[j]}/dt is not 0: the model has dynamics`;
  },
  emit: () => '{}',
  fallback: () => () => {},
};
