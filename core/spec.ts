import { ParameterError, formatValue } from './errors.js';
import type { DistributionSpec } from './distributions.js';
import { MAX_NODES } from './memory.js';

/**
 * A network as data: what every front end produces and every backend runs. Nodes (populations and devices)
 * are listed in creation order, because node ids (NEST's gids) follow it; connections in the order they
 * were made, because projection ids and the random streams keyed by them follow it. A spec in memory may hold
 * typed arrays (they pass between threads by structured clone); in a JSON file each is an object
 * `{ "$array": "float32", "base64": "..." }` (little-endian, see encodeSpecJson).
 */
export const SPEC_FORMAT = 'spikeworks-network';
export const SPEC_VERSION = 1;

export type TypedArrayLike = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Int16Array | Uint8Array | Int8Array;

/** A value in a spec: numbers, strings, arrays, distributions, and references to the spec's own nodes or projections. */
export type SpecValue =
  | number
  | string
  | boolean
  | null
  | TypedArrayLike
  | DistributionSpec
  | { $node: number }
  /** A projection by its id: the order of the connections between populations. */
  | { $projection: number }
  | SpecValue[]
  | { [key: string]: SpecValue };

export interface PopulationSpec {
  kind: 'population';
  model: string;
  n: number;
  params?: Record<string, SpecValue>;
  integrator?: string;
  /** Initial values set after creation, in order (`pop.set(variable, value)`). */
  state?: { variable: string; value: SpecValue }[];
  /** A name for front ends (PyNN's label); not used by the engine. */
  label?: string;
}

export interface DeviceSpec {
  kind: 'device';
  model: string;
  params?: Record<string, SpecValue>;
  options?: Record<string, SpecValue>;
  label?: string;
}

export type NodeSpec = PopulationSpec | DeviceSpec;

/** A node, or a contiguous part [start, end) of a population (NEST's slicing, for devices). */
export interface NodeRef {
  node: number;
  start?: number;
  end?: number;
}

export interface ConnectionSpec {
  pre: NodeRef;
  post: NodeRef;
  /** NEST's conn_spec (the plugin set's default rule when absent). */
  conn?: SpecValue;
  /** NEST's syn_spec: synapse_model, weight, delay (value specs or arrays) and the model's parameters. */
  syn?: SpecValue;
}

/** A component attached to a node or projection (the settings of a user system), by the component's name. */
export interface ComponentSpec {
  target: { $node: number } | { $projection: number };
  component: string;
  value: SpecValue;
}

export interface PluginSetSpec {
  /** Every plugin the network's simulator is composed of, by kind and name. */
  names: { kind: string; name: string }[];
  /** ES modules (paths or URLs) that export the plugins that are not built in, as arrays under `export` (default 'plugins'). */
  modules?: { url: string; export?: string }[];
}

export interface NetworkSpec {
  format: typeof SPEC_FORMAT;
  version: typeof SPEC_VERSION;
  simulator: { dt: number; seed: number };
  plugins: PluginSetSpec;
  nodes: NodeSpec[];
  connections: ConnectionSpec[];
  components?: ComponentSpec[];
  /** How the network is run by default: a presimulation, then the measured simulation (ms). */
  run?: { presimtime?: number; simtime: number };
}

const WHERE = 'network spec';

/** Whether a time (ms) is a whole number of steps of `dt`, with the tolerance Simulator.simulate allows. */
export function isMultipleOfDt(ms: number, dt: number): boolean {
  return Math.abs(Math.round(ms / dt) * dt - ms) <= 1e-9 * Math.max(1, ms);
}

function fail(path: string, value: unknown, allowed: string): never {
  throw new ParameterError(WHERE, path, value, allowed);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function checkRef(path: string, r: unknown, nodes: readonly NodeSpec[]): void {
  if (!isObject(r)) fail(path, r, '{ node: index } (optionally with start and end)');
  const n = r.node;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n >= nodes.length) fail(`${path}.node`, n, `the index of a node, in [0, ${nodes.length})`);
  for (const k of ['start', 'end'] as const) {
    if (r[k] !== undefined && (typeof r[k] !== 'number' || !Number.isInteger(r[k]))) fail(`${path}.${k}`, r[k], 'an integer');
  }
}

/** The references inside a value point at existing nodes and projections (they may only look back). */
function checkValueRefs(path: string, v: unknown, nodes: number, projections: number): void {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkValueRefs(`${path}[${i}]`, x, nodes, projections));
    return;
  }
  const o = v as Record<string, unknown>;
  if ('$node' in o && (!Number.isInteger(o.$node) || (o.$node as number) < 0 || (o.$node as number) >= nodes)) fail(`${path}.$node`, o.$node, `a node created before, in [0, ${nodes})`);
  if ('$projection' in o && (!Number.isInteger(o.$projection) || (o.$projection as number) < 0 || (o.$projection as number) >= projections)) {
    fail(`${path}.$projection`, o.$projection, `a projection made before, in [0, ${projections})`);
  }
  for (const [k, x] of Object.entries(o)) checkValueRefs(`${path}.${k}`, x, nodes, projections);
}

/**
 * Check a spec's shape before anything is built, with errors that name the path ('nodes[3].n'). The models,
 * their parameters and the connection specs are checked again, by the network, as they are built.
 */
