import type { FieldArray, FieldDecl } from '../component.js';
import type { Node } from './ir.js';
import type { Unit } from './units.js';

/** A receptor port after analysis: which ring channel feeds which state slot, with what sign and factor. */
export interface Port {
  readonly name: 'ex' | 'in';
  readonly channel: 'ex' | 'inh';
  readonly target: number;
  /** +1: add the ring's signed sum; -1: subtract it (conductances: NEST adds |w| of negative weights). */
  readonly sign: 1 | -1;
  /** Weight (pA, nS or mV) to the target's unit, parameters only. */
  readonly scale: Node;
  /** Input is discarded while refractory (a delta port onto a clamped variable, as iaf_psc_delta does). */
  readonly dropWhenRefractory: boolean;
  /** The port sets its variable to this step's input instead of adding to it (the first 'spikes' port onto it). */
  readonly set: boolean;
}

/** A model as the schemes see it: ODEs over numbered state slots, in the state's units per ms. */
export interface CompiledModel {
  readonly name: string;
  readonly states: readonly string[];
  readonly units: readonly Unit[];
  /** dy_j/dt, in unit(y_j)/ms; the current input I_stim is slot `states.length` of an evaluation env. */
  readonly derivs: readonly Node[];
  /** Variables held (derivative 0) while refractory. */
  readonly clamped: readonly boolean[];
  /** Reads state slot k + 1 + j for prev(y_j): y_j at the start of the step, before integration. */
  readonly threshold?: Node;
  readonly resets: readonly { readonly target: number; readonly value: Node }[];
  /** Refractory period in ms (parameters only). */
  readonly refractory?: Node;
  readonly ports: readonly Port[];
  /** Lower bounds (parameters only), applied after the input unless refractory. */
  readonly lowerBounds: readonly { readonly target: number; readonly value: Node }[];
  /** Upper bounds (parameters only), applied after the lower ones in the same way. */
  readonly upperBounds: readonly { readonly target: number; readonly value: Node }[];
  /** Initial values in the state's units (parameters only). */
  readonly initial: readonly Node[];
  /** Error control of adaptive schemes (GSL's control_y_new(epsAbs, epsRel)); NEST: 1e-3, 0. */
  readonly tolerance: { readonly epsAbs: number; readonly epsRel: number };
}

/** What a scheme's code generator is given for one (model, parameters, dt). */
export interface EmitContext {
  readonly k: number;
  /** Locals holding the state (`y0`, `y1`, ...): the block updates them in place. `refr` and `stim` are in scope. */
  readonly vars: readonly string[];
  readonly dt: number;
  /** JS source of dy_j/dt with the state read from `names` (clamped variables give 0 while refractory). */
  deriv(j: number, names: readonly string[]): string;
  /**
   * A block assigning every dy_j/dt at `names` to `outs[j]`, each subexpression that occurs more than once
   * (an HH rate read by two equations) computed once into a block-scoped temporary: the same operations on
   * the same operands as `deriv`, so the same values. Schemes may use it instead of k `deriv` calls.
   */
  derivs?(outs: readonly string[], names: readonly string[]): string;
  /** Identifier of the scheme's internal per-neuron array `name` (index it with `i`). */
  internal(name: string): string;
  readonly prep: unknown;
  readonly model: CompiledModel;
}

/** What a scheme's fallback (no code generation) is given: the same arithmetic over arrays. */
export interface FallbackContext {
  readonly k: number;
  readonly dt: number;
  /** Set by the kernel before each neuron: whether it is refractory. */
  refr: boolean;
  /** The k derivatives at `src` (state slots, then I_stim at slot k) into `out`, clamping as `deriv` does. */
  derivs(src: Float64Array, out: Float64Array): void;
  readonly internal: Readonly<Record<string, FieldArray>>;
  readonly prep: unknown;
  readonly model: CompiledModel;
}

/**
 * A model-agnostic integration scheme: it generates the integration block of a kernel for any model it
 * applies to, and offers the same step as a loop over arrays for when code generation is unavailable.
 * Both must perform the same floating-point operations in the same order (tests hold them bit-identical).
 */
export interface EquationScheme {
  readonly name: string;
  readonly doc: string;
  readonly precision: 'f64' | 'f32';
  /** Per-neuron variables the scheme carries (a step size), allocated after the model's. */
  readonly internal?: Readonly<Record<string, FieldDecl>>;
  /** Why the scheme cannot integrate the model, or undefined when it can. */
  refuse?(model: CompiledModel): string | undefined;
  /** Constants computed once per population (propagators), from the bound derivatives. */
  prepare?(model: CompiledModel, bound: readonly Node[], boundRefractory: readonly Node[], dt: number): unknown;
  emit(ctx: EmitContext): string;
  fallback(ctx: FallbackContext): (env: Float64Array, i: number) => void;
}

const registry = new Map<string, EquationScheme>();

/** Add a scheme by name; models defined afterwards list it where it applies. */
export function registerScheme(s: EquationScheme): void {
  registry.set(s.name, s);
}

export function registeredSchemes(): EquationScheme[] {
  return [...registry.values()];
}
