/**
 * Integration schemes shared by the neuron models. They are reached through each model's `integrators`
 * table (`sim.create(model, n, params, { integrator: 'euler-f32' })`); a scheme for a model written
 * elsewhere registers as an `IntegratorPlugin` (kind 'integrator', a name unique among the model's schemes, the model's name).
 */
export { Rkf45, controlY, controlYp, type OdeSystem, type ErrorControl } from './rkf45.js';
export { createPscExpEulerF32, createCondExpEulerF32 } from './euler_f32.js';
