import { ParameterError, formatValue } from './errors.js';
import { synapseOptions, takePerSynapseParams, takeSplitDelay, type parseConn, type parseSyn } from './connect.js';
import type { PluginRegistry } from './registry.js';
import { BYTES_PER, type StateComponent } from './component.js';
import { FLOAT32_RANGE, fitsFloat32 } from './memory.js';
import { Device, Population, Projection, type HandleOwner } from './handles.js';
import type { ResourceComponent } from './component.js';
import { knownNames, resolveParams, type Params, type ParamSchema } from './schema.js';

// The checks the network runs on its arguments before it builds anything.

/** A value that is not a node, described for an error (a projection or a plain object has no useful JSON). */
export function describeNotNode(x: unknown): unknown {
  if (x instanceof Projection) return `projection ${x.id} (a projection, not a node)`;
  if (typeof x === 'object' && x !== null && !Array.isArray(x)) return `an object that is not a node handle (${Object.keys(x).slice(0, 5).join(', ') || 'no keys'})`;
  return x;
}

/** Devices whose schema has NEST's start and stop: stop >= start, as NEST's device parameters require. */
export function checkStartStop(where: string, p: Params): void {
  if (typeof p.start === 'number' && typeof p.stop === 'number' && p.stop < p.start) {
    throw new ParameterError(where, 'stop', p.stop, `a time >= start (${p.start} ms): NEST requires stop >= start`);
  }
}

/**
 * Bytes per neuron of a population: its state component's fields as declared, its input ring (three channels
 * of float64 over at least max delay + min delay + 1 = 3 rows; longer delays add rows) and its spike index.
 */
export function neuronBytes(component: StateComponent): { bytes: number; detail: string } {
  let state = 0;
  for (const f of Object.values(component.fields)) state += BYTES_PER[f.type ?? 'f64'] ?? 8;
  const ring = 3 * 8 * 3;
  return { bytes: state + ring + 4, detail: `state ${state} B, input ring >= ${ring} B, spike index 4 B` };
}

/** Initial values a float32 state (euler-f32 schemes) cannot hold are refused before anything is allocated. */
export function checkFloat32Initial(where: string, integrator: string, component: StateComponent, p: Params, dt: number): void {
  for (const [field, f] of Object.entries(component.fields)) {
    if (f.type !== 'f32') continue;
    const v = typeof f.initial === 'function' ? f.initial(p, dt) : (f.initial ?? 0);
    if (Number.isFinite(v) && !fitsFloat32(v)) {
      const name = field in p ? field : `${field} (initial value)`;
      throw new ParameterError(where, name, v, `${FLOAT32_RANGE}: integrator '${integrator}' keeps ${field} in float32`);
    }
  }
}

/**
 * Every key of a conn_spec or syn_spec is one the rule or synapse model knows: the error for a misspelt one
 * lists them all (a model without parameters still takes the general keys). `receptor_type` gets its own
 * answer: no built-in neuron model has receptor ports, the sign of the weight picks the input channel.
 */
/** syn_spec `weight_recorder` (NEST's synapse property): the device that logs every transmission of the projection. */
export function takeWeightRecorder(where: string, rest: Record<string, unknown>, owner: HandleOwner): ((p: Projection) => void) | null {
  const d = rest.weight_recorder;
  if (d === undefined) return null;
  delete rest.weight_recorder;
  const rt = d instanceof Device && d.owner === owner ? (d.runtime as { logTransmissions?: (p: Projection) => void }) : null;
  if (!rt?.logTransmissions) throw new ParameterError(where, 'weight_recorder', describeNotNode(d), 'a weight_recorder created by this simulator');
  return (p) => rt.logTransmissions!(p);
}

export function checkSpecKeys(where: string, spec: string, rest: Record<string, unknown>, general: readonly string[], own: readonly string[], owner: string, targetModel?: string): void {
  for (const key of Object.keys(rest)) {
    if (own.includes(key) || general.includes(key)) continue;
    if (key === 'receptor_type' && targetModel !== undefined) {
      throw new ParameterError(where, `${spec}.receptor_type`, rest[key], `none: ${targetModel} has no receptor types (one input port; a weight's sign picks the excitatory or inhibitory channel, as NEST's receptor 0)`);
    }
    const theirs = own.length ? `, or ${owner}'s parameters: ${own.join(', ')}` : ` (${owner} takes no parameters of its own)`;
    throw new ParameterError(where, `${spec}.${key}`, rest[key], `one of the ${spec} keys ${general.join(', ')}${theirs}`);
  }
}

