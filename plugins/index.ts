import type { Plugin } from '../core/plugin.js';
import { neuronPlugins } from './neurons/index.js';
import { synapsePlugins, delayHandlerPlugins } from './synapses/index.js';
import { connectionPlugins } from './connections/index.js';
import { generatorPlugins } from './generators/index.js';
import { recorderPlugins } from './recorders/index.js';
import { backendPlugins } from './backends/index.js';
import { wasmIntegratorPlugins } from './integrators/wasm/index.js';

export * from './neurons/index.js';
export * from './synapses/index.js';
export * from './connections/index.js';
export * from './generators/index.js';
export * from './recorders/index.js';
export * from './backends/index.js';
export * from './integrators/wasm/index.js';
export { defineModel, builtinSchemes } from './schemes/index.js';
export type { ModelDef, DefineOptions, EquationModel, EquationScheme, SchemeOverride, Equivalence, OverrideProbe } from '../core/equations/index.js';
export { generatedName } from '../core/equations/index.js';

/** Every plugin that ships with spikeworks; `createSimulator()` without `plugins` composes all of them. */
export const builtinPlugins: readonly Plugin[] = [
  ...neuronPlugins,
  ...synapsePlugins,
  ...delayHandlerPlugins,
  ...connectionPlugins,
  ...generatorPlugins,
  ...recorderPlugins,
  ...backendPlugins,
  ...wasmIntegratorPlugins,
];
