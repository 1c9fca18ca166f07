import type { Params } from '../schema.js';
import { ModelError, lowerAs, type Binding, type Scope } from './analyse.js';
import { num, dependsOnState, type Node } from './ir.js';
import { parseAssignment, parseEquation, parseExpr, type EquationLine } from './parser.js';
import type { CompiledModel, Port } from './scheme.js';
import { DIMENSIONLESS, MS, UnitError, divUnits, formatUnit, parseUnit, sameDimension, type Unit } from './units.js';

/** A parameter as a model declares it: NEST's ParamSpec with `doc` optional. */
export interface ParamDef {
  unit: string;
  default: number;
  doc?: string;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  allowInfinity?: boolean;
  integer?: boolean;
}

export interface StateDef {
  unit: string;
  /** A number in the variable's unit, or an expression of the parameters ('E_L'). */
  initial: number | string;
  doc?: string;
}

/**
 * A synaptic input port. `kind` fixes the weight's unit: 'current' pA, 'conductance' nS, 'delta' mV.
 * A spike of weight w adds w × scale to `variable` (scale: an expression of parameters, default 1, whose
 * unit turns the weight's unit into the variable's: 'e / tau_syn_ex' for an alpha current's derivative).
 * 'spikes' (dimensionless weights) is NESTML's input buffer rather than a jump: the variable holds the
 * summed |w| × scale of this step's spikes, set anew every step after the integration, and takes no
 * equation (a parrot's input; a model without dynamics).
 */
export interface ReceptorDef {
  kind: 'current' | 'conductance' | 'delta' | 'spikes';
  variable: string;
  scale?: string;
  doc?: string;
}

export interface ModelDef {
  name: string;
  doc: string;
  params: Record<string, ParamDef>;
  state: Record<string, StateDef>;
  /** 'dX/dt = expr : unit' for each state variable, and 'name = expr : unit' subexpressions. */
  equations: readonly string[];
  /**
   * A comparison, or comparisons joined by `and`: 'V_m >= V_th'. `prev(V_m)` is V_m at the start of the
   * step (a spike at a local maximum: 'V_m >= 0 * mV and prev(V_m) > V_m'). None: the model never spikes.
   */
  threshold?: string;
  /** Statements run in order after a spike: 'V_m = V_reset', 'w += b'. */
  reset?: readonly string[];
  /** `period` (a time expression); `clamp`: variables held while refractory. */
  refractory?: { period: string; clamp?: readonly string[] };
  /**
   * Lower bounds of state variables (parameters only): after the step's input, a variable below its bound
   * is set to it, unless the neuron is refractory (NEST's V_min in iaf_psc_alpha and iaf_psc_delta).
   */
  lowerBounds?: Readonly<Record<string, string>>;
  /** Upper bounds, applied after the lower ones in the same way (Auryn clips V at its excitatory reversal, 0 mV). */
  upperBounds?: Readonly<Record<string, string>>;
  /** Ports 'ex' (positive weights) and 'in' (negative weights), as NEST routes them. */
  receptors?: { ex?: ReceptorDef; in?: ReceptorDef };
  /** The scheme a population gets when it names none (default: 'exact' where it applies, else 'rkf45'). */
  defaultIntegrator?: string;
  /** Error control of adaptive schemes: GSL's control_y_new(epsAbs, epsRel); default NEST's (1e-3, 0). */
  tolerance?: { epsAbs: number; epsRel: number };
  /** Checks that involve several parameters (V_reset < V_th): throw a ParameterError. */
  check?(p: Params, where: string, dt: number): void;
}

const WEIGHT_UNIT: Record<ReceptorDef['kind'], string> = { current: 'pA', conductance: 'nS', delta: 'mV', spikes: '1' };
const PA = parseUnit('pA', 'pA');
/** Names every model may read; a parameter or variable of the same name shadows them. */
const CONSTANTS: Record<string, number> = { e: Math.E, pi: Math.PI };
const RESERVED = new Set(['I_stim', 't', 'dt']);