export function validateSpec(spec: unknown): NetworkSpec {
  if (!isObject(spec)) fail('spec', spec, `an object with format '${SPEC_FORMAT}'`);
  if (spec.format !== SPEC_FORMAT) fail('format', spec.format, `'${SPEC_FORMAT}'`);
  if (spec.version !== SPEC_VERSION) fail('version', spec.version, String(SPEC_VERSION));
  const sim = spec.simulator;
  if (!isObject(sim)) fail('simulator', sim, '{ dt, seed }');
  if (typeof sim.dt !== 'number' || !(sim.dt > 0) || !Number.isFinite(sim.dt)) fail('simulator.dt', sim.dt, 'a finite number > 0 (ms)');
  if (!Number.isInteger(sim.seed) || (sim.seed as number) < 0 || (sim.seed as number) > 2 ** 32 - 1) fail('simulator.seed', sim.seed, 'an integer in [0, 2^32 - 1]');
  const plugins = spec.plugins;
  if (!isObject(plugins) || !Array.isArray(plugins.names)) fail('plugins', formatValue(plugins), '{ names: [{ kind, name }], modules?: [{ url, export? }] }');
  plugins.names.forEach((p, i) => {
    if (!isObject(p) || typeof p.kind !== 'string' || typeof p.name !== 'string') fail(`plugins.names[${i}]`, p, '{ kind, name }');
  });
  if (plugins.modules !== undefined) {
    if (!Array.isArray(plugins.modules)) fail('plugins.modules', plugins.modules, 'an array of { url, export? }');
    plugins.modules.forEach((m, i) => {
      if (!isObject(m) || typeof m.url !== 'string' || !m.url) fail(`plugins.modules[${i}]`, m, '{ url: a path or URL of an ES module, export?: the name of its plugin array }');
    });
  }
  if (!Array.isArray(spec.nodes)) fail('nodes', spec.nodes, 'an array of populations and devices');
  const nodes = spec.nodes as NodeSpec[];
  nodes.forEach((n, i) => {
    const p = `nodes[${i}]`;
    if (!isObject(n) || (n.kind !== 'population' && n.kind !== 'device')) fail(`${p}.kind`, isObject(n) ? n.kind : n, "'population' or 'device'");
    if (typeof n.model !== 'string' || !n.model) fail(`${p}.model`, n.model, 'a model name');
    if (n.params !== undefined && !isObject(n.params)) fail(`${p}.params`, n.params, 'an object of parameter values');
    if (n.kind === 'population') {
      if (!Number.isInteger(n.n) || n.n < 1 || n.n > MAX_NODES) fail(`${p}.n`, n.n, `an integer >= 1 and <= ${MAX_NODES} (node ids are int32)`);
      if (n.integrator !== undefined && typeof n.integrator !== 'string') fail(`${p}.integrator`, n.integrator, 'the name of one of the model\'s integrators');
      if (n.state !== undefined) {
        if (!Array.isArray(n.state)) fail(`${p}.state`, n.state, 'an array of { variable, value }');
        n.state.forEach((s, k) => {
          if (!isObject(s) || typeof s.variable !== 'string') fail(`${p}.state[${k}]`, s, '{ variable, value }');
        });
      }
    }
  });
  if (!Array.isArray(spec.connections)) fail('connections', spec.connections, 'an array of { pre, post, conn?, syn? }');
  (spec.connections as unknown[]).forEach((c, i) => {
    const p = `connections[${i}]`;
    if (!isObject(c)) fail(p, c, '{ pre, post, conn?, syn? }');
    checkRef(`${p}.pre`, c.pre, nodes);
    checkRef(`${p}.post`, c.post, nodes);
    // A connection may refer to projections made by the connections before it only (at most i of them).
    checkValueRefs(`${p}.syn`, c.syn, nodes.length, i);
  });
  nodes.forEach((n, i) => checkValueRefs(`nodes[${i}]`, n, i, (spec.connections as unknown[]).length));
  if (spec.components !== undefined) {
    if (!Array.isArray(spec.components)) fail('components', spec.components, 'an array of { target, component, value }');
    (spec.components as unknown[]).forEach((c, i) => {
      if (!isObject(c) || typeof c.component !== 'string' || !isObject(c.target)) fail(`components[${i}]`, c, '{ target: { $node } or { $projection }, component: name, value }');
      checkValueRefs(`components[${i}]`, c, nodes.length, (spec.connections as unknown[]).length);
    });
  }
  if (spec.run !== undefined) {
    const r = spec.run;
    const dt = sim.dt as number;
    if (!isObject(r) || typeof r.simtime !== 'number' || !(r.simtime >= 0) || !Number.isFinite(r.simtime)) fail('run.simtime', isObject(r) ? r.simtime : r, 'a finite time >= 0 (ms)');
    if (!isMultipleOfDt(r.simtime, dt)) fail('run.simtime', r.simtime, `a multiple of simulator.dt = ${dt} ms`);
    if (r.presimtime !== undefined && (typeof r.presimtime !== 'number' || !(r.presimtime >= 0) || !Number.isFinite(r.presimtime))) fail('run.presimtime', r.presimtime, 'a finite time >= 0 (ms)');
    if (r.presimtime !== undefined && !isMultipleOfDt(r.presimtime, dt)) fail('run.presimtime', r.presimtime, `a multiple of simulator.dt = ${dt} ms`);
  }
  return spec as unknown as NetworkSpec;
}
