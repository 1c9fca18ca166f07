import { ParameterError, SpikeworksError } from './errors.js';
import { Population, PopulationView, Device, Projection } from './handles.js';
import type { ComponentSpec, ConnectionSpec, NodeRef, NodeSpec, SpecValue, NetworkSpec } from './spec.js';
import type { ResourceComponent } from './component.js';

type Handle = Population | Device | Projection;

/**
 * What a network was built from, recorded as it is built: the nodes in creation order, the connections
 * in call order, the components attached. `spec()` gives it as data; `replaySpec` builds a network from it.
 */
export class SpecLog {
  readonly nodes: NodeSpec[] = [];
  readonly connections: ConnectionSpec[] = [];
  readonly components: ComponentSpec[] = [];
  /** The handles of the nodes, in creation order (node i of the spec). */
  readonly handles: (Population | Device)[] = [];
  private readonly nodeIndex = new Map<Population | Device, number>();
  private readonly projectionIndex = new Map<Projection, number>();
  /** Set when a value could not be written as data: toSpec then says what and where. */
  private unspecifiable: string | null = null;

  /** The node index of a handle, or undefined when it is not one of this network's nodes. */
  indexOf(h: Population | Device): number | undefined {
    return this.nodeIndex.get(h);
  }

  addPopulation(pop: Population, model: string, n: number, params: Record<string, unknown> | undefined, integrator: string | undefined): void {
    this.nodeIndex.set(pop, this.nodes.length);
    this.handles.push(pop);
    this.nodes.push({ kind: 'population', model, n, ...(params ? { params: this.value(params, 'params') as Record<string, SpecValue> } : {}), ...(integrator ? { integrator } : {}) });
  }

  addDevice(dev: Device, model: string, params: Record<string, unknown> | undefined, options: Record<string, unknown>): void {
    this.nodeIndex.set(dev, this.nodes.length);
    this.handles.push(dev);
    const spec: NodeSpec = { kind: 'device', model };
    if (params) spec.params = this.value(params, 'params') as Record<string, SpecValue>;
    if (Object.keys(options).length) spec.options = this.value(options, 'options') as Record<string, SpecValue>;
    this.nodes.push(spec);
  }

  setState(pop: Population, variable: string, value: unknown): void {
    const node = this.nodes[this.nodeIndex.get(pop)!];
    if (node.kind !== 'population') return;
    (node.state ??= []).push({ variable, value: this.value(value, `state ${variable}`) });
  }

  setDevice(dev: Device, params: Record<string, unknown>): void {
    const node = this.nodes[this.nodeIndex.get(dev)!];
    node.params = { ...(node.params ?? {}), ...(this.value(params, 'params') as Record<string, SpecValue>) };
  }

  connect(pre: Population | PopulationView | Device, post: Population | PopulationView | Device, conn: unknown, syn: unknown, projection: Projection | null): void {
    const c: ConnectionSpec = { pre: this.ref(pre), post: this.ref(post) };
    if (conn !== undefined) c.conn = this.value(conn, 'conn_spec');
    if (syn !== undefined) c.syn = this.value(syn, 'syn_spec');
    if (projection) this.projectionIndex.set(projection, projection.id);
    this.connections.push(c);
  }

  attach(handle: Handle, component: ResourceComponent<unknown>, value: unknown): void {
    const target = handle instanceof Projection ? { $projection: this.projectionIndex.get(handle)! } : { $node: this.nodeIndex.get(handle)! };
    this.components.push({ target, component: component.name, value: this.value(value, `component ${component.name}`) });
  }

  private ref(x: Population | PopulationView | Device): NodeRef {
    if (x instanceof PopulationView) return { node: this.nodeIndex.get(x.population)!, start: x.start, end: x.end };
    return { node: this.nodeIndex.get(x)! };
  }

  /** A copy of a value as spec data: arrays copied, handles as references; anything else marks the log. */
  private value(v: unknown, where: string): SpecValue {
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
    if (v === undefined) return null;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return (v as Float64Array).slice();
    if (Array.isArray(v)) return v.map((x) => this.value(x, where));
    if (v instanceof Population || v instanceof Device) return { $node: this.nodeIndex.get(v)! };
    if (v instanceof Projection) return { $projection: this.projectionIndex.get(v)! };
    if (v instanceof PopulationView) return { $node: this.nodeIndex.get(v.population)!, start: v.start, end: v.end };
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, SpecValue> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = this.value(x, where);
      return out;
    }
    this.unspecifiable ??= `${where}: ${typeof v === 'function' ? 'a function' : (v as object).constructor?.name ?? typeof v}`;
    return null;
  }

  spec(simulator: NetworkSpec['simulator'], plugins: NetworkSpec['plugins']): NetworkSpec {
    if (this.unspecifiable) throw new SpikeworksError(`toSpec: the network holds a value that is not data (${this.unspecifiable}); give numbers, strings, arrays, distributions or handles`);
    const spec: NetworkSpec = {
      format: 'spikeworks-network', version: 1, simulator, plugins,
      nodes: structuredClone(this.nodes), connections: structuredClone(this.connections),
    };
    if (this.components.length) spec.components = structuredClone(this.components);
    return spec;
  }
}

