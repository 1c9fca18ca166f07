import { inject, injectable } from 'tsyringe';
import type { EventEmitter } from 'eventemitter3';
import { ParameterError, SpikeworksError } from './errors.js';
import { knownNames, resolveParams, type Params } from './schema.js';
import { allocateState, heapArena, isStateComponent, type ResourceComponent } from './component.js';
import { MAX_NODES, MemoryLedger, formatCount, isMpiRank, type MemoryBudget } from './memory.js';
import { SpecLog } from './spec-log.js';
import { checkAttach, checkDeviceSetKeys, checkFloat32Initial, checkGeneratorLink, checkSpecKeys, checkStartStop, describeNotNode, neuronBytes, resolveSyn, splitExtraParams, takeWeightRecorder } from './network-checks.js';
import { C, type DeviceLink } from './components.js';
import { SERVICE, type Clock, type RandomStreams, type Services } from './services.js';
import { blockOf } from './partition.js';
import { assignState, checkStateArray, delayToSteps, isNumberArray } from './values.js';
import { drawProjection, parseConn, parseSyn, type ConnSpec, type SynSpec } from './connect.js';
import { Population, PopulationView, Device, Projection, type HandleOwner, type Node, type NodeOf } from './handles.js';
import type { CheckedModel, CreateOptions, CreateParams } from './model-types.js';
import type { ValueSpec } from './distributions.js';
import type { SimWorld } from './world.js';
import { pluginId, type PluginRegistry } from './registry.js';
import { now, type RunStats } from './stats.js';
import type { NeuronModel, StateArray, CommRuntime, RecorderRuntime } from './plugin.js';
import type { SimEvents } from './events.js';
import type { NetworkSpec } from './spec.js';

/**
 * The build-time network: creates populations, projections and devices as entities of the world, checks
 * every argument before anything is built, and hands out handles that only this network accepts back.
 */
@injectable()
export class Network implements HandleOwner {
  readonly populations: Population[] = [];
  readonly projections: Projection[] = [];
  readonly devices: Device[] = [];
  /** What the network is built from, as data (Simulator.toSpec). */
  readonly log = new SpecLog();
  /** Check and record every call, allocate and draw nothing: the network is only being described (a preset's spec). */
  describeOnly = false;
  /** Set when the network runs elsewhere (a RemoteRunner): recorders' merged events come from there. */
  remote: { events(gid: number): object | undefined } | null = null;
  private nextGid = 1;
  private frozen = false;
  /** The estimated memory of what was created so far, checked before each population and projection is allocated. */
  readonly memory = new MemoryLedger(() => this.services.resolve<MemoryBudget>(SERVICE.memory), () => (!this.describeOnly ? 'build' : isMpiRank() ? 'off' : 'describe'));

  constructor(
    @inject(SERVICE.registry) readonly registry: PluginRegistry,
    @inject(SERVICE.world) readonly world: SimWorld,
    @inject(SERVICE.clock) readonly clock: Clock,
    @inject(SERVICE.random) readonly random: RandomStreams,
    @inject(SERVICE.transport) readonly transport: CommRuntime,
    @inject(SERVICE.events) readonly events: EventEmitter<SimEvents>,
    @inject(SERVICE.stats) readonly stats: RunStats,
    @inject(SERVICE.services) private readonly services: Services,
  ) {}

  /** Nodes created so far (neurons and devices): NEST's node count. */
  get nodeCount(): number {
    return this.nextGid - 1;
  }

  /** No more create or connect: the network is being compiled. */
  freeze(): void {
    this.frozen = true;
  }

  private assertBuilding(what: string): void {
    if (this.frozen) throw new SpikeworksError(`${what}: the network is frozen once simulate() has run; build everything first`);
  }

