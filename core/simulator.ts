import { EventEmitter } from 'eventemitter3';
import { ParameterError, SpikeworksError, formatValue } from './errors.js';
import { resolveParams, type Params } from './schema.js';
import { PluginRegistry } from './registry.js';
import { RingBuffer, type AnyRing } from './ringbuffer.js';
import { stepThrough } from './slices.js';
import { EdgeBuffer } from './csr.js';
import { StreamBank } from './rng.js';
import { isDistribution, makeSampler, type ValueSpec } from './distributions.js';
import { createSimWorld, addPopulationEntity, addNeuronEntities, addDeviceEntity, deviceEntities, type SimWorld } from './world.js';
import type {
  Plugin, NeuronModel, NeuronGroup, PopulationHandle, SynapseModel, SynapseRuntime, SynapseTable,
  GeneratorRuntime, RecorderRuntime, CommRuntime, SpikeBatch, StateArray,
} from './plugin.js';

export interface SimulatorOptions {
  /** The plugins this simulator is composed of. */
  plugins: readonly Plugin[];
  /** Resolution in ms (NEST's `resolution`). */
  dt?: number;
  /** Seed of every random stream (NEST's `rng_seed`). */
  seed?: number;
  /** Communication backend by name ('local' unless given). */
  backend?: string;
  backendOptions?: Record<string, unknown>;
  /** An already created communication runtime (worker threads and MPI ranks hand theirs in). */
  comm?: CommRuntime;
}

export type ConnSpec = string | ({ rule: string; allow_autapses?: boolean; allow_multapses?: boolean } & Record<string, unknown>);
export type SynSpec = string | ({ synapse_model?: string; weight?: ValueSpec; delay?: ValueSpec } & Record<string, unknown>);

/** Devices by NEST's naming convention (the registry decides at run time; this only types the result). */
export type NodeOf<M extends string> = M extends `${string}_generator` | `${string}_recorder` | 'multimeter' | 'voltmeter' | `${string}_source` | `${string}_sources`
  ? Device
  : Population;

export interface SimEvents {
  build: (what: { kind: 'population' | 'projection' | 'device'; name: string }) => void;
  prepare: (info: { minDelaySteps: number; maxDelaySteps: number }) => void;
  slice: (progress: { step: number; endStep: number; startStep: number }) => void;
  end: (info: { step: number }) => void;
}

/** Phase timers of seed 003's Evolve / Propagate / sync split, in seconds of wall time. */
export interface PhaseTimes {
  update: number;
  propagate: number;
  exchange: number;
}

/** A population of neurons of one model: NEST's NodeCollection of neurons. */
export class Population implements PopulationHandle {
  constructor(
    private readonly sim: Simulator,
    readonly id: number,
    readonly model: string,
    readonly size: number,
    readonly firstGid: number,
    readonly localStart: number,
    readonly localCount: number,
    readonly params: Readonly<Params>,
    readonly integrator: string,
    readonly group: NeuronGroup,
  ) {}
  get lastGid(): number {
    return this.firstGid + this.size - 1;
  }
  /** A contiguous part of the population (NEST's slicing), for devices. */
  slice(start: number, end: number): PopulationView {
    const where = `${this.model} population ${this.id}.slice`;
    if (!Number.isInteger(start) || start < 0 || start > this.size) throw new ParameterError(where, 'start', start, `an integer in [0, ${this.size}]`);
    if (!Number.isInteger(end) || end < start || end > this.size) throw new ParameterError(where, 'end', end, `an integer in [${start}, ${this.size}]`);
    return new PopulationView(this, start, end);
  }
  /** Set a state variable of every neuron: a scalar, an array over the population, or a distribution. */
  set(variable: string, value: ValueSpec): this {
    this.sim.setState(this, variable, value);
    return this;
  }
  /** The local neurons' values of a state variable (a live view into the model's SoA array). */
  get(variable: string): StateArray {
    const arr = this.group.state[variable];
    if (!arr) throw new ParameterError(`${this.model} population ${this.id}`, 'variable', variable, `a state variable of ${this.model}: ${Object.keys(this.group.state).join(', ')}`);
    return arr;
  }
}

export class PopulationView {
  constructor(
    readonly population: Population,
    readonly start: number,
    readonly end: number,
  ) {}
}

/** A generator or recorder: NEST's device node. */
export class Device {
  constructor(
    readonly gid: number,
    readonly model: string,
    readonly kind: 'generator' | 'recorder',
    readonly params: Readonly<Params>,
    readonly runtime: GeneratorRuntime | RecorderRuntime,
  ) {}
  /** What a recorder holds (spike_recorder: senders and times; multimeter: times and values). */
  events<T = Record<string, ArrayLike<number>>>(): T {
    const r = this.runtime as { events?: () => T };
    if (!r.events) throw new SpikeworksError(`${this.model} (node ${this.gid}) records nothing to read back`);
    return r.events();
  }
}

