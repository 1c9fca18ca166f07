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
  /**
   * Hand-written kernels for named schemes of the model. Each replaces the generated kernel under the
   * scheme's name, and the generated one stays reachable as `<scheme>-generated`, so that the two can be
   * compared (test/plugins/neurons/overrides.test.ts runs every override of the built-in models).
   */
  overrides?: Readonly<Record<string, SchemeOverride>>;
  /**
   * Hand-written kernels whose method differs from the generated scheme of the same name (Auryn's Euler:
   * exact synaptic decay). They take the name, the generated kernel becomes `<scheme>-generated`, and
   * `why` says what differs; the harness lists them and compares nothing.
   */
  handOnly?: Readonly<Record<string, { readonly kernel: NeuronScheme; readonly why: string }>>;
}

/** How close a hand kernel is held to the generated kernel of its scheme. */
export type Equivalence =
  | { readonly kind: 'bit-identical' }
  /**
   * The same spikes, and for every state variable |hand − generated| ≤ rel × its largest magnitude in the
   * run, at every step; `why` says why the two are not bit-identical.
   */
  | { readonly kind: 'tolerance'; readonly rel: number; readonly why: string }
  /**
   * The float32 mode: the same spike steps, and |hand − generated| ≤ abs[v] (in v's unit: mV for a
   * membrane potential) for every state variable v at every step. For a hand kernel that rounds every
   * operation to float32 against a generated one that stores float32 but computes in float64: their
   * difference is a few float32 ulps of each variable, not a fraction of its range.
   */
  | { readonly kind: 'absolute'; readonly abs: Readonly<Record<string, number>>; readonly why: string };

/** What the equivalence harness drives a (model, scheme) pair with: a few parameter sets that make it fire. */
export interface OverrideProbe {
  readonly params: readonly Readonly<Record<string, number>>[];
  /** Largest spike weight on each port (the ports' units: pA, nS or mV). */
  readonly wEx: number;
  readonly wIn: number;
  /** Largest current input (pA). */
  readonly current: number;
  /** Initial values drawn uniformly from [lo, hi] per neuron (default: the model's initial values). */
  readonly initial?: Readonly<Record<string, readonly [number, number]>>;
}

/** A hand-written kernel registered for one scheme of an equation model. */
export interface SchemeOverride {
  readonly kernel: NeuronScheme;
  readonly equivalence: Equivalence;
  readonly probe: OverrideProbe;
  /** What makes it worth keeping (the measured speed-up). */
  readonly doc: string;
  /**
   * The generated scheme the kernel implements, where it is not the one of its own name: IFGroup keeps
   * Auryn's Euler under its historic names euler-f32 and euler-f32x4-wasm-simd, held to the generated
   * euler-exact-decay-f32. The generated kernel of its own name (another method), if any, stays
   * reachable as `<name>-generated`, as for a hand-only kernel.
   */
  readonly against?: string;
}

/** A NeuronModel made from equations, with what the analysis found. */
export interface EquationModel extends NeuronModel {
  /** The declaration as written (docs/models renders its equations from it). */
  readonly definition: ModelDef;
  readonly compiled: CompiledModel;
  /** Schemes that do not apply to the model, with the reason (exact: a nonlinear term). */
  readonly refused: Readonly<Record<string, string>>;
  /** The scheme `name` if the model has it, else an error saying why not. */
  scheme(name: string): EquationScheme;
  /** Hand kernels in place of generated ones, by scheme; the generated kernel is `<scheme>-generated`. */
  readonly overrides: Readonly<Record<string, SchemeOverride>>;
  /** Hand kernels of another method under a generated scheme's name, with what differs. */
  readonly handOnly: Readonly<Record<string, string>>;
}

