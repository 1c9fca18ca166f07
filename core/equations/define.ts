import type { FieldDecl } from '../component.js';
import type { NeuronModel, NeuronScheme, StateSpec } from '../contracts/neuron.js';
import type { ParamSchema } from '../schema.js';
import { ModelError } from './analyse.js';
import { evaluateConstant } from './ir.js';
import { buildKernel, type Codegen } from './kernel.js';
import { compileModel, type ModelDef } from './model.js';
import { registeredSchemes, type CompiledModel, type EquationScheme } from './scheme.js';

export interface DefineOptions {
  /** The schemes to offer (default: every registered one, e.g. plugins/schemes). */
  schemes?: readonly EquationScheme[];
  /** 'off' forces the fallback kernels (no `new Function`); 'auto' generates code where the platform allows. */
  codegen?: Codegen;
}

/** A NeuronModel made from equations, with what the analysis found. */
export interface EquationModel extends NeuronModel {
  readonly compiled: CompiledModel;
  /** Schemes that do not apply to the model, with the reason (exact: a nonlinear term). */
  readonly refused: Readonly<Record<string, string>>;
  /** The scheme `name` if the model has it, else an error saying why not. */
  scheme(name: string): EquationScheme;
}

/** NEST's ArchivingNode parameters (the STDP traces' time constants), on every model that does not declare them. */
const ARCHIVING: ParamSchema = {
  tau_minus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the postsynaptic STDP trace' },
  tau_minus_triplet: { unit: 'ms', default: 110, min: 0, exclusiveMin: true, doc: 'time constant of the slow postsynaptic triplet trace' },
};

/** The per-neuron variables every equation kernel keeps beside the model's state. */
const KERNEL_FIELDS: Record<string, FieldDecl> = {
  I0: { unit: 'pA', doc: 'current input of the previous step, acting in this one (I_stim)' },
  r: { type: 'i32', unit: 'steps', doc: 'refractory steps left' },
};

/**
 * A neuron model declared once as equations: the simulator accepts it like a hand-written one, and every
 * scheme that applies to it (from `options.schemes`, default the registered ones) is one of its integrators.
 */
export function defineModel(def: ModelDef, options: DefineOptions = {}): EquationModel {
  for (const v of Object.keys(KERNEL_FIELDS)) {
    if (v in def.state) throw new ModelError(`model '${def.name}': '${v}' is a variable every equation kernel keeps (${KERNEL_FIELDS[v].doc}); name the state variable otherwise`);
  }
  const { compiled } = compileModel(def);
  const schemes = options.schemes ?? registeredSchemes();
  if (schemes.length === 0) throw new ModelError(`model '${def.name}': no integration schemes registered (import plugins/schemes, or pass options.schemes)`);
  const params: ParamSchema = { ...ARCHIVING };
  for (const [name, s] of Object.entries(def.params)) params[name] = { ...s, doc: s.doc ?? '' };
  const state: Record<string, StateSpec> = {};
  compiled.states.forEach((v, j) => {
    const init = compiled.initial[j];
    state[v] = { unit: def.state[v].unit, doc: def.state[v].doc ?? '', initial: (p) => evaluateConstant(init, p) };
  });
  const integrators: Record<string, NeuronScheme> = {};
  const refused: Record<string, string> = {};
  const byName = new Map<string, EquationScheme>();
  for (const s of schemes) {
    for (const v of Object.keys(s.internal ?? {})) {
      if (v in def.state || v in KERNEL_FIELDS) throw new ModelError(`model '${def.name}': scheme '${s.name}' keeps a variable '${v}' that the model also names`);
    }
    const why = s.refuse?.(compiled);
    if (why !== undefined) {
      refused[s.name] = why;
      continue;
    }
    byName.set(s.name, s);
    integrators[s.name] = {
      precision: s.precision,
      internal: { ...KERNEL_FIELDS, ...s.internal },
      create: (ctx) => buildKernel(compiled, s, ctx, options.codegen),
    };
  }
  const scheme = (name: string): EquationScheme => {
    const s = byName.get(name);
    if (s) return s;
    if (name in refused) throw new ModelError(`scheme '${name}' does not apply to model '${def.name}': ${refused[name]}`);
    throw new ModelError(`model '${def.name}' has no scheme '${name}' (${Object.keys(integrators).join(', ')})`);
  };
  const fallbackDefault = 'exact' in integrators ? 'exact' : 'rkf45' in integrators ? 'rkf45' : Object.keys(integrators)[0];
  const defaultIntegrator = def.defaultIntegrator ?? fallbackDefault;
  if (defaultIntegrator === undefined) throw new ModelError(`model '${def.name}': no scheme applies to it (${Object.entries(refused).map(([k, v]) => `${k}: ${v}`).join('; ')})`);
  scheme(defaultIntegrator);
  return {
    kind: 'neuron',
    name: def.name,
    doc: def.doc,
    params,
    state,
    integrators,
    defaultIntegrator,
    check: def.check,
    compiled,
    refused,
    scheme,
  };
}