export class Projection {
  runtime: SynapseRuntime | null = null;
  private tableNow: SynapseTable;
  constructor(
    readonly id: number,
    readonly source: Population,
    readonly target: Population,
    readonly rule: string,
    readonly synapseModel: SynapseModel,
    readonly params: Params,
    readonly options: Readonly<Record<string, string>>,
    table: SynapseTable,
  ) {
    this.tableNow = table;
  }
  /** The connections in CSR form (after prepare, the runtime's own copy where it keeps one). */
  get table(): SynapseTable {
    return this.tableNow;
  }
  /** Called once by prepare: from now on the runtime's table is the projection's. */
  adoptRuntime(rt: SynapseRuntime): void {
    this.runtime = rt;
    if (rt.table) this.tableNow = rt.table;
  }
  get count(): number {
    return this.table.count;
  }
  /** Weights in CSR order (by source neuron, then target). */
  weights(): Float32Array {
    if (this.runtime) return this.runtime.weights();
    const t = this.table;
    return t.weight ? t.weight.slice() : new Float32Array(t.count).fill(t.homWeight);
  }
  /** Bytes per synapse of this projection, everything that scales with the synapse count included. */
  bytesPerSynapse(): number {
    if (this.runtime) return this.runtime.bytesPerSynapse();
    const t = this.table;
    return t.target.BYTES_PER_ELEMENT + (t.weight ? 4 : 0) + (t.delay ? 2 : 0);
  }
}

interface PendingDeviceLink {
  device: Device;
  pop: Population;
  start: number;
  end: number;
  weight: number;
  delaySteps: number;
}

/** Growable pair of Int32 arrays for one slice's spikes. */
class SpikeList implements SpikeBatch {
  gids = new Int32Array(4096);
  steps = new Int32Array(4096);
  count = 0;
  ensure(extra: number): void {
    const need = this.count + extra;
    if (need <= this.gids.length) return;
    let cap = this.gids.length * 2;
    while (cap < need) cap *= 2;
    const g = new Int32Array(cap);
    g.set(this.gids.subarray(0, this.count));
    const s = new Int32Array(cap);
    s.set(this.steps.subarray(0, this.count));
    this.gids = g;
    this.steps = s;
  }
}

/** Move a device's non-numeric parameters (arrays, booleans, names) out of the numbers resolveParams checks. */
function splitExtraParams(params: Record<string, unknown> | undefined, names: readonly string[] | undefined): { numeric: Record<string, unknown> | undefined; extra: Record<string, unknown> } {
  if (!names || !params || typeof params !== 'object') return { numeric: params, extra: {} };
  const numeric: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) (names.includes(k) ? extra : numeric)[k] = v;
  return { numeric, extra };
}

function isNumberArray(v: unknown): v is ArrayLike<number> {
  return typeof v === 'object' && v !== null && !isDistribution(v) && typeof (v as ArrayLike<number>).length === 'number';
}

/** Most steps one updateSlice call advances (a longer min-delay slice runs in several blocks). */
const MAX_BLOCK_STEPS = 32;

function now(): number {
  return performance.now() / 1000;
}

/**
 * The simulation kernel and the public API in one: populations, projections and devices are built here,
 * `prepare` freezes them, and `simulate` runs the min-delay slices of DESIGN.md.
 */
export class Simulator {
  readonly registry: PluginRegistry;
  readonly events = new EventEmitter<SimEvents>();
  readonly world: SimWorld;
  readonly dt: number;
  readonly seed: number;
  readonly comm: CommRuntime;
  readonly populations: Population[] = [];
  readonly projections: Projection[] = [];
  readonly devices: Device[] = [];
  readonly times: PhaseTimes = { update: 0, propagate: 0, exchange: 0 };
  /** Build timers (NEST's build_time_nodes / build_edge_time), seconds. */
  buildTimeNodes = 0;
  buildEdgeTime = 0;
  private nextGid = 1;
  private step = 0;
  private prepared = false;
  private minDelaySteps = 1;
  private maxDelaySteps = 1;
  private rings: AnyRing[] = [];
  /** Whether slices run population by population (NeuronGroup.updateSlice); decided in prepare. */
  private blockedSlices = false;
  private sliceSpikes: Int32Array[] = [];
  private sliceLags: Int32Array[] = [];
  private sliceCounts = new Int32Array(0);
  private lagStart = new Int32Array(0);
  private blockSteps = 1;
  /** Whether propagation hands each projection its source population's spikes at once (deliverBatch). */
  private batchedPropagation = false;
  private popSpikes: SpikeList[] = [];
  private outgoing: SynapseRuntime[][] = [];
  private plasticIncoming: SynapseRuntime[][] = [];
  private generators: GeneratorRuntime[] = [];
  private recorders: RecorderRuntime[] = [];
  private samplers: RecorderRuntime[] = [];
  private pendingLinks: PendingDeviceLink[] = [];
  private spikeScratch: Int32Array[] = [];
  private localSpikes = new SpikeList();
  private localSpikeCount: Float64Array = new Float64Array(0);
  private popFirstGid = new Int32Array(0);