  create<M extends string>(model: CheckedModel<M>, n?: number, params?: CreateParams<M>, options?: CreateOptions): NodeOf<M>; // typed per model (model-types.ts)
  create(model: string, n = 1, params?: Record<string, unknown>, options: Record<string, unknown> = {}): Population | Device {
    this.assertBuilding('create');
    if (typeof model !== 'string') throw new ParameterError('create', 'model', model, 'a model name (string)');
    const kind = this.registry.kindOf(model);
    if (kind === 'neuron') return this.createPopulation(this.registry.get('neuron', model), n, params, options);
    if (kind === 'generator' || kind === 'recorder') {
      if (n !== 1) throw new ParameterError(`create ${model}`, 'n', n, '1 (create one device and connect it to many neurons)');
      return this.createDevice(kind, model, params, options);
    }
    this.registry.get('neuron', model); // not found: the registry names what exists
    throw new SpikeworksError(`unreachable: ${model}`);
  }

  private createPopulation(model: NeuronModel, n: number, params: Record<string, unknown> | undefined, options: Record<string, unknown>): Population {
    const t0 = now();
    const where = `create ${model.name}`;
    const room = MAX_NODES - this.nodeCount;
    if (!Number.isInteger(n) || n < 1 || n > room) {
      throw new ParameterError(where, 'n', n, `an integer >= 1 and <= ${room} (node ids are int32: at most ${MAX_NODES} nodes in all${this.nodeCount ? `, ${this.nodeCount} created so far` : ''})`);
    }
    const p = resolveParams(where, model.params, params);
    model.check?.(p, where, this.clock.dt);
    const integrator = (options.integrator as string | undefined) ?? model.defaultIntegrator;
    const scheme = typeof integrator === 'string' ? this.registry.scheme(model, integrator) : undefined;
    if (!scheme) throw new ParameterError(where, 'integrator', integrator, `one of ${this.registry.integratorsOf(model).join(', ')}`);
    checkFloat32Initial(where, scheme.name, scheme.component, p, this.clock.dt);
    const id = this.populations.length;
    const firstGid = this.nextGid;
    this.nextGid += n;
    const block = blockOf(n, this.transport.rank, this.transport.size);
    // Described: the whole population (this simulator stands for one process); built: this rank's block.
    const local = this.describeOnly ? n : block.count;
    const per = neuronBytes(scheme.component);
    this.memory.reserve(
      where, 'n', n, `${formatCount(local)} neurons of ${model.name} (${integrator}) × ${per.bytes} B (${per.detail})`, local * per.bytes, local * per.bytes,
      (free) => `at most about ${formatCount(Math.floor(free / per.bytes))} such neurons fit`,
    );
    const eid = this.world.create('population', `population ${id} (${model.name})`);
    const pop = new Population(this, eid, id, model.name, n, firstGid, block.start, block.count, p, integrator);
    const dt = this.clock.dt;
    this.world.attach(eid, C.population, pop);
    this.world.attach(eid, C.scheme, scheme);
    if (!this.describeOnly) {
      const arena = scheme.scheme.arena?.({ n: block.count, params: p, dt, firstGid: firstGid + block.start, seed: this.random.seed }) ?? heapArena;
      this.world.attach(eid, C.arena, arena);
      this.world.attach(eid, scheme.component, allocateState(scheme.component, block.count, p, dt, arena));
    }
    this.populations.push(pop);
    this.log.addPopulation(pop, model.name, n, params, options.integrator as string | undefined);
    this.stats.buildTimeNodes += now() - t0;
    this.events.emit('build', { kind: 'population', name: model.name });
    return pop;
  }

  private createDevice(kind: 'generator' | 'recorder', model: string, params: Record<string, unknown> | undefined, options: Record<string, unknown>): Device {
    const where = `create ${model}`;
    const m = kind === 'generator' ? this.registry.get('generator', model) : this.registry.get('recorder', model);
    const split = splitExtraParams(params, m.extraParams);
    const p = resolveParams(where, m.params, split.numeric);
    checkStartStop(where, p);
    if (m.kind === 'generator') m.check?.(p, where);
    if (this.nodeCount >= MAX_NODES) throw new ParameterError(where, 'model', model, `nothing more: node ids are int32, and the network has ${MAX_NODES} nodes`);
    const gid = this.nextGid++;
    const eid = this.world.create('device', `device ${gid} (${model})`);
    const device = new Device(this, eid, gid, model, kind, p);
    const ctx = {
      gid, dt: this.clock.dt, seed: this.random.seed, rank: this.transport.rank, size: this.transport.size,
      params: p, options: { ...options, ...split.extra }, services: this.services,
    };
    this.world.attach(eid, C.device, device);
    if (m.kind === 'generator') {
      this.world.attach(eid, C.generator, m.create(ctx));
      this.world.attach(eid, C.links, []);
    } else this.world.attach(eid, C.recorder, m.create(ctx));
    this.devices.push(device);
    this.log.addDevice(device, model, params, options);
    this.events.emit('build', { kind: 'device', name: model });
    return device;
  }

