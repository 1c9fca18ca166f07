import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { Stream, StreamBank } from './rng.js';
import type { SimWorld } from './world.js';
import type { CommRuntime } from './contracts/backend.js';
import type { OutputSink } from './output.js';
import type { PluginRegistry } from './registry.js';

/** DI tokens of the services a simulator's container resolves for the core, systems and plugins. */
export const SERVICE = {
  registry: Symbol.for('spikeworks.service.Registry'),
  world: Symbol.for('spikeworks.service.World'),
  clock: Symbol.for('spikeworks.service.Clock'),
  random: Symbol.for('spikeworks.service.RandomStreams'),
  transport: Symbol.for('spikeworks.service.Transport'),
  output: Symbol.for('spikeworks.service.OutputSink'),
  events: Symbol.for('spikeworks.service.Events'),
  stats: Symbol.for('spikeworks.service.RunStats'),
  spikes: Symbol.for('spikeworks.service.SliceSpikes'),
  /** The simulator's own container (for services that resolve others lazily). */
  container: Symbol.for('spikeworks.service.Container'),
  /** The Services object of the simulator: the standard services, each resolved once. */
  services: Symbol.for('spikeworks.service.Services'),
  /** Where the network runs when not in this thread (RemoteRunner); absent for a local run. */
  runner: Symbol.for('spikeworks.service.Runner'),
  /** The memory the network's estimate is checked against before allocating (a MemoryBudget, core/memory.ts). */
  memory: Symbol.for('spikeworks.service.Memory'),
} as const;

/** Simulated time: the resolution, the step reached, and the min-delay slice length once compiled. */
export class Clock {
  step = 0;
  minDelaySteps = 1;
  maxDelaySteps = 1;
  constructor(readonly dt: number) {}
  /** Simulated time in ms. */
  get time(): number {
    return this.step * this.dt;
  }
}

/**
 * The run's random streams: every stream is derived from the seed and a purpose string, then per entity
 * from its global index (rng.ts), so no number depends on how many workers or ranks run.
 */
export class RandomStreams {
  constructor(readonly seed: number) {}
  /** One stream per global index first, first + 1, ... (per neuron, per generator target). */
  bank(purpose: string, first: number, count: number): StreamBank {
    return StreamBank.range(this.seed, purpose, first, count);
  }
  /** One stream per given global index. */
  banks(purpose: string, indices: ArrayLike<number>): StreamBank {
    return new StreamBank(this.seed, purpose, indices);
  }
  stream(purpose: string, index = 0): Stream {
    return new Stream(this.seed, purpose, index);
  }
}

/** The standard services, resolved once from a simulator's container, and the container for any other token. */
export interface Services {
  readonly registry: PluginRegistry;
  readonly world: SimWorld;
  readonly clock: Clock;
  readonly random: RandomStreams;
  readonly transport: CommRuntime;
  /** Where recorders write files; undefined when no plugin or override supplies a sink. */
  readonly output: OutputSink | undefined;
  resolve<T>(token: InjectionToken<T>): T;
}

/** The services of a container, each resolved when first asked for (a service may itself need others). */
export function servicesOf(container: DependencyContainer): Services {
  const cache = new Map<symbol, unknown>();
  const get = <T>(token: symbol): T => {
    if (!cache.has(token)) cache.set(token, container.resolve<T>(token));
    return cache.get(token) as T;
  };
  return {
    get registry() {
      return get<PluginRegistry>(SERVICE.registry);
    },
    get world() {
      return get<SimWorld>(SERVICE.world);
    },
    get clock() {
      return get<Clock>(SERVICE.clock);
    },
    get random() {
      return get<RandomStreams>(SERVICE.random);
    },
    get transport() {
      return get<CommRuntime>(SERVICE.transport);
    },
    get output() {
      return container.isRegistered(SERVICE.output, true) ? get<OutputSink>(SERVICE.output) : undefined;
    },
    resolve: <T>(token: InjectionToken<T>) => container.resolve<T>(token),
  };
}