  constructor(options: SimulatorOptions) {
    const where = 'simulator';
    const dt = options.dt ?? 0.1;
    if (typeof dt !== 'number' || !Number.isFinite(dt) || dt <= 0) throw new ParameterError(where, 'dt', dt, 'a finite number > 0 (ms)');
    const seed = options.seed ?? 1;
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw new ParameterError(where, 'seed', seed, 'an integer in [0, 2^32 - 1]');
    this.dt = dt;
    this.seed = seed;
    this.registry = new PluginRegistry(options.plugins);
    this.world = createSimWorld();
    this.comm = options.comm ?? this.registry.get('backend', options.backend ?? 'local').create(options.backendOptions ?? {});
  }

  /** Simulated time in ms. */
  get time(): number {
    return this.step * this.dt;
  }
  get currentStep(): number {
    return this.step;
  }
  get rank(): number {
    return this.comm.rank;
  }
  get size(): number {
    return this.comm.size;
  }
  /** How slices run: 'blocked' (population by population, NeuronGroup.updateSlice) or NEST's 'stepwise' loop; set by prepare. */
  get sliceMode(): 'blocked' | 'stepwise' {
    return this.blockedSlices ? 'blocked' : 'stepwise';
  }
  get delays(): { minDelaySteps: number; maxDelaySteps: number } {
    return { minDelaySteps: this.minDelaySteps, maxDelaySteps: this.maxDelaySteps };
  }

  // ------------------------------------------------------------------ build

  /**
   * NEST's Create: `n` neurons of a model, or a device (generator or recorder). `options.integrator`
   * picks a model's integration scheme (e.g. 'euler-f32').
   */
  create<M extends string>(model: M, n?: number, params?: Record<string, unknown>, options?: { integrator?: string; [k: string]: unknown }): NodeOf<M>;
  create(model: string, n = 1, params?: Record<string, unknown>, options: Record<string, unknown> = {}): Population | Device {
    this.assertBuilding('create');
    if (typeof model !== 'string') throw new ParameterError('create', 'model', model, 'a model name (string)');
    const kind = this.registry.kindOf(model);
    if (kind === 'neuron') return this.createPopulation(this.registry.get('neuron', model), n, params, options);
    if (kind === 'generator' || kind === 'recorder') {
      if (n !== 1) throw new ParameterError(`create ${model}`, 'n', n, '1 (create one device and connect it to many neurons)');
      return this.createDevice(kind, model, params, options);
    }
    // Not found: let the registry name what exists.
    this.registry.get('neuron', model);
    throw new SpikeworksError(`unreachable: ${model}`);
  }