/** What replaySpec builds through: a network's API. */
export interface SpecTarget {
  create(model: string, n?: number, params?: Record<string, unknown>, options?: Record<string, unknown>): Population | Device;
  connect(pre: unknown, post: unknown, conn?: never, syn?: never): Projection | null;
  attach<T>(handle: unknown, c: ResourceComponent<T>, value: T): void;
  readonly projections: readonly Projection[];
  /** A component by name, among those the simulator's systems query. */
  component(name: string): ResourceComponent<unknown> | undefined;
}

/** The largest projection id a value refers to, plus one (0 when none). */
function projectionsNeeded(v: unknown): number {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return 0;
  if (Array.isArray(v)) return v.reduce((m: number, x) => Math.max(m, projectionsNeeded(x)), 0);
  const o = v as Record<string, unknown>;
  let m = typeof o.$projection === 'number' ? o.$projection + 1 : 0;
  for (const x of Object.values(o)) m = Math.max(m, projectionsNeeded(x));
  return m;
}

/**
 * Build a network from a (validated) spec: nodes in order, each population's initial state right after
 * it, connections in order. A device that refers to a projection (a weight recorder) is created once that
 * projection exists, as it was through the API.
 */
export function replaySpec(spec: NetworkSpec, net: SpecTarget): { nodes: (Population | Device)[] } {
  const nodes: (Population | Device)[] = [];
  const handles = (v: SpecValue, where: string): unknown => {
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
    if (Array.isArray(v)) return v.map((x) => handles(x, where));
    const o = v as Record<string, SpecValue>;
    if (typeof o.$node === 'number') {
      const h = nodes[o.$node];
      if (!h) throw new ParameterError('network spec', `${where}.$node`, o.$node, `a node created before (${nodes.length} so far)`);
      return typeof o.start === 'number' && h instanceof Population ? h.slice(o.start, (o.end as number) ?? h.size) : h;
    }
    if (typeof o.$projection === 'number') {
      const p = net.projections[o.$projection];
      if (!p) throw new ParameterError('network spec', `${where}.$projection`, o.$projection, `a projection made before (${net.projections.length} so far)`);
      return p;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = handles(x, where);
    return out;
  };
  const ref = (r: NodeRef, where: string) => {
    const h = nodes[r.node];
    if (!h) throw new ParameterError('network spec', `${where}.node`, r.node, `a node created before this connection (${nodes.length} so far)`);
    if (r.start === undefined && r.end === undefined) return h;
    if (!(h instanceof Population)) throw new ParameterError('network spec', `${where}.start`, r.start, 'a range of a population, not of a device');
    return h.slice(r.start ?? 0, r.end ?? h.size);
  };
  const optional = (v: SpecValue | undefined, where: string): never => (v === undefined ? undefined : handles(v, where)) as never;
  let made = 0;
  // Connections up to the one that makes projection `count - 1` (a projection is a connect between populations).
  const connectUpTo = (count: number, all = false) => {
    for (; (all || net.projections.length < count) && made < spec.connections.length; made++) {
      const c = spec.connections[made];
      const where = `connections[${made}]`;
      net.connect(ref(c.pre, `${where}.pre`), ref(c.post, `${where}.post`), optional(c.conn, `${where}.conn`), optional(c.syn, `${where}.syn`));
    }
  };
  spec.nodes.forEach((n, i) => {
    const where = `nodes[${i}]`;
    connectUpTo(Math.max(projectionsNeeded(n.params), n.kind === 'device' ? projectionsNeeded(n.options) : 0));
    if (n.kind === 'population') {
      const pop = net.create(n.model, n.n, optional(n.params, `${where}.params`), n.integrator ? { integrator: n.integrator } : {}) as Population;
      nodes.push(pop);
      n.state?.forEach((s, k) => pop.set(s.variable, handles(s.value, `${where}.state[${k}]`) as never));
    } else {
      nodes.push(net.create(n.model, 1, optional(n.params, `${where}.params`), optional(n.options, `${where}.options`) ?? {}) as Device);
    }
  });
  connectUpTo(0, true);
  spec.components?.forEach((c, i) => {
    const component = net.component(c.component);
    if (!component) throw new ParameterError('network spec', `components[${i}].component`, c.component, 'a component one of the simulator\'s systems queries (register the system\'s plugin)');
    net.attach(handles(c.target as SpecValue, `components[${i}]`), component, handles(c.value, `components[${i}]`));
  });
  return { nodes };
}
