import type { KernelContext, NeuronKernel, NeuronModel, NeuronScheme, NeuronGroupContext } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import type { Arena, FieldDecl } from '../../core/component.js';
import type { Params } from '../../core/schema.js';

/**
 * A scheme's kernel factory, written once for NEST's parameters and units: `inputScale` multiplies the
 * spike input (1 for NEST's pA or nS; 1000 for PyNN's nA or µS weights).
 */
export interface SchemeDef {
  readonly precision?: 'f64' | 'f32';
  readonly internal?: Readonly<Record<string, FieldDecl>>;
  arena?(ctx: NeuronGroupContext): Arena;
  kernel(ctx: KernelContext, inputScale: number): NeuronKernel;
}

/** The scheme as a model lists it (NEST units). */
export function defineScheme(def: SchemeDef): NeuronScheme & { readonly def: SchemeDef } {
  return { def, precision: def.precision, internal: def.internal, arena: def.arena, create: (ctx) => def.kernel(ctx, 1) };
}

/** The same kernel behind another model's parameters and weight units (PyNN's cell types on NEST's models). */
export function rescaled(def: SchemeDef, inputScale: number, toKernelParams: (p: Params) => Params): NeuronScheme {
  return {
    precision: def.precision,
    internal: def.internal,
    arena: def.arena,
    create: (ctx) => def.kernel({ ...ctx, params: toKernelParams(ctx.params) }, inputScale),
  };
}

/** Per-neuron variables most schemes keep beside the model's state. */
export const REFRACTORY_COUNT: FieldDecl = { type: 'i32', unit: 'steps', doc: 'refractory steps left' };
export const CURRENT_INPUT: FieldDecl = { unit: 'pA', doc: 'current input of the previous step, acting in this one' };

/**
 * `model` with a parameter value that only its hand kernel `scheme` implements refused under every other
 * scheme: a ParameterError naming the parameter, the integrator and what it allows, when the kernel is built.
 */
export function onlyUnder<M extends NeuronModel>(model: M, scheme: string, param: string, value: number, allowed: string): M {
  const integrators: Record<string, NeuronScheme> = {};
  for (const [name, s] of Object.entries(model.integrators)) {
    integrators[name] = name === scheme ? s : {
      ...s,
      create(ctx) {
        if (ctx.params[param] === value) throw new ParameterError(`${model.name} (integrator '${name}')`, param, value, `${allowed}; '${scheme}' takes ${value}`);
        return s.create(ctx);
      },
    };
  }
  return { ...model, integrators };
}
