import { SpikeworksError } from './errors.js';
import { allocateState, defineState, heapArena, type FieldDecl, type StateComponent } from './component.js';
import type { KernelContext, NeuronGroupContext, NeuronKernel, NeuronModel, NeuronScheme } from './contracts/neuron.js';

/** The state component of a model under a scheme: the model's variables in the scheme's precision, then the scheme's internal ones. */
export function schemeComponent(model: NeuronModel, schemeName: string, scheme: NeuronScheme): StateComponent {
  const key = `${model.name}/${schemeName}`;
  const fields: Record<string, FieldDecl> = {};
  const type = scheme.precision ?? 'f64';
  for (const [v, spec] of Object.entries(model.state)) fields[v] = { type, unit: spec.unit, doc: spec.doc, initial: spec.initial };
  for (const [v, f] of Object.entries(scheme.internal ?? {})) {
    if (v in fields) throw new SpikeworksError(`integrator ${key}: internal variable '${v}' is also a state variable of ${model.name}`);
    fields[v] = f;
  }
  return defineState(key, fields, `state of ${model.name} under ${schemeName}`);
}

/**
 * A kernel's context outside a simulator (tests, benchmarks): the state the scheme declares for the model,
 * allocated and initialised as a population's would be. `params` are the model's resolved parameters.
 */
export function kernelContext(model: NeuronModel, scheme: NeuronScheme, ctx: NeuronGroupContext, schemeName = 'scheme'): KernelContext {
  const arena = scheme.arena?.(ctx) ?? heapArena;
  const state = allocateState(schemeComponent(model, schemeName, scheme), ctx.n, ctx.params, ctx.dt, arena);
  return { ...ctx, state, arena };
}

/** Build a model's kernel under one of its schemes outside a simulator; returns the kernel and its state. */
export function standaloneKernel(model: NeuronModel, schemeName: string, ctx: NeuronGroupContext, scheme = model.integrators[schemeName]): { kernel: NeuronKernel; context: KernelContext } {
  if (!scheme) throw new SpikeworksError(`${model.name} has no integrator '${schemeName}' (${Object.keys(model.integrators).join(', ')})`);
  const context = kernelContext(model, scheme, ctx, schemeName);
  return { kernel: scheme.create(context), context };
}
