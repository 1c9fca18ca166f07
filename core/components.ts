import { defineResource, type Arena } from './component.js';
import type { NeuronKernel } from './contracts/neuron.js';
import type { SynapseRuntime, SynapseTable } from './contracts/synapse.js';
import type { GeneratorRuntime, RecorderRuntime } from './contracts/device.js';
import type { AnyRing } from './ringbuffer.js';
import type { Fired } from './spikes.js';
import type { ResolvedScheme } from './registry.js';
import type { Population, Projection, Device } from './handles.js';

/** A device's connection to a part of a population, as given to connect (resolved when compiled). */
export interface DeviceLink {
  readonly population: Population;
  readonly start: number;
  readonly end: number;
  readonly weight: number;
  readonly delaySteps: number;
}

/**
 * The components the core itself gives entities (plugins declare their own, e.g. a model's state). Each
 * is attached by the build (handle, scheme, table, device runtime) or by the compile step (kernel, ring,
 * synapse runtime), and queried by the built-in systems.
 */
export const C = {
  population: defineResource<Population>('population', 'the handle of a population entity'),
  projection: defineResource<Projection>('projection', 'the handle of a projection entity'),
  device: defineResource<Device>('device', 'the handle of a device entity'),
  arena: defineResource<Arena>('arena', "where a population's state component lives (the JS heap, or a kernel's memory)"),
  scheme: defineResource<ResolvedScheme>('scheme', "a population's integration scheme and its state component"),
  kernel: defineResource<NeuronKernel>('kernel', "a population's compiled update over its state"),
  ring: defineResource<AnyRing>('input_ring', "a population's delayed input: one row per future step"),
  fired: defineResource<Fired>('fired', "a population's spikes of the current step"),
  synapses: defineResource<SynapseTable>('synapse_table', "a projection's synapses in CSR by source"),
  synapseRuntime: defineResource<SynapseRuntime>('synapse_runtime', "a projection's delivery (and plasticity)"),
  generator: defineResource<GeneratorRuntime>('generator', 'a generator device'),
  recorder: defineResource<RecorderRuntime>('recorder', 'a recorder device'),
  links: defineResource<DeviceLink[]>('device_links', "a generator's connections, resolved when compiled"),
} as const;