  private createPopulation(model: NeuronModel, n: number, params: Record<string, unknown> | undefined, options: Record<string, unknown>): Population {
    const t0 = now();
    const where = `create ${model.name}`;
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1) throw new ParameterError(where, 'n', n, 'an integer >= 1');
    const p = resolveParams(where, model.params, params);
    model.check?.(p, where);
    const integrators = this.registry.integratorsOf(model);
    const integrator = (options.integrator as string | undefined) ?? model.defaultIntegrator;
    const factory = integrators[integrator];
    if (!factory) throw new ParameterError(where, 'integrator', integrator, `one of ${Object.keys(integrators).join(', ')}`);
    const id = this.populations.length;
    const firstGid = this.nextGid;
    this.nextGid += n;
    const lo = Math.floor((n * this.comm.rank) / this.comm.size);
    const hi = Math.floor((n * (this.comm.rank + 1)) / this.comm.size);
    const group = factory({ n: hi - lo, params: p, dt: this.dt, firstGid: firstGid + lo, seed: this.seed });
    const pop = new Population(this, id, model.name, n, firstGid, lo, hi - lo, p, integrator, group);
    this.populations.push(pop);
    addPopulationEntity(this.world, id, this.registry.all('neuron').indexOf(model), firstGid, n);
    addNeuronEntities(this.world, id, hi - lo);
    this.buildTimeNodes += now() - t0;
    this.events.emit('build', { kind: 'population', name: model.name });
    return pop;
  }

  private createDevice(kind: 'generator' | 'recorder', model: string, params: Record<string, unknown> | undefined, options: Record<string, unknown>): Device {
    const where = `create ${model}`;
    const gid = this.nextGid++;
    const base = { gid, dt: this.dt, seed: this.seed, rank: this.comm.rank, size: this.comm.size };
    let device: Device;
    if (kind === 'generator') {
      const m = this.registry.get('generator', model);
      const split = splitExtraParams(params, m.extraParams);
      const p = resolveParams(where, m.params, split.numeric);
      m.check?.(p, where);
      device = new Device(gid, model, kind, p, m.create({ ...base, params: p, options: { ...options, ...split.extra } }));
    } else {
      const m = this.registry.get('recorder', model);
      const split = splitExtraParams(params, m.extraParams);
      const p = resolveParams(where, m.params, split.numeric);
      device = new Device(gid, model, kind, p, m.create({ ...base, params: p, options: { ...options, ...split.extra } }));
    }
    addDeviceEntity(this.world, kind, this.devices.length);
    this.devices.push(device);
    this.events.emit('build', { kind: 'device', name: model });
    return device;
  }

  /** Set a state variable: scalar, array over the whole population, or a distribution drawn per neuron. */
  setState(pop: Population, variable: string, value: ValueSpec): void {
    const where = `${pop.model} population ${pop.id}`;
    const arr = pop.get(variable);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new ParameterError(where, variable, value, 'a finite number');
      arr.fill(value);
    } else if (isDistribution(value)) {
      const draw = makeSampler(where, variable, value);
      // One stream per neuron, keyed by its global id: the values do not depend on the rank count.
      const bank = StreamBank.range(this.seed, `state/${pop.id}/${variable}`, pop.firstGid + pop.localStart, pop.localCount);
      for (let i = 0; i < pop.localCount; i++) arr[i] = draw(bank.state, i);
    } else if (value && typeof (value as ArrayLike<number>).length === 'number') {
      const a = value as ArrayLike<number>;
      if (a.length !== pop.size) throw new ParameterError(where, variable, `array of length ${a.length}`, `an array of length ${pop.size} (one value per neuron)`);
      for (let i = 0; i < pop.localCount; i++) {
        const v = a[pop.localStart + i];
        if (!Number.isFinite(v)) throw new ParameterError(where, `${variable}[${pop.localStart + i}]`, v, 'a finite number');
        arr[i] = v;
      }
    } else throw new ParameterError(where, variable, value, 'a number, an array of numbers or a distribution');
  }

  /**
   * NEST's Connect. Neurons to neurons make a projection (rule and synapse model as named); a generator
   * to neurons connects it to every one of them; neurons to a recorder (or a multimeter to neurons)
   * makes it record them.
   */
  connect(pre: Population | PopulationView | Device, post: Population | PopulationView | Device, conn: ConnSpec = 'all_to_all', syn: SynSpec = {}): Projection | null {
    this.assertBuilding('connect');
    if (pre instanceof Device && pre.kind === 'recorder') return this.linkRecorder(pre, post);
    if (post instanceof Device && post.kind === 'recorder') return this.linkRecorder(post, pre);
    if (pre instanceof Device) return this.linkGenerator(pre, post, conn, syn);
    if (post instanceof Device) throw new ParameterError('connect', 'post', post.model, 'a population or a recorder (generators only send)');
    if (pre instanceof PopulationView || post instanceof PopulationView) {
      throw new ParameterError('connect', 'pre/post', 'a population slice', 'whole populations between neurons (slices are for devices); create separate populations instead');
    }
    return this.connectPopulations(pre, post, conn, syn);
  }

  private splitConn(conn: ConnSpec): { rule: string; rest: Record<string, unknown>; allowAutapses: boolean; allowMultapses: boolean } {
    if (typeof conn === 'string') return { rule: conn, rest: {}, allowAutapses: true, allowMultapses: true };
    if (!conn || typeof conn !== 'object') throw new ParameterError('connect', 'conn_spec', conn, "a rule name or { rule: 'fixed_indegree', indegree: ... }");
    const { rule, allow_autapses, allow_multapses, ...rest } = conn;
    for (const [k, v] of [['allow_autapses', allow_autapses], ['allow_multapses', allow_multapses]] as const) {
      if (v !== undefined && typeof v !== 'boolean') throw new ParameterError(`connect ${rule}`, k, v, 'true or false');
    }
    return { rule, rest, allowAutapses: allow_autapses ?? true, allowMultapses: allow_multapses ?? true };
  }

  private splitSyn(syn: SynSpec): { model: SynapseModel; weight: ValueSpec; delay: ValueSpec; rest: Record<string, unknown> } {
    if (typeof syn === 'string') syn = { synapse_model: syn };
    if (!syn || typeof syn !== 'object') throw new ParameterError('connect', 'syn_spec', syn, "a synapse model name or { synapse_model, weight, delay, ... }");
    const { synapse_model, weight, delay, ...rest } = syn;
    const model = this.registry.get('synapse', (synapse_model as string | undefined) ?? 'static_synapse');
    return { model, weight: weight ?? 1.0, delay: delay ?? 1.0, rest };
  }

  /**
   * NEST rounds delays to the nearest step, as ld_round(ms · steps_per_ms) (Time::delay_ms_to_steps): multiplying
   * by 1/dt rather than dividing by dt keeps halfway delays such as 0.15 ms at dt 0.1 on NEST's side (2 steps).
   * Less than one step is an error.
   */
  delayToSteps(where: string, delayMs: number): number {
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs)) throw new ParameterError(where, 'delay', delayMs, `a finite number >= dt (${this.dt} ms)`);
    const steps = Math.floor(delayMs * (1 / this.dt) + 0.5);
    if (steps < 1) throw new ParameterError(where, 'delay', delayMs, `a delay >= the resolution dt = ${this.dt} ms`);
    if (steps > 65535) throw new ParameterError(where, 'delay', delayMs, `at most ${65535 * this.dt} ms (65535 steps)`);
    return steps;
  }

  private connectPopulations(pre: Population, post: Population, conn: ConnSpec, syn: SynSpec): Projection {
    const t0 = now();
    const c = this.splitConn(conn);
    const s = this.splitSyn(syn);
    const where = `connect ${c.rule}/${s.model.name} (population ${pre.id} -> ${post.id})`;
    const rule = this.registry.get('connection', c.rule);
    const ruleParams = resolveParams(where, rule.params, c.rest);
    const synOptions: Record<string, string> = {};
    for (const [key, spec] of Object.entries(s.model.options ?? {})) {
      const v = s.rest[key];
      delete s.rest[key];
      if (v === undefined) synOptions[key] = spec.default;
      else if (typeof v === 'string' && spec.allowed.includes(v)) synOptions[key] = v;
      else throw new ParameterError(where, key, v, `one of ${spec.allowed.map((a) => `'${a}'`).join(', ')}`);
    }
    const synParams = resolveParams(where, s.model.params, s.rest);
    const id = this.projections.length;
    const baseCtx = {
      source: pre, target: post, params: ruleParams, allowAutapses: c.allowAutapses, allowMultapses: c.allowMultapses,
      samePopulation: pre === post, seed: this.seed, projectionId: id, where,
    };
    rule.check?.(baseCtx);
    const edges = new EdgeBuffer(pre.size, post.localStart, post.localCount);
    // Weights and delays drawn per edge come from a stream per target neuron (keyed by its gid), so they
    // do not depend on how targets are split over ranks. Arrays are indexed by the rule's `index` argument.
    const arrayLength = (name: string, a: ArrayLike<number>): void => {
      if (!rule.arrayLength) throw new ParameterError(where, name, `an array of length ${a.length}`, `a number or a distribution: rule '${c.rule}' takes no arrays (one_to_one, all_to_all and fixed_indegree do)`);
      const n = rule.arrayLength(baseCtx);
      if (a.length !== n) throw new ParameterError(where, name, `an array of length ${a.length}`, `an array of length ${n} (NEST's layout for '${c.rule}')`);
    };
    let homWeight = 0;
    if (typeof s.weight === 'number') {
      if (!Number.isFinite(s.weight)) throw new ParameterError(where, 'weight', s.weight, 'a finite number');
      s.model.checkWeight?.(s.weight, where);
      homWeight = s.weight;
      if (s.model.perSynapseWeight) edges.fillWeight = s.weight;
    } else if (isDistribution(s.weight)) {
      const draw = makeSampler(where, 'weight', s.weight);
      const bank = StreamBank.range(this.seed, `weight/${id}`, post.firstGid + post.localStart, post.localCount);
      const check = s.model.checkWeight;
      edges.weightOf = (t) => {
        const w = draw(bank.state, t);
        check?.(w, where);
        return w;
      };
    } else if (isNumberArray(s.weight)) {
      const a = s.weight;
      arrayLength('weight', a);
      for (let i = 0; i < a.length; i++) {
        if (typeof a[i] !== 'number' || !Number.isFinite(a[i])) throw new ParameterError(where, `weight[${i}]`, a[i], 'a finite number');
        s.model.checkWeight?.(a[i], `${where} weight[${i}]`);
      }
      edges.weightOf = (_t, index) => a[index];
    } else throw new ParameterError(where, 'weight', formatValue(s.weight), 'a number, an array or a distribution ({ distribution: "normal", mean, std, ... })');
    let homDelay = 0;
    if (typeof s.delay === 'number') homDelay = this.delayToSteps(where, s.delay);
    else if (isDistribution(s.delay)) {
      const draw = makeSampler(where, 'delay', s.delay);
      const bank = StreamBank.range(this.seed, `delay/${id}`, post.firstGid + post.localStart, post.localCount);
      edges.delayOf = (t) => this.delayToSteps(where, draw(bank.state, t));
    } else if (isNumberArray(s.delay)) {
      const a = s.delay;
      arrayLength('delay', a);
      const steps = new Uint16Array(a.length);
      for (let i = 0; i < a.length; i++) steps[i] = this.delayToSteps(`${where} delay[${i}]`, a[i]);
      edges.delayOf = (_t, index) => steps[index];
    } else throw new ParameterError(where, 'delay', formatValue(s.delay), 'a number (ms), an array or a distribution');
    rule.connect({ ...baseCtx, sink: edges });
    const table = edges.freeze(homWeight, homDelay);
    const proj = new Projection(id, pre, post, c.rule, s.model, synParams, synOptions, table);
    this.projections.push(proj);
    this.buildEdgeTime += now() - t0;
    this.events.emit('build', { kind: 'projection', name: s.model.name });
    return proj;
  }

  private viewRange(x: Population | PopulationView): { pop: Population; start: number; end: number } {
    return x instanceof PopulationView ? { pop: x.population, start: x.start, end: x.end } : { pop: x, start: 0, end: x.size };
  }

  private linkGenerator(gen: Device, post: Population | PopulationView | Device, conn: ConnSpec, syn: SynSpec): null {
    const where = `connect ${gen.model}`;
    if (post instanceof Device) throw new ParameterError(where, 'post', post.model, 'neurons');
    const c = this.splitConn(conn);
    if (c.rule !== 'all_to_all') throw new ParameterError(where, 'conn_spec.rule', c.rule, "'all_to_all' (a generator feeds every target; create one generator per group for other patterns)");
    const s = this.splitSyn(syn);
    if (typeof s.weight !== 'number' || !Number.isFinite(s.weight)) throw new ParameterError(where, 'weight', formatValue(s.weight), 'a finite number');
    if (typeof s.delay !== 'number') throw new ParameterError(where, 'delay', formatValue(s.delay), 'a number (ms)');
    const r = this.viewRange(post);
    this.pendingLinks.push({ device: gen, pop: r.pop, start: r.start, end: r.end, weight: s.weight, delaySteps: this.delayToSteps(where, s.delay) });
    return null;
  }

  private linkRecorder(rec: Device, other: Population | PopulationView | Device): null {
    if (other instanceof Device) throw new ParameterError(`connect ${rec.model}`, 'nodes', other.model, 'neurons');
    const r = this.viewRange(other);
    (rec.runtime as RecorderRuntime).addSources({ pop: r.pop, group: r.pop.group, start: r.start, end: r.end });
    return null;
  }

  private assertBuilding(what: string): void {
    if (this.prepared) throw new SpikeworksError(`${what}: the network is frozen once simulate() has run; build everything first`);
  }

  // ------------------------------------------------------------------ prepare

  /** Freeze the network: delays, ring buffers, synapse runtimes, device targets. Runs once. */
  prepare(): void {
    if (this.prepared) return;
    let minD = Infinity;
    let maxD = 1;
    for (const pr of this.projections) {
      const t = pr.table;
      if (t.count === 0 && !t.delay) continue;
      if (t.delay) {
        for (let k = 0; k < t.count; k++) {
          const d = t.delay[k];
          if (d < minD) minD = d;
          if (d > maxD) maxD = d;
        }
      } else {
        minD = Math.min(minD, t.homDelay);
        maxD = Math.max(maxD, t.homDelay);
      }
    }
    for (const l of this.pendingLinks) maxD = Math.max(maxD, l.delaySteps);
    // Each rank holds only its targets' synapses, so its own extremes may differ from another rank's
    // (delay distributions, a rank without edges of a projection). Every rank must cut the same slices:
    // gather all ranks' extremes (a sum over a rank-indexed vector) and take the global ones.
    if (this.comm.size > 1) {
      const size = this.comm.size;
      const mine = new Float64Array(2 * size);
      mine[this.comm.rank] = Number.isFinite(minD) ? minD : 0;
      mine[size + this.comm.rank] = maxD;
      const all = this.comm.allreduceSum(mine);
      minD = Infinity;
      for (let r = 0; r < size; r++) {
        if (all[r] > 0) minD = Math.min(minD, all[r]);
        maxD = Math.max(maxD, all[size + r]);
      }
    }
    // Without projections no spike crosses ranks: one slice per step keeps devices exact.
    if (!Number.isFinite(minD)) minD = 1;
    this.minDelaySteps = minD;
    this.maxDelaySteps = maxD;
    const slots = maxD + minD + 1;
    this.rings = this.populations.map((p) => p.group.allocateRing?.(slots) ?? new RingBuffer(p.localCount, slots));
    this.spikeScratch = this.populations.map((p) => new Int32Array(Math.max(1, p.localCount)));
    this.localSpikeCount = new Float64Array(this.populations.length);
    this.popFirstGid = Int32Array.from(this.populations.map((p) => p.firstGid));
    this.outgoing = this.populations.map(() => []);
    this.plasticIncoming = this.populations.map(() => []);
    for (const pr of this.projections) {
      const rt = pr.synapseModel.create({
        id: pr.id, source: pr.source, target: pr.target, table: pr.table, params: pr.params, options: pr.options, dt: this.dt, seed: this.seed,
        targetGroup: pr.target.group, targetRing: this.rings[pr.target.id],
      });
      pr.adoptRuntime(rt);
      this.outgoing[pr.source.id].push(rt);
      if (rt.onPostSpikes) this.plasticIncoming[pr.target.id].push(rt);
    }
    for (const l of this.pendingLinks) {
      const lo = Math.max(l.start, l.pop.localStart);
      const hi = Math.min(l.end, l.pop.localStart + l.pop.localCount);
      const local = new Int32Array(Math.max(0, hi - lo));
      for (let i = 0; i < local.length; i++) local[i] = lo + i - l.pop.localStart;
      (l.device.runtime as GeneratorRuntime).addTargets({
        population: l.pop, local, weight: l.weight, delaySteps: l.delaySteps, ring: this.rings[l.pop.id], group: l.pop.group,
      });
    }
    this.pendingLinks = [];
    // The device systems run over the world's generator and recorder entities, in creation order.
    const devicesOf = (kind: 'generator' | 'recorder') => {
      const index = kind === 'generator' ? this.world.components.Generator.deviceIndex : this.world.components.Recorder.deviceIndex;
      return deviceEntities(this.world, kind).map((eid) => index[eid]).sort((a, b) => a - b).map((i) => this.devices[i].runtime);
    };
    this.generators = devicesOf('generator') as GeneratorRuntime[];
    this.recorders = devicesOf('recorder') as RecorderRuntime[];
    for (const r of this.recorders) r.prepare?.({ nodeCount: this.nextGid - 1 });
    this.samplers = this.recorders.filter((r) => r.sample);
    this.batchedPropagation = this.outgoing.some((list) => list.some((rt) => rt.deliverBatch));
    if (this.batchedPropagation) this.popSpikes = this.populations.map(() => new SpikeList());
    // A slice may run one population at a time, all its steps in one kernel call, when nothing looks at a
    // neuron's state or spikes within the slice: no multimeter, no plastic projection's post-spike hook.
    // Only worth it where a group has such a kernel; the per-step loop stays the reference everywhere else.
    this.blockedSlices =
      this.samplers.length === 0 && this.plasticIncoming.every((l) => l.length === 0) && this.populations.some((p) => p.group.updateSlice);
    if (this.blockedSlices) {
      // Long slices (large min delays) run in blocks, so the spike lists stay n × MAX_BLOCK_STEPS at most.
      this.blockSteps = Math.min(minD, MAX_BLOCK_STEPS);
      this.sliceSpikes = this.populations.map((p) => new Int32Array(Math.max(1, p.localCount * this.blockSteps)));
      this.sliceLags = this.populations.map((p) => new Int32Array(Math.max(1, p.localCount * this.blockSteps)));
      this.sliceCounts = new Int32Array(this.populations.length);
      this.lagStart = new Int32Array(this.blockSteps + 1);
    }
    this.prepared = true;
    this.events.emit('prepare', { minDelaySteps: minD, maxDelaySteps: maxD });
  }

  // ------------------------------------------------------------------ simulate

  /** Advance the network by `ms` milliseconds (a multiple of dt). */
  simulate(ms: number): void {
    const steps = Math.round(ms / this.dt);
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || Math.abs(steps * this.dt - ms) > 1e-9 * Math.max(1, ms)) {
      throw new ParameterError('simulate', 't', ms, `a finite time >= 0 that is a multiple of dt = ${this.dt} ms`);
    }
    this.prepare();
    const endStep = this.step + steps;
    const startStep = this.step;
    const m = this.minDelaySteps;
    while (this.step < endStep) {
      // Slices are aligned to multiples of the min delay from t = 0, as in NEST.
      const sliceEnd = Math.min(endStep, (Math.floor(this.step / m) + 1) * m);
      this.runSlice(this.step, sliceEnd);
      this.step = sliceEnd;
      this.events.emit('slice', { step: this.step, endStep, startStep });
    }
    this.events.emit('end', { step: this.step });
  }

  private runSlice(from: number, to: number): void {
    const t0 = now();
    if (this.blockedSlices) this.updateBlocked(from, to);
    else this.updateStepwise(from, to);
    const local = this.localSpikes;
    for (let r = 0; r < this.recorders.length; r++) this.recorders[r].recordSpikes?.(local.gids, local.steps, local.count);
    const t1 = now();
    const all = this.comm.exchange(local);
    const t2 = now();
    this.propagate(all);
    const t3 = now();
    this.times.update += t1 - t0;
    this.times.exchange += t2 - t1;
    this.times.propagate += t3 - t2;
  }

  /** NEST's update loop: every step, generators, then each population in turn. */
  private updateStepwise(from: number, to: number): void {
    const pops = this.populations;
    const local = this.localSpikes;
    local.count = 0;
    for (let s = from; s < to; s++) {
      for (let g = 0; g < this.generators.length; g++) this.generators[g].emit(s);
      for (let p = 0; p < pops.length; p++) {
        const pop = pops[p];
        const ring = this.rings[p];
        const off = ring.offset(s);
        const spikes = this.spikeScratch[p];
        // A group gets back only the ring it allocated itself (whatever its storage) or a float64 one.
        const count = pop.group.update(s, ring as RingBuffer, off, spikes);
        if (!ring.readerClears) ring.clear(off);
        // Every step, spikes or not: axonal-delay plasticity applies pre-spike arrivals due next step here.
        const plastic = this.plasticIncoming[p];
        for (let k = 0; k < plastic.length; k++) plastic[k].onPostSpikes!(spikes, count, s);
        if (count > 0) {
          this.localSpikeCount[p] += count;
          local.ensure(count);
          const gid0 = pop.firstGid + pop.localStart;
          const base = local.count;
          for (let k = 0; k < count; k++) {
            local.gids[base + k] = gid0 + spikes[k];
            local.steps[base + k] = s;
          }
          local.count += count;
        }
      }
      for (let r = 0; r < this.samplers.length; r++) this.samplers[r].sample!(s);
    }
  }

  /**
   * The same slice population by population: generators first (they read no neuron state and write rows
   * at least one step ahead, all within the ring's max delay + min delay rows), then each population's
   * steps in one updateSlice call. No input of this slice arrives within it (every delay is >= the min
   * delay), so the result is the per-step loop's; the spikes are put back in its order (step, population,
   * index) so recorders and propagation see the same sequence.
   */
  private updateBlocked(from: number, to: number): void {
    this.localSpikes.count = 0;
    for (let a = from; a < to; a += this.blockSteps) this.updateBlock(a, Math.min(to, a + this.blockSteps));
  }

  /**
   * One block of a slice (at most blockSteps steps): generators, each population's steps in one call, then
   * the block's spikes appended to the slice's list in the per-step order by a stable counting sort on the lag.
   */
  private updateBlock(from: number, to: number): void {
    const pops = this.populations;
    for (let s = from; s < to; s++) {
      for (let g = 0; g < this.generators.length; g++) this.generators[g].emit(s);
    }
    let total = 0;
    for (let p = 0; p < pops.length; p++) {
      const group = pops[p].group;
      const ring = this.rings[p];
      const spikes = this.sliceSpikes[p];
      const lags = this.sliceLags[p];
      const count = group.updateSlice
        ? group.updateSlice(from, to, ring, spikes, lags)
        : stepThrough(group, ring, from, to, this.spikeScratch[p], spikes, lags);
      this.sliceCounts[p] = count;
      this.localSpikeCount[p] += count;
      total += count;
    }
    const m = to - from;
    const local = this.localSpikes;
    const base = local.count;
    const start = this.lagStart;
    start.fill(0, 0, m + 1);
    start[0] = base;
    for (let p = 0; p < pops.length; p++) {
      const lags = this.sliceLags[p];
      for (let k = 0, c = this.sliceCounts[p]; k < c; k++) start[lags[k] + 1]++;
    }
    for (let l = 0; l < m; l++) start[l + 1] += start[l];
    local.ensure(total);
    const gids = local.gids;
    const steps = local.steps;
    for (let p = 0; p < pops.length; p++) {
      const spikes = this.sliceSpikes[p];
      const lags = this.sliceLags[p];
      const gid0 = pops[p].firstGid + pops[p].localStart;
      for (let k = 0, c = this.sliceCounts[p]; k < c; k++) {
        const lag = lags[k];
        const at = start[lag]++;
        gids[at] = gid0 + spikes[k];
        steps[at] = from + lag;
      }
    }
    local.count = base + total;
  }

  private propagate(batch: SpikeBatch): void {
    if (this.batchedPropagation) {
      this.propagateBatched(batch);
      return;
    }
    const firsts = this.popFirstGid;
    const nPops = firsts.length;
    for (let k = 0; k < batch.count; k++) {
      const gid = batch.gids[k];
      // Few populations: a linear scan from the top beats a binary search.
      let p = nPops - 1;
      while (p > 0 && firsts[p] > gid) p--;
      const out = this.outgoing[p];
      const src = gid - firsts[p];
      const step = batch.steps[k];
      for (let j = 0; j < out.length; j++) out[j].deliver(src, step);
    }
  }

  /**
   * The slice's spikes split by source population (in time order), then delivered projection by
   * projection: a runtime with deliverBatch takes them in one call. Each projection still sees its spikes
   * in time order; only the interleaving of different projections' additions into a ring differs from the
   * spike-by-spike loop.
   */
  private propagateBatched(batch: SpikeBatch): void {
    const firsts = this.popFirstGid;
    const nPops = firsts.length;
    const lists = this.popSpikes;
    // Room for the whole batch in every list up front: no capacity check per spike.
    for (let p = 0; p < nPops; p++) {
      lists[p].count = 0;
      lists[p].ensure(batch.count);
    }
    for (let k = 0; k < batch.count; k++) {
      const gid = batch.gids[k];
      let p = nPops - 1;
      while (p > 0 && firsts[p] > gid) p--;
      const list = lists[p];
      list.gids[list.count] = gid - firsts[p];
      list.steps[list.count++] = batch.steps[k];
    }
    for (let p = 0; p < nPops; p++) {
      const list = lists[p];
      if (list.count === 0) continue;
      const out = this.outgoing[p];
      for (let j = 0; j < out.length; j++) {
        const rt = out[j];
        if (rt.deliverBatch) rt.deliverBatch(list.gids, list.steps, list.count);
        else for (let k = 0; k < list.count; k++) rt.deliver(list.gids[k], list.steps[k]);
      }
    }
  }

  // ------------------------------------------------------------------ results

  /** Spikes per population over all ranks so far. */
  spikeCounts(): Float64Array {
    return this.comm.allreduceSum(this.localSpikeCount.slice());
  }

  /** Synapses (neuron to neuron) over all ranks. */
  synapseCount(): number {
    let n = 0;
    for (const p of this.projections) n += p.table.count;
    return this.comm.allreduceSum(Float64Array.of(n))[0];
  }

  /** Mean bytes per synapse over all projections (weighted by count), from what the runtimes hold. */
  bytesPerSynapse(): number {
    let bytes = 0;
    let n = 0;
    for (const p of this.projections) {
      bytes += p.bytesPerSynapse() * p.table.count;
      n += p.table.count;
    }
    return n ? bytes / n : 0;
  }

  close(): void {
    for (const d of this.devices) if (d.kind === 'recorder') (d.runtime as RecorderRuntime).close?.();
    this.comm.close();
  }
}