/** Analyse a definition: parse, check units, resolve names. Throws a UnitError or ModelError naming the culprit. */
export function compileModel(def: ModelDef): { compiled: CompiledModel; paramUnits: Record<string, Unit> } {
  const m = `model '${def.name}'`;
  const paramUnits: Record<string, Unit> = {};
  for (const [name, spec] of Object.entries(def.params)) {
    if (RESERVED.has(name)) throw new ModelError(`${m}: parameter '${name}' uses a reserved name`);
    paramUnits[name] = parseUnit(spec.unit, `${m}: parameter '${name}'`);
    if (typeof spec.default !== 'number') throw new ModelError(`${m}: parameter '${name}' needs a numeric default`);
  }
  const states = Object.keys(def.state);
  const units = states.map((s) => {
    if (RESERVED.has(s)) throw new ModelError(`${m}: state variable '${s}' uses a reserved name`);
    if (s in def.params) throw new ModelError(`${m}: '${s}' is both a parameter and a state variable`);
    return parseUnit(def.state[s].unit, `${m}: state variable '${s}'`);
  });
  const lines = def.equations.map((src) => parseEquation(src));
  const aliasLines = new Map<string, EquationLine>();
  const odes = new Map<string, EquationLine>();
  for (const l of lines) {
    const where = `equation '${l.src}'`;
    if (l.kind === 'alias') {
      if (states.includes(l.name) || l.name in def.params || aliasLines.has(l.name)) throw new ModelError(`${where}: '${l.name}' is already defined`);
      aliasLines.set(l.name, l);
      continue;
    }
    const j = states.indexOf(l.name);
    if (j < 0) throw new ModelError(`${where}: '${l.name}' is not a state variable (declare it in 'state')`);
    if (odes.has(l.name)) throw new ModelError(`${where}: a second equation for '${l.name}'`);
    const declared = parseUnit(l.unit, where);
    if (!sameDimension(declared, units[j]) || declared.exp !== units[j].exp) {
      throw new UnitError(`${where}: the equation's unit ${l.unit} differs from the state variable's (${def.state[l.name].unit})`);
    }
    odes.set(l.name, l);
  }
  // A variable that holds this step's spike input ('spikes' port) is set, not integrated.
  const held = new Set(Object.values(def.receptors ?? {}).filter((r) => r?.kind === 'spikes').map((r) => r!.variable));
  for (const s of states) {
    if (held.has(s) && odes.has(s)) throw new ModelError(`equation '${odes.get(s)!.src}': '${s}' holds this step's input (a 'spikes' port) and takes no equation`);
    if (!held.has(s) && !odes.has(s)) throw new ModelError(`${m}: state variable '${s}' has no equation (write 'd${s}/dt = 0 : ${def.state[s].unit}' for one that only jumps)`);
  }

  const aliases = new Map<string, Binding>();
  const inProgress = new Set<string>();
  const paramScope: Scope = (name) => {
    if (name in paramUnits) return { node: { t: 'param', name }, unit: paramUnits[name] };
    if (name in CONSTANTS) return { node: num(CONSTANTS[name]), unit: DIMENSIONLESS };
    return undefined;
  };
  const scope: Scope = (name) => {
    const j = states.indexOf(name);
    if (j >= 0) return { node: { t: 'state', i: j, src: name }, unit: units[j] };
    if (name === 'I_stim') return { node: { t: 'stim' }, unit: PA };
    const a = aliasLines.get(name);
    if (a) {
      const done = aliases.get(name);
      if (done) return done;
      if (inProgress.has(name)) throw new ModelError(`subexpression '${name}' refers to itself`);
      inProgress.add(name);
      const unit = parseUnit(a.unit, `equation '${a.src}'`);
      const b: Binding = { node: lowerAs(a.rhs, unit, scope, `equation '${a.src}'`), unit };
      aliases.set(name, b);
      return b;
    }
    return paramScope(name);
  };

  const derivs = states.map((s, j) => {
    const l = odes.get(s);
    if (l === undefined) return num(0);
    return lowerAs(l.rhs, divUnits(units[j], MS), scope, `equation '${l.src}'`);
  });
  // Subexpressions no equation reads are still checked.
  for (const name of aliasLines.keys()) scope(name);
  const initial = states.map((s, j) => {
    const v = def.state[s].initial;
    if (typeof v === 'number') return num(v);
    return lowerAs(parseExpr(v), units[j], paramScope, `${m}: initial value '${v}' of '${s}'`);
  });
  let threshold: Node | undefined;
  if (def.threshold !== undefined) {
    const where = `threshold '${def.threshold}'`;
    const e = parseExpr(def.threshold, where);
    if (e.type !== 'cmp' && e.type !== 'and') throw new ModelError(`${where}: expected a comparison such as 'V_m >= V_th'`);
    // prev(X) reads slot k + 1 + j: X at the start of the step (slot k is I_stim).
    const thresholdScope: Scope = (name) => {
      const p = /^prev\((.*)\)$/.exec(name);
      if (!p) return scope(name);
      const j = states.indexOf(p[1]);
      return j < 0 ? undefined : { node: { t: 'state', i: states.length + 1 + j, src: name }, unit: units[j] };
    };
    threshold = lowerAs(e, DIMENSIONLESS, thresholdScope, where);
  }
  const resets = (def.reset ?? []).map((src) => {
    const a = parseAssignment(src);
    const j = states.indexOf(a.target);
    if (j < 0) throw new ModelError(`reset '${src}': '${a.target}' is not a state variable`);
    return { target: j, value: lowerAs(a.value, units[j], scope, `reset '${src}'`) };
  });
  let refractory: Node | undefined;
  const clamped = states.map(() => false);
  if (def.refractory) {
    const where = `refractory period '${def.refractory.period}'`;
    refractory = lowerAs(parseExpr(def.refractory.period, where), MS, paramScope, where);
    for (const c of def.refractory.clamp ?? []) {
      const j = states.indexOf(c);
      if (j < 0) throw new ModelError(`${m}: refractory clamp '${c}' is not a state variable`);
      clamped[j] = true;
    }
  }
  const ports = compilePorts(def, states, units, paramScope, clamped);
  const boundsOf = (given: Readonly<Record<string, string>> | undefined, which: string) => Object.entries(given ?? {}).map(([v, src]) => {
    const j = states.indexOf(v);
    if (j < 0) throw new ModelError(`${m}: ${which} bound of '${v}', which is not a state variable`);
    const where = `${which} bound '${src}' of '${v}'`;
    return { target: j, value: lowerAs(parseExpr(src, where), units[j], paramScope, where) };
  });
  const lowerBounds = boundsOf(def.lowerBounds, 'lower');
  const upperBounds = boundsOf(def.upperBounds, 'upper');
  const tolerance = def.tolerance ?? { epsAbs: 1e-3, epsRel: 0 };
  if (!(tolerance.epsAbs >= 0 && tolerance.epsRel >= 0 && tolerance.epsAbs + tolerance.epsRel > 0)) {
    throw new ModelError(`${m}: tolerance needs epsAbs >= 0 and epsRel >= 0, not both 0`);
  }
  return { compiled: { name: def.name, states, units, derivs, clamped, threshold, resets, refractory, ports, initial, tolerance, lowerBounds, upperBounds }, paramUnits };
}