/** Move a device's non-numeric parameters (arrays, booleans, names) out of the numbers resolveParams checks. */
export function splitExtraParams(params: Record<string, unknown> | undefined, names: readonly string[] | undefined): { numeric: Record<string, unknown> | undefined; extra: Record<string, unknown> } {
  if (!names || !params || typeof params !== 'object') return { numeric: params, extra: {} };
  const numeric: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) (names.includes(k) ? extra : numeric)[k] = v;
  return { numeric, extra };
}

/** The numeric part of a device's set() names parameters of its model (the extras are the runtime's to check). */
export function checkDeviceSetKeys<T extends { numeric: Record<string, unknown> | undefined }>(where: string, split: T, schema: ParamSchema, extras: readonly string[] | undefined): T {
  const known = extras?.length ? `one of the model's parameters: ${[...Object.keys(schema), ...extras].join(', ')}` : knownNames(schema);
  for (const [k, v] of Object.entries(split.numeric ?? {})) if (!(k in schema)) throw new ParameterError(where, k, v, known);
  return split;
}

/** A generator link has a weight and a delay only: anything else would be silently ignored. */
export function checkGeneratorLink(
  where: string, conn: ReturnType<typeof parseConn>, syn: ReturnType<typeof parseSyn>, targetModel: string,
): asserts syn is ReturnType<typeof parseSyn> & { weight: number; delay: number } {
  checkSpecKeys(where, 'conn_spec', conn.rest, ['rule', 'allow_autapses', 'allow_multapses'], [], `rule ${conn.rule.name} from a generator`);
  checkSpecKeys(where, 'syn_spec', syn.rest, ['synapse_model', 'weight', 'delay'], [], `a generator's connection`, targetModel);
  if (typeof syn.weight !== 'number' || !Number.isFinite(syn.weight)) throw new ParameterError(where, 'weight', formatValue(syn.weight), 'a finite number');
  if (!fitsFloat32(syn.weight)) throw new ParameterError(where, 'weight', syn.weight, `${FLOAT32_RANGE}: weights are float32 in the synapse tables and in the input rings of float32 kernels`);
  if (typeof syn.delay !== 'number') throw new ParameterError(where, 'delay', formatValue(syn.delay), 'a number (ms)');
}

/** `attach`: a handle of this network and a component (a user system's settings). */
export function checkAttach(handle: unknown, c: ResourceComponent<unknown> | undefined, owner: HandleOwner): asserts handle is Population | Projection | Device {
  const isHandle = handle instanceof Population || handle instanceof Projection || handle instanceof Device;
  if (!isHandle || handle.owner !== owner) {
    throw new ParameterError(`attach ${c?.name}`, 'handle', isHandle ? 'a handle of another simulator' : handle, 'a population, projection or device created by this simulator');
  }
  if (!c || typeof c !== 'object' || typeof c.name !== 'string') {
    throw new ParameterError('attach', 'component', c, 'a component (defineResource(name)) that a system of this simulator queries');
  }
}

/**
 * A parsed syn_spec checked and resolved: NEST's split delay and the per-synapse parameters taken out, the keys
 * checked against the model, its options chosen and its shared parameters resolved.
 */
export function resolveSyn(where: string, syn: ReturnType<typeof parseSyn>, postModel: string, registry: PluginRegistry): { options: Record<string, string>; params: Params } {
  const checkSplit = takeSplitDelay(syn);
  checkSpecKeys(where, 'syn_spec', syn.rest, ['synapse_model', 'weight', 'delay', ...Object.keys(syn.model.options ?? {})], Object.keys(syn.model.params), syn.model.name, postModel);
  const options = synapseOptions(where, syn.model, syn.rest, registry);
  checkSplit(where, options, registry);
  takePerSynapseParams(where, syn);
  return { options, params: resolveParams(where, syn.model.params, syn.rest) };
}