  /** Once the ranks have built the network, a change here would not reach them. */
  private refuseRemoteChange(where: string): void {
    if (this.remote && this.frozen) throw new SpikeworksError(`${where}: the network runs on other ranks since the first simulate; set state and parameters before it`);
  }

  remoteEvents(device: Device): object | undefined {
    return this.remote?.events(device.gid);
  }

  /** The array of a state variable of the population (or one of its aliases). */
  getState(pop: Population, variable: string): StateArray {
    if (this.remote) throw new SpikeworksError(`${pop.model} population ${pop.id} is simulated on other ranks: its state is not in this thread; record it with a multimeter`);
    return this.stateArray(pop, variable);
  }

  private stateArray(pop: Population, variable: string): StateArray {
    this.own(pop, 'population', 'get');
    const model = this.registry.get('neuron', pop.model);
    const name = model.aliases?.[variable] ?? variable;
    const component = this.world.get(pop.eid, C.scheme).component;
    // A described network has no arrays: a one-element scratch array of the declared type takes the value, to check it.
    const arr = !(name in model.state) ? undefined : this.describeOnly ? heapArena.allocate(component.fields[name]?.type ?? 'f64', 1, name) : this.world.get(pop.eid, component)[name];
    if (!arr) {
      const names = [...Object.keys(model.state), ...Object.keys(model.aliases ?? {})];
      throw new ParameterError(`${pop.model} population ${pop.id}`, 'variable', variable, `a state variable of ${pop.model}: ${names.join(', ')}`);
    }
    return arr as StateArray;
  }

  /** Set a state variable: scalar, array over the whole population, or a distribution drawn per neuron. */
  setState(pop: Population, variable: string, value: ValueSpec): void {
    this.refuseRemoteChange(`${pop.model} population ${pop.id}`);
    const local = this.describeOnly ? { ...pop, id: pop.id, localCount: Math.min(1, pop.localCount) } : pop;
    const arr = this.stateArray(pop, variable);
    assignState(`${pop.model} population ${pop.id}`, variable, arr, value, this.random, local);
    if (this.describeOnly && isNumberArray(value) && value.length === pop.size) checkStateArray(`${pop.model} population ${pop.id}`, variable, value, arr instanceof Float32Array);
    if (!this.frozen) this.log.setState(pop, variable, value);
  }

  setDevice(device: Device, params: Record<string, unknown>): void {
    this.own(device, 'device', 'set');
    const where = `set ${device.model} (node ${device.gid})`;
    this.refuseRemoteChange(where);
    const m = device.kind === 'generator' ? this.registry.get('generator', device.model) : this.registry.get('recorder', device.model);
    if (!params || typeof params !== 'object') throw new ParameterError(where, 'params', params, 'an object mapping parameter names to numbers');
    const split = checkDeviceSetKeys(where, splitExtraParams(params, m.extraParams), m.params, m.extraParams);
    const p = resolveParams(where, m.params, { ...device.params, ...split.numeric });
    checkStartStop(where, p);
    if (m.kind === 'generator') m.check?.(p, where);
    const rt = device.runtime as { set?(p: Params, extras?: Record<string, unknown>): void };
    if (!rt.set) throw new SpikeworksError(`${where}: ${device.model} takes no new parameters while the simulation runs`);
    rt.set(p, split.extra); // the extras (arrays, flags) are the runtime's to check, as in its create()
    (device as { params: Readonly<Params> }).params = p;
    if (!this.frozen) this.log.setDevice(device, params);
  }

