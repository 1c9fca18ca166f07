/**
 * The contracts every plugin fulfils, one file per kind under contracts/. A plugin is a plain object;
 * `createSimulator({ plugins })` registers it in the simulator's DI container under the token of its kind.
 */
export type { PluginKind, PluginBase, ServicePlugin, PopulationHandle } from './contracts/base.js';
export type { StateSpec, StateArray, NeuronGroupContext, KernelContext, NeuronKernel, KernelCapabilities, NeuronScheme, NeuronModel, IntegratorPlugin } from './contracts/neuron.js';
export type { SynapseTable, TargetIndex, AdoptedTable, ProjectionInfo, SynapseRuntime, SynapseCapabilities, SynapseModel, SynapseOption } from './contracts/synapse.js';
export type { EdgeSink, ConnectContext, ConnectionRule } from './contracts/connection.js';
export type { DeviceTargets, GeneratorRuntime, DeviceContext, GeneratorModel, RecordSource, RecordedSpikes, RecorderRuntime, RecorderModel } from './contracts/device.js';
export type { SpikeBatch, CommRuntime, CommBackend } from './contracts/backend.js';
export type { DelayHandlerPlugin } from './contracts/delay.js';
export type { Phase, StepPhase, SlicePhase, SystemContext, SystemRunner, SystemPlugin } from './contracts/system.js';
export { STEP_PHASES, SLICE_PHASES } from './contracts/system.js';
export type { Plugin } from './registry.js';
export type { ValueSpec } from './distributions.js';
