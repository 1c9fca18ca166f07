// tsyringe reads decorator metadata through the Reflect API and refuses to load without a polyfill.
import 'reflect-metadata';
import { container as rootContainer, instanceCachingFactory, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { EventEmitter } from 'eventemitter3';
import { ParameterError, SpikeworksError } from './errors.js';
import { PluginRegistry, type Plugin } from './registry.js';
import { SimWorld } from './world.js';
import { Clock, RandomStreams, SERVICE, servicesOf, type Services } from './services.js';
import { RunStats, localSynapses, meanBytesPerSynapse, type PhaseTimes } from './stats.js';
import { SliceSpikes } from './spikes.js';
import { Network } from './network.js';
import { compile } from './compile.js';
import { Scheduler } from './scheduler.js';
import { coreSystems } from './systems/index.js';
import type { ConnSpec, SynSpec } from './connect.js';
import { validateSpec, type NetworkSpec } from './spec.js';
import { replaySpec } from './spec-log.js';
import { RemoteRun, type RemoteRunner } from './remote.js';
import { systemMemory } from './memory.js';
import type { ResourceComponent } from './component.js';
import type { Device, NodeOf, Population, PopulationView, Projection } from './handles.js';
import type { CheckedModel, CreateOptions, CreateParams } from './model-types.js';
import type { CommRuntime } from './contracts/backend.js';
import type { SimEvents } from './events.js';
import type { SystemPlugin, SystemRunner } from './contracts/system.js';
import type { SavedValue } from './contracts/base.js';
import { checkpointData, restoreSimulator, type CheckpointHost, type CheckpointInfo, type CheckpointOptions, type RestoreOptions } from './simulator-checkpoint.js';
import { checkpointSummary, concatChunks, encodeCheckpoint, readCheckpointFile, writeCheckpointFile, type CheckpointSummary } from './checkpoint.js';

export type { CheckpointInfo, CheckpointOptions, RestoreOptions } from './simulator-checkpoint.js';

export interface SimulatorOptions {
  /** The plugins this simulator is composed of. */
  plugins: readonly Plugin[];
  /** Resolution in ms (NEST's `resolution`). */
  dt?: number;
  /** Seed of every random stream (NEST's `rng_seed`). */
  seed?: number;
  /** Communication backend by name (the plugin set's default unless given). */
  backend?: string;
  backendOptions?: Record<string, unknown>;
  /** An already created communication runtime (worker threads and MPI ranks hand theirs in). */
  comm?: CommRuntime;
  /** Services in place of the defaults (a fake transport, an in-memory output sink), by DI token. */
  services?: readonly { token: InjectionToken<unknown>; value: unknown }[];
  /** Record and check the network, allocate and draw nothing: only its spec is wanted (toSpec). */
  describeOnly?: boolean;
  /** A described network: over how many ranks it will run (its memory estimate counts each rank's index widths). */
  describeRanks?: number;
}

/**
 * The NEST-like façade of one simulator. Its parts come from the simulator's own DI container: the network
 * (create, connect, validation), the compile step (network → run plan in the world), the scheduler
 * (systems by phase in min-delay slices) and the run statistics.
 */
export class Simulator {
  readonly container: DependencyContainer;
  readonly registry: PluginRegistry;
  readonly world = new SimWorld();
  readonly events = new EventEmitter<SimEvents>();
  readonly clock: Clock;
  readonly stats = new RunStats();
  readonly network: Network;
  readonly services: Services;
  private readonly spikes = new SliceSpikes();
  private scheduler: Scheduler | null = null;
  /** @internal The systems the scheduler prepared, with their runners (what a checkpoint asks for their state). */
  readonly prepared: { system: SystemPlugin; runner: SystemRunner }[] = [];
  /** @internal True while a slice runs: its state is half-updated, a checkpoint then is refused. */
  inSlice = false;
  /** @internal Set when a RemoteRunner service runs the network elsewhere: this simulator then describes it. */
  readonly remote: RemoteRun | null;

  constructor(options: SimulatorOptions) {
    const dt = options.dt ?? 0.1;
    if (typeof dt !== 'number' || !Number.isFinite(dt) || dt <= 0) throw new ParameterError('simulator', 'dt', dt, 'a finite number > 0 (ms)');
    const seed = options.seed ?? 1;
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw new ParameterError('simulator', 'seed', seed, 'an integer in [0, 2^32 - 1]');
    const c = (this.container = rootContainer.createChildContainer());
    this.registry = new PluginRegistry(options.plugins, c);
    this.clock = new Clock(dt);
    // Resolved lazily, so it can be made before the services it resolves are registered.
    this.services = servicesOf(c);
    const values: [symbol, unknown][] = [
      [SERVICE.registry, this.registry], [SERVICE.world, this.world], [SERVICE.clock, this.clock], [SERVICE.random, new RandomStreams(seed)],
      [SERVICE.events, this.events], [SERVICE.stats, this.stats], [SERVICE.spikes, this.spikes], [SERVICE.container, c], [SERVICE.services, this.services],
      [SERVICE.memory, systemMemory],
    ];
    for (const [token, value] of values) c.register(token, { useValue: value });
    for (const s of this.registry.all('service')) c.register(s.token, { useFactory: instanceCachingFactory(() => s.create(this.services)) });
    for (const s of options.services ?? []) c.register(s.token, { useValue: s.value });
    if (!options.services?.some((s) => s.token === SERVICE.transport)) {
      const backend = options.backend === undefined ? this.registry.defaultOf('backend', 'simulator') : this.registry.get('backend', options.backend);
      c.register(SERVICE.transport, { useValue: options.comm ?? backend.create(options.backendOptions ?? {}) });
    }
    this.network = c.resolve(Network);
    const runner = c.isRegistered(SERVICE.runner, true) ? c.resolve<RemoteRunner>(SERVICE.runner) : null;
    this.network.describeOnly = options.describeOnly === true || runner !== null;
    this.network.memory.ranks = options.describeRanks ?? 1;
    this.remote = runner && new RemoteRun(runner, this.network, () => this.toSpec(), (name) => this.registry.get('recorder', name));
  }

  get dt(): number { return this.clock.dt; }
  get seed(): number { return this.services.random.seed; }
  /** Simulated time in ms. */
  get time(): number { return this.clock.time; }
  get currentStep(): number { return this.clock.step; }
  get comm(): CommRuntime { return this.services.transport; }
  get rank(): number { return this.comm.rank; }
  get size(): number { return this.comm.size; }
  get populations(): readonly Population[] { return this.network.populations; }
  get projections(): readonly Projection[] { return this.network.projections; }
  get devices(): readonly Device[] { return this.network.devices; }
  get times(): PhaseTimes { return this.stats.times; }
  get buildTimeNodes(): number { return this.stats.buildTimeNodes; }
  get buildEdgeTime(): number { return this.stats.buildEdgeTime; }
  /** How slices run: 'blocked' (a block of steps per kernel call) or NEST's 'stepwise' loop; known once prepared. */
  get sliceMode(): 'blocked' | 'stepwise' { return this.scheduler?.blocked ? 'blocked' : 'stepwise'; }
  get delays(): { minDelaySteps: number; maxDelaySteps: number } { return { minDelaySteps: this.clock.minDelaySteps, maxDelaySteps: this.clock.maxDelaySteps }; }

  /** NEST's Create: `n` neurons of a model, or a device. `options.integrator` picks a model's scheme. */
  create<M extends string>(model: CheckedModel<M>, n?: number, params?: CreateParams<M>, options?: CreateOptions): NodeOf<M> {
    return this.network.create<M>(model, n, params, options);
  }

  /** NEST's Connect (see Network.connect). */
  connect(pre: Population | PopulationView | Device, post: Population | PopulationView | Device, conn?: ConnSpec, syn?: SynSpec): Projection | null {
    return this.network.connect(pre, post, conn, syn);
  }

  /** Give a population, projection or device a component, before the first simulate (the settings a user system queries). */
  attach<T>(handle: Population | Projection | Device, component: ResourceComponent<T>, value: T): this {
    this.network.attach(handle, component, value);
    return this;
  }

  /** The network as data: what it was built from (nodes, connections, components), its options and plugin set. */
  toSpec(options: { modules?: { url: string; export?: string }[]; run?: NetworkSpec['run'] } = {}): NetworkSpec {
    return this.network.spec(options);
  }

  /** A simulator built from a spec with the given plugins (the spec's plugin set, loaded by the caller). */
  static fromSpec(spec: NetworkSpec, plugins: readonly Plugin[], options: Omit<SimulatorOptions, 'plugins' | 'dt' | 'seed'> = {}): Simulator {
    const s = validateSpec(spec);
    return new Simulator({ ...options, plugins, dt: s.simulator.dt, seed: s.simulator.seed }).build(s);
  }

  /** Build a spec's network into this simulator (made with the spec's dt and seed); the nodes are `network.log.handles`. */
  build(spec: NetworkSpec): this {
    replaySpec(validateSpec(spec), this.network);
    return this;
  }

  /** Compile the network and schedule its systems. Runs once; simulate() calls it. */
  prepare(): void {
    if (this.remote) return this.remote.prepare();
    if (this.scheduler) return;
    if (this.network.describeOnly) throw new SpikeworksError('this simulator only describes a network (describeOnly): run it with Simulator.fromSpec(sim.toSpec(), plugins)');
    const d = compile(this.network, this.services);
    const ctx = { world: this.world, clock: this.clock, spikes: this.spikes, stats: this.stats, services: this.services };
    // Each system seen through an object that notes the runner it prepares (for checkpoints).
    const systems = [...coreSystems, ...this.registry.all('system')].map((s): SystemPlugin => Object.create(s, {
      prepare: { value: (c: typeof ctx, e: readonly number[]) => {
        const runner = s.prepare(c, e);
        if (runner) this.prepared.push({ system: s, runner });
        return runner;
      } },
    }));
    this.scheduler = new Scheduler(systems, ctx, this.stats.times);
    this.events.emit('prepare', d);
  }

  /** Advance the network by `ms` milliseconds (a multiple of dt), in slices aligned to multiples of the min delay. */
  simulate(ms: number): void {
    const steps = Math.round(ms / this.dt);
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || Math.abs(steps * this.dt - ms) > 1e-9 * Math.max(1, ms)) {
      throw new ParameterError('simulate', 't', ms, `a finite time >= 0 that is a multiple of dt = ${this.dt} ms`);
    }
    this.prepare();
    const clock = this.clock;
    const startStep = clock.step;
    const endStep = startStep + steps;
    if (this.remote) this.remote.simulate(ms);
    const m = this.remote ? steps || 1 : clock.minDelaySteps;
    while (clock.step < endStep) {
      const sliceEnd = Math.min(endStep, (Math.floor(clock.step / m) + 1) * m);
      // Not reset if the slice throws: the state is then half a slice, and no checkpoint may save it.
      this.inSlice = true;
      this.scheduler?.runSlice(clock.step, sliceEnd);
      this.inSlice = false;
      clock.step = sliceEnd;
      this.events.emit('slice', { step: clock.step, endStep, startStep });
    }
    this.events.emit('end', { step: clock.step });
  }

  /** The phases, the systems in each and the entities they run over (prepares the network). */
  schedule(): string {
    this.prepare();
    return this.scheduler!.describe();
  }

  /** Spikes per population over all ranks so far (collective). */
  spikeCounts(): Float64Array {
    if (this.remote) return this.remote.result().spikeCounts;
    return this.comm.allreduceSum(this.stats.localSpikes.slice());
  }

  /** Synapses (neuron to neuron) over all ranks (collective). */
  synapseCount(): number {
    if (this.remote) return this.remote.result().synapses;
    return this.comm.allreduceSum(Float64Array.of(localSynapses(this.projections)))[0];
  }

  /** Mean bytes per synapse over all projections (weighted by count), from what the runtimes hold. */
  bytesPerSynapse(): number {
    if (this.remote) return this.remote.result().bytesPerSynapse;
    return meanBytesPerSynapse(this.projections);
  }

  /**
   * Save the whole simulation state to one file (docs/checkpoint.md): between two simulate() calls, or from a
   * 'slice' event handler. `Simulator.restore(path, { plugins })` continues from it with the same spikes as
   * this simulator. Prepares the network first if no simulate() has run. Refused (a CheckpointError naming
   * it) when a runtime has no checkpoint hooks. On worker threads every rank saves its part into the one file.
   */
  checkpoint(path: string, options: CheckpointOptions = {}): CheckpointInfo {
    const t0 = performance.now();
    const bytes = writeCheckpointFile(path, checkpointData(this as CheckpointHost, options));
    return { path, bytes, step: this.clock.step, time_ms: this.clock.time, seconds: (performance.now() - t0) / 1000 };
  }

  /** The checkpoint as bytes in memory (what `checkpoint` writes to its file). */
  toCheckpoint(options: CheckpointOptions = {}): Uint8Array {
    const { chunks, bytes } = encodeCheckpoint(checkpointData(this as CheckpointHost, options));
    return concatChunks(chunks, bytes);
  }

  /**
   * A simulator that continues a checkpoint: built from the spec in it with `options.plugins` (those it was
   * written with), prepared, and positioned at the saved step with every state as it was; `toSpec()` gives
   * the network. With `options.comm` (an MPI rank) the file must be that rank's.
   */
  static restore(path: string, options: RestoreOptions): Simulator {
    return Simulator.fromCheckpoint(readCheckpointFile(path), options, path);
  }

  /** `restore` from a checkpoint's bytes (`toCheckpoint`, or a file read by the caller). */
  static fromCheckpoint(bytes: Uint8Array, options: RestoreOptions, name = 'checkpoint'): Simulator {
    return restoreSimulator(bytes, options, name, (spec, plugins, rest) => Simulator.fromSpec(spec, plugins, rest) as CheckpointHost) as Simulator;
  }

  /** A checkpoint's header (step, time, versions, ranks, the caller's meta), the file checked whole but nothing built. */
  static checkpointInfo(path: string): CheckpointSummary {
    return checkpointSummary(readCheckpointFile(path), path);
  }

  close(): void {
    this.remote?.close();
    for (const d of this.devices) if (d.kind === 'recorder') (d.runtime as { close?(): void }).close?.();
    this.comm.close();
  }
}