  /**
   * A handle this network made, or a clear error: a handle of another simulator, a plain object or undefined
   * would otherwise land on whatever entity its id happens to name here.
   */
  private own<T extends Population | Device>(x: T, role: string, what: string): T {
    if (x?.owner !== this) {
      const other = x instanceof Population || x instanceof Device || x instanceof PopulationView;
      throw new ParameterError(what, role, other ? `a ${role} of another simulator` : x, `a ${role} created by this simulator`);
    }
    return x;
  }

  private node(x: unknown, role: 'pre' | 'post'): Node {
    const allowed = 'a population, a population slice or a device created by this simulator';
    if (x instanceof PopulationView) {
      if (x.population.owner !== this) throw new ParameterError('connect', role, 'a population slice of another simulator', allowed);
      return x;
    }
    if (x instanceof Population || x instanceof Device) {
      if (x.owner !== this) throw new ParameterError('connect', role, `a ${x instanceof Device ? 'device' : 'population'} of another simulator`, allowed);
      return x;
    }
    throw new ParameterError('connect', role, describeNotNode(x), allowed);
  }

  /**
   * NEST's Connect. Neurons to neurons make a projection; a generator to neurons connects it to every one of
   * them; neurons to a recorder (or a multimeter to neurons) makes it record them.
   */
  connect(preIn: unknown, postIn: unknown, conn?: ConnSpec, syn?: SynSpec): Projection | null {
    this.assertBuilding('connect');
    const pre = this.node(preIn, 'pre');
    const post = this.node(postIn, 'post');
    const made = this.link(pre, post, conn, syn);
    this.log.connect(pre, post, conn, syn, made);
    return made;
  }

  private link(pre: Node, post: Node, conn: ConnSpec | undefined, syn: SynSpec | undefined): Projection | null {
    if (pre instanceof Device && pre.kind === 'recorder') return this.linkRecorder(pre, post, syn, false);
    if (post instanceof Device && post.kind === 'recorder') return this.linkRecorder(post, pre, syn, true);
    if (pre instanceof Device) return this.linkGenerator(pre, post, conn, syn);
    if (post instanceof Device) throw new ParameterError('connect', 'post', post.model, 'a population or a recorder (generators only send)');
    if (pre instanceof PopulationView || post instanceof PopulationView) {
      throw new ParameterError('connect', 'pre/post', 'a population slice', 'whole populations between neurons (slices are for devices); create separate populations instead');
    }
    return this.connectPopulations(pre, post, conn, syn);
  }

  private connectPopulations(pre: Population, post: Population, connSpec: ConnSpec | undefined, synSpec: SynSpec | undefined): Projection {
    const t0 = now();
    const conn = parseConn(this.registry, connSpec);
    const syn = parseSyn(this.registry, synSpec);
    const where = `connect ${conn.rule.name}/${syn.model.name} (population ${pre.id} -> ${post.id})`;
    const recorder = takeWeightRecorder(where, syn.rest, this);
    checkSpecKeys(where, 'conn_spec', conn.rest, ['rule', 'allow_autapses', 'allow_multapses'], Object.keys(conn.rule.params), `rule ${conn.rule.name}`);
    const { options, params: synParams } = resolveSyn(where, syn, post.model, this.registry);
    const ruleParams = resolveParams(where, conn.rule.params, conn.rest);
    const id = this.projections.length;
    const table = drawProjection({ id, pre, post, conn, ruleParams, syn, random: this.random, dt: this.clock.dt, seed: this.random.seed, where, describeOnly: this.describeOnly, memory: this.memory });
    const eid = this.world.create('projection', `projection ${id} (${syn.model.name}, population ${pre.id} -> ${post.id})`);
    const proj = new Projection(this, eid, id, pre, post, conn.rule.name, syn.model, synParams, options);
    this.world.attach(eid, C.projection, proj);
    if (table) this.world.attach(eid, C.synapses, table);
    this.world.relate(eid, this.world.Pre, pre.eid);
    this.world.relate(eid, this.world.Post, post.eid);
    this.projections.push(proj);
    recorder?.(proj);
    this.stats.buildEdgeTime += now() - t0;
    this.events.emit('build', { kind: 'projection', name: syn.model.name });
    return proj;
  }

  private range(x: Population | PopulationView): { pop: Population; start: number; end: number } {
    return x instanceof PopulationView ? { pop: x.population, start: x.start, end: x.end } : { pop: x, start: 0, end: x.size };
  }

