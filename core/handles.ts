import { ParameterError, SpikeworksError } from './errors.js';
import type { Params } from './schema.js';
import type { ValueSpec } from './distributions.js';
import type { SimWorld } from './world.js';
import type { PopulationHandle } from './contracts/base.js';
import type { StateArray } from './contracts/neuron.js';
import type { SynapseModel, SynapseRuntime, SynapseTable } from './contracts/synapse.js';
import type { GeneratorRuntime, RecorderRuntime } from './contracts/device.js';
import { C } from './components.js';
import { BlockedTable } from './blocks.js';

/** What handles delegate to: the network they were made by. */
export interface HandleOwner {
  readonly world: SimWorld;
  setState(pop: Population, variable: string, value: ValueSpec): void;
  getState(pop: Population, variable: string): StateArray;
  setDevice(device: Device, params: Record<string, unknown>): void;
  /** A recorder's events when the network runs elsewhere (merged over its ranks); undefined when local. */
  remoteEvents?(device: Device): object | undefined;
}

/** A population of neurons of one model: NEST's NodeCollection of neurons. A view of its entity. */
export class Population implements PopulationHandle {
  constructor(
    readonly owner: HandleOwner,
    readonly eid: number,
    readonly id: number,
    readonly model: string,
    readonly size: number,
    readonly firstGid: number,
    readonly localStart: number,
    readonly localCount: number,
    readonly params: Readonly<Params>,
    readonly integrator: string,
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
    this.owner.setState(this, variable, value);
    return this;
  }
  /** The local neurons' values of a state variable (a live view into the population's state component). */
  get(variable: string): StateArray {
    return this.owner.getState(this, variable);
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
    readonly owner: HandleOwner,
    readonly eid: number,
    readonly gid: number,
    readonly model: string,
    readonly kind: 'generator' | 'recorder',
    readonly params: Readonly<Params>,
  ) {}
  get runtime(): GeneratorRuntime | RecorderRuntime {
    return this.kind === 'generator' ? this.owner.world.get(this.eid, C.generator) : this.owner.world.get(this.eid, C.recorder);
  }
  /** What a recorder holds (spike_recorder: senders and times; multimeter: times and values). */
  events<T = Record<string, ArrayLike<number>>>(): T {
    const remote = this.owner.remoteEvents?.(this);
    if (remote) return remote as T;
    const r = this.runtime as RecorderRuntime;
    if (!r.events) throw new SpikeworksError(`${this.model} (node ${this.gid}) records nothing to read back`);
    return r.events() as T;
  }
  /** New parameter values for a running device (NEST's SetStatus), checked against its schema. */
  set(params: Record<string, unknown>): this {
    this.owner.setDevice(this, params);
    return this;
  }
}

/** Neurons to neurons: the synapses of one connect call. A view of its entity. */
export class Projection {
  constructor(
    readonly owner: HandleOwner,
    readonly eid: number,
    readonly id: number,
    readonly source: Population,
    readonly target: Population,
    readonly rule: string,
    readonly synapseModel: SynapseModel,
    readonly params: Params,
    readonly options: Readonly<Record<string, string>>,
  ) {}
  /** Called after each spike this projection delivers, with the source's local index and the emission step (weight_recorder). */
  readonly transmissionListeners: ((src: number, step: number) => void)[] = [];
  /** The connections in CSR form (once compiled, the runtime's own copy where it keeps one). */
  get table(): SynapseTable {
    if (!this.owner.world.has(this.eid, C.synapses)) {
      throw new SpikeworksError(`projection ${this.id} (${this.synapseModel.name}) holds no synapses in this thread: the network is only described here (or runs on other ranks); read weights with a weight_recorder`);
    }
    return this.owner.world.get(this.eid, C.synapses);
  }
  /** The projection's runtime, once the network is compiled. */
  get runtime(): SynapseRuntime | null {
    return this.owner.world.has(this.eid, C.synapseRuntime) ? this.owner.world.get(this.eid, C.synapseRuntime) : null;
  }
  get count(): number {
    return this.table.count;
  }
  /** Weights in CSR order (by source neuron, then target). */
  weights(): Float32Array {
    const rt = this.runtime;
    if (rt) return rt.weights();
    const t = this.table;
    return t.weight ? t.weight.slice() : new Float32Array(t.count).fill(t.homWeight);
  }
  /** Bytes per synapse of this projection, everything that scales with the synapse count included. */
  bytesPerSynapse(): number {
    const rt = this.runtime;
    if (rt) return rt.bytesPerSynapse();
    const t = this.table;
    if (t instanceof BlockedTable) return t.bytesPerSynapse();
    return t.target.BYTES_PER_ELEMENT + (t.weight ? 4 : 0) + (t.delay ? 2 : 0);
  }
}

/** Any node handle `connect` takes. */
export type Node = Population | PopulationView | Device;

/**
 * Names of device models, for the type of create()'s result: plugin sets add theirs by declaration
 * merging (`declare module 'spikeworks' { interface DeviceModels { my_generator: true } }`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DeviceModels {}

/** What create() returns for a model name: a Device for the device models, a Population otherwise. */
export type NodeOf<M extends string> = M extends keyof DeviceModels ? Device : Population;