/** The name the generated kernel of an overridden scheme keeps. */
export const generatedName = (scheme: string) => `${scheme}-generated`;

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
  // The model's own order, then the archiving parameters it does not declare.
  const params: ParamSchema = {};
  for (const [name, s] of Object.entries(def.params)) params[name] = { ...s, doc: s.doc ?? '' };
  for (const [name, s] of Object.entries(ARCHIVING)) if (!(name in params)) params[name] = s;
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
  return withOverrides({
    kind: 'neuron',
    name: def.name,
    doc: def.doc,
    params,
    state,
    integrators,
    defaultIntegrator,
    check: def.check,
    definition: def,
    compiled,
    refused,
    scheme,
    overrides: {},
    handOnly: {},
  }, options);
}

/**
 * `model` with `options.overrides` and `options.handOnly` in place of the generated kernels they name
 * (those move to `<scheme>-generated`). A hand kernel must store the model's state in the generated
 * kernel's precision; an override needs a scheme that applies to the model.
 */
export function withOverrides(model: EquationModel, options: Pick<DefineOptions, 'overrides' | 'handOnly'>): EquationModel {
  const given: [string, NeuronScheme][] = [
    ...Object.entries(options.overrides ?? {}).map(([k, o]) => [k, o.kernel] as [string, NeuronScheme]),
    ...Object.entries(options.handOnly ?? {}).map(([k, o]) => [k, o.kernel] as [string, NeuronScheme]),
  ];
  if (given.length === 0) return model;
  const integrators: Record<string, NeuronScheme> = { ...model.integrators };
  for (const [name, kernel] of given) {
    if (options.overrides?.[name] && options.handOnly?.[name]) throw new ModelError(`model '${model.name}': scheme '${name}' is both an override and hand-only`);
    const against = options.overrides?.[name]?.against;
    if (against !== undefined) {
      const ref = integrators[against];
      if (ref === undefined || against in (options.overrides ?? {}) || against in (options.handOnly ?? {})) {
        throw new ModelError(`model '${model.name}': the '${name}' kernel is held to '${against}', which is no generated scheme of the model${model.refused[against] ? ` (${model.refused[against]})` : ''}`);
      }
      if ((kernel.precision ?? 'f64') !== (ref.precision ?? 'f64')) {
        throw new ModelError(`model '${model.name}': the hand '${name}' kernel stores ${kernel.precision ?? 'f64'}, the generated '${against}' ${ref.precision ?? 'f64'}`);
      }
      // No generated kernel of its own name (the SIMD schemes refuse the model, say): nothing to move aside.
      if (integrators[name] === undefined) {
        integrators[name] = kernel;
        continue;
      }
    }
    const generated = integrators[name];
    if (generated === undefined) {
      const why = model.refused[name];
      throw new ModelError(`model '${model.name}': no generated '${name}' kernel to override${why ? ` (${why})` : ''}; register a scheme of another name instead`);
    }
    if (against === undefined && (kernel.precision ?? 'f64') !== (generated.precision ?? 'f64')) {
      throw new ModelError(`model '${model.name}': the hand '${name}' kernel stores ${kernel.precision ?? 'f64'}, the generated one ${generated.precision ?? 'f64'}`);
    }
    if (generatedName(name) in integrators) throw new ModelError(`model '${model.name}': a scheme is already named '${generatedName(name)}'`);
    integrators[name] = kernel;
    integrators[generatedName(name)] = generated;
  }
  const heldTo = (name: string) => options.overrides?.[name]?.against;
  const scheme = (name: string): EquationScheme => {
    const against = heldTo(name);
    if (against !== undefined) return model.scheme(against);
    return model.scheme(name.endsWith('-generated') && name.slice(0, -'-generated'.length) in integrators ? name.slice(0, -'-generated'.length) : name);
  };
  const handOnly: Record<string, string> = {};
  for (const [k, o] of Object.entries(options.handOnly ?? {})) handOnly[k] = o.why;
  // A name a hand kernel now holds is no longer one that does not apply (IFGroup's euler-f32x4-wasm-simd).
  const refused: Record<string, string> = {};
  for (const [k, why] of Object.entries(model.refused)) if (!(k in integrators)) refused[k] = why;
  return { ...model, integrators, scheme, refused, overrides: { ...model.overrides, ...options.overrides }, handOnly: { ...model.handOnly, ...handOnly } };
}