  private linkGenerator(gen: Device, post: Node, connSpec: ConnSpec | undefined, synSpec: SynSpec | undefined): null {
    const where = `connect ${gen.model}`;
    if (post instanceof Device) throw new ParameterError(where, 'post', post.model, 'neurons');
    const conn = parseConn(this.registry, connSpec);
    if (!conn.rule.connectsAll) {
      const all = this.registry.all('connection').filter((r) => r.connectsAll).map((r) => `'${r.name}'`);
      throw new ParameterError(where, 'conn_spec.rule', conn.rule.name, `${all.join(' or ') || 'a rule that connects every source to every target'} (a generator feeds every target; create one generator per group for other patterns)`);
    }
    const syn = parseSyn(this.registry, synSpec);
    checkGeneratorLink(where, conn, syn, post instanceof PopulationView ? post.population.model : post.model);
    const r = this.range(post);
    const link: DeviceLink = { population: r.pop, start: r.start, end: r.end, weight: syn.weight, delaySteps: this.delayToSteps(where, syn.delay) };
    this.world.get(gen.eid, C.links).push(link);
    this.world.relate(gen.eid, this.world.Targets, r.pop.eid);
    return null;
  }

  private linkRecorder(rec: Device, other: Node, syn: SynSpec | undefined, neuronsArePre: boolean): null {
    if (other instanceof Device) throw new ParameterError(`connect ${rec.model}`, 'nodes', other.model, 'neurons');
    const r = this.range(other);
    const model = this.registry.get('neuron', r.pop.model);
    const world = this.world;
    const eid = r.pop.eid;
    const aliases = model.aliases ?? {};
    const { component } = world.get(eid, C.scheme);
    // A described network has no arrays yet: an empty one of the declared type stands for a declared field.
    const declared = (name: string) => (name in component.fields ? new Float64Array(0) : undefined);
    (rec.runtime as RecorderRuntime).addSources({
      pop: r.pop, start: r.start, end: r.end, neuronsArePre,
      field: (name) => (this.describeOnly ? declared(aliases[name] ?? name) : world.findField(eid, aliases[name] ?? name)),
      fieldNames: () => [...(this.describeOnly ? Object.keys(component.fields) : world.fieldNames(eid)), ...Object.keys(aliases)],
      delaySteps: () => {
        const delay = typeof syn === 'object' && syn !== null ? syn.delay : undefined;
        if (delay !== undefined && typeof delay !== 'number') throw new ParameterError(`connect ${rec.model}`, 'delay', delay, 'a number (ms): one delay for the connection to a device');
        return this.delayToSteps(`connect ${rec.model}`, delay ?? 1.0);
      },
    });
    this.world.relate(rec.eid, this.world.Targets, eid);
    return null;
  }

  /** Give a population, projection or device of this network a component (a user system's settings). */
  attach<T>(handle: unknown, c: ResourceComponent<T>, value: T): void {
    this.assertBuilding(`attach ${c?.name}`);
    checkAttach(handle, c, this);
    this.world.attach(handle.eid, c, value);
    this.log.attach(handle, c as ResourceComponent<unknown>, value);
  }

  /** A component by name among those the simulator's systems query (a spec names components so). */
  component(name: string): ResourceComponent<unknown> | undefined {
    for (const s of this.registry.all('system')) for (const c of s.query) if (c.name === name && !isStateComponent(c)) return c as ResourceComponent<unknown>;
    return undefined;
  }

  /** The spec of what was built so far (Simulator.toSpec). */
  spec(options: { modules?: { url: string; export?: string }[]; run?: NetworkSpec['run'] }): NetworkSpec {
    const names = this.registry.plugins().map((p) => ({ kind: p.kind, name: pluginId(p) }));
    const spec = this.log.spec({ dt: this.clock.dt, seed: this.random.seed }, { names, ...(options.modules ? { modules: options.modules } : {}) });
    if (options.run) spec.run = options.run;
    return spec;
  }

  delayToSteps(where: string, delayMs: number): number {
    return delayToSteps(where, delayMs, this.clock.dt);
  }
}
