import { ParameterError } from './errors.js';

/**
 * One parameter of a model: NEST's name, its unit, its default and the range a value must lie in.
 * Ranges are inclusive unless `exclusiveMin`/`exclusiveMax` say otherwise.
 */
export interface ParamSpec {
  unit: string;
  default: number;
  doc: string;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  integer?: boolean;
  /** An infinite value is meaningful: +Infinity for a device's `stop`, -Infinity for "no lower bound" (V_min). */
  allowInfinity?: boolean;
  /** The value must be given (NEST's conn_spec `indegree`, `N`, `p`): `default` is then only documentation. */
  required?: boolean;
}

export type ParamSchema = Record<string, ParamSpec>;
export type Params = Record<string, number>;

export function describeRange(spec: ParamSpec): string {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`${spec.exclusiveMin ? '>' : '>='} ${spec.min}`);
  if (spec.max !== undefined) parts.push(`${spec.exclusiveMax ? '<' : '<='} ${spec.max}`);
  const kind = spec.integer ? 'an integer' : spec.allowInfinity ? 'a number (infinite values allowed)' : 'a finite number';
  return parts.length ? `${kind} ${parts.join(' and ')}${spec.unit ? ` (${spec.unit})` : ''}` : `${kind}${spec.unit ? ` (${spec.unit})` : ''}`;
}

export function checkValue(where: string, name: string, spec: ParamSpec, value: unknown): number {
  const bad = () => new ParameterError(where, name, value, describeRange(spec));
  if (typeof value !== 'number' || Number.isNaN(value)) throw bad();
  if (!Number.isFinite(value) && !spec.allowInfinity) throw bad();
  if (spec.integer && !Number.isInteger(value)) throw bad();
  if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min)) throw bad();
  if (spec.max !== undefined && (spec.exclusiveMax ? value >= spec.max : value > spec.max)) throw bad();
  return value;
}

/**
 * Fill defaults and check every given parameter against the schema. Unknown names are errors, as in
 * NEST's SetDefaults: a typo must not silently fall back to a default.
 */
export function resolveParams(where: string, schema: ParamSchema, given: Record<string, unknown> | undefined): Params {
  const out: Params = {};
  if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) {
    throw new ParameterError(where, 'params', given, 'an object mapping parameter names to numbers');
  }
  for (const key of Object.keys(given ?? {})) {
    if (!(key in schema)) throw new ParameterError(where, key, (given as Record<string, unknown>)[key], knownNames(schema));
  }
  for (const [name, spec] of Object.entries(schema)) {
    const v = given?.[name];
    if (v === undefined && spec.required) throw new ParameterError(where, name, undefined, `${describeRange(spec)}: it is required (no default)`);
    out[name] = v === undefined ? spec.default : checkValue(where, name, spec, v);
  }
  return out;
}

/** What an unknown parameter name could have been: the schema's names, or that there are none. */
export function knownNames(schema: ParamSchema, what = "the model's parameters"): string {
  const names = Object.keys(schema);
  return names.length ? `one of ${what}: ${names.join(', ')}` : `none: it takes no parameters`;
}

/** Render a schema as the rows `spikeworks models <name>` prints. */
export function schemaRows(schema: ParamSchema): { name: string; unit: string; default: number; allowed: string; doc: string }[] {
  return Object.entries(schema).map(([name, s]) => ({ name, unit: s.unit, default: s.default, allowed: describeRange(s), doc: s.doc }));
}