function compilePorts(def: ModelDef, states: readonly string[], units: readonly Unit[], paramScope: Scope, clamped: readonly boolean[]): Port[] {
  const r = def.receptors ?? {};
  const ports: Port[] = [];
  const make = (name: 'ex' | 'in', d: ReceptorDef, channel: 'ex' | 'inh'): Port => {
    const where = `receptor '${name}'`;
    if (!(d.kind in WEIGHT_UNIT)) throw new ModelError(`${where}: kind '${d.kind}' is not one of current, conductance, delta`);
    const j = states.indexOf(d.variable);
    if (j < 0) throw new ModelError(`${where}: '${d.variable}' is not a state variable`);
    const w = parseUnit(WEIGHT_UNIT[d.kind], where);
    const want = divUnits(units[j], w);
    const scaleSrc = d.scale ?? '1';
    let scale: Node;
    try {
      scale = lowerAs(parseExpr(scaleSrc), want, paramScope, where);
    } catch (err) {
      if (err instanceof UnitError && d.scale === undefined) {
        throw new UnitError(`${where}: a ${d.kind} port adds ${WEIGHT_UNIT[d.kind]} but '${d.variable}' has unit ${formatUnit(units[j])}; give a scale with unit ${formatUnit(want)}`);
      }
      throw err;
    }
    if (dependsOnState(scale)) throw new ModelError(`${where}: the scale may read parameters only`);
    // Conductances take |w|: NEST routes negative weights to the inhibitory buffer and adds their magnitude.
    // So does a spike count: a parrot repeats a spike whatever its weight's sign.
    const sign = channel === 'inh' && (d.kind === 'conductance' || d.kind === 'spikes') ? -1 : 1;
    // The first port onto a 'spikes' variable overwrites last step's value; a second one adds to it.
    const set = d.kind === 'spikes' && !ports.some((q) => q.target === j);
    return { name, channel, target: j, sign, scale, dropWhenRefractory: d.kind === 'delta' && clamped[j], set };
  };
  if (r.ex) ports.push(make('ex', r.ex, 'ex'));
  if (r.in) ports.push(make('in', r.in, 'inh'));
  // One port takes both signs; a conductance cannot take a negative weight.
  const only = r.ex ?? r.in;
  if (only && !(r.ex && r.in)) {
    if (only.kind === 'conductance') {
      throw new ModelError(`model '${def.name}': a conductance port receives positive weights only; declare both 'ex' and 'in' ports`);
    }
    ports.push(make(r.ex ? 'ex' : 'in', only, r.ex ? 'inh' : 'ex'));
  }
  return ports;
}
