/**
 * Types only: the parameters create() takes, per model name, for the editor. Derived with `typeof` from the
 * built-in models' `as const` schemas; the run-time checks (schema.ts) stay the authority and are unchanged.
 * Type-only imports: core does not load the plugins through this file.
 */
import type { ParamSchema } from './schema.js';
import type { Projection } from './handles.js';
import type { archivingParams, pscParams } from '../plugins/neurons/iaf_psc_exp.js';
import type { pscAlphaParams } from '../plugins/neurons/iaf_psc_alpha.js';
import type { pscDeltaParams } from '../plugins/neurons/iaf_psc_delta.js';
import type { condParams } from '../plugins/neurons/iaf_cond_exp.js';
import type { aeifParams } from '../plugins/neurons/aeif_cond_exp.js';
import type { izhikevichParams } from '../plugins/neurons/izhikevich.js';
import type { aurynIfParams } from '../plugins/neurons/auryn_if.js';
import type { poissonPopulationParams } from '../plugins/neurons/poisson_population.js';
import type { pynnSchemas } from '../plugins/neurons/pynn.js';
import type { hhPscAlphaParams } from '../plugins/neurons/hh_psc_alpha.js';
import type { hhCondExpTraubParams } from '../plugins/neurons/hh_cond_exp_traub.js';
import type { deviceTiming, poissonGeneratorParams } from '../plugins/generators/poisson_generator.js';
import type { dcGeneratorParams } from '../plugins/generators/dc_generator.js';
import type { noiseGeneratorParams } from '../plugins/generators/noise_generator.js';
import type { sinusoidalPoissonGeneratorParams } from '../plugins/generators/sinusoidal_poisson_generator.js';
import type { stepCurrentGeneratorParams } from '../plugins/generators/step_current_generator.js';
import type { acGeneratorParams } from '../plugins/generators/ac_generator.js';
import type { samplingParams } from '../plugins/recorders/sampling.js';
import type { volumeTransmitterParams } from '../plugins/synapses/neuromodulation/volume_transmitter.js';

type Pynn = typeof pynnSchemas;

/** Every built-in model name → the type of its parameter schema (the PyNN cell types from their table). */
export interface BuiltinModels extends Pynn {
  iaf_psc_exp: typeof pscParams;
  iaf_psc_alpha: typeof pscAlphaParams;
  iaf_psc_delta: typeof pscDeltaParams;
  iaf_cond_exp: typeof condParams;
  iaf_cond_alpha: typeof condParams;
  aeif_cond_exp: typeof aeifParams;
  izhikevich: typeof izhikevichParams;
  hh_psc_alpha: typeof hhPscAlphaParams;
  hh_cond_exp_traub: typeof hhCondExpTraubParams;
  parrot_neuron: typeof archivingParams;
  poisson_population: typeof poissonPopulationParams;
  // An equation model: it takes the archiving node's tau_minus and tau_minus_triplet as the others do.
  IFGroup: typeof aurynIfParams & typeof archivingParams;
  poisson_generator: typeof poissonGeneratorParams;
  dc_generator: typeof dcGeneratorParams;
  noise_generator: typeof noiseGeneratorParams;
  sinusoidal_poisson_generator: typeof sinusoidalPoissonGeneratorParams;
  step_current_generator: typeof stepCurrentGeneratorParams;
  ac_generator: typeof acGeneratorParams;
  spike_generator: typeof deviceTiming;
  spike_recorder: typeof deviceTiming;
  multimeter: typeof samplingParams & typeof deviceTiming;
  weight_recorder: typeof samplingParams & typeof deviceTiming;
  volume_transmitter: typeof volumeTransmitterParams;
}

/** NEST's file options of a recorder. `record_to` is a string: the values it takes differ per recorder and are checked at run time. */
type FileExtras = { record_to?: string; label?: string; path?: string; data_path?: string; precision?: number; overwrite_files?: boolean };

/**
 * The devices' non-numeric parameters (each model's `extraParams`), which no numeric schema describes: their
 * names are checked against the registered models by test/core/typed-create.test.ts.
 */
export interface BuiltinExtras {
  spike_generator: { spike_times?: ArrayLike<number>; spike_weights?: ArrayLike<number>; allow_offgrid_times?: boolean; precise_times?: boolean };
  sinusoidal_poisson_generator: { individual_spike_trains?: boolean };
  step_current_generator: { amplitude_times?: ArrayLike<number>; amplitude_values?: ArrayLike<number>; allow_offgrid_times?: boolean };
  spike_recorder: FileExtras;
  multimeter: FileExtras & { record_from?: readonly string[] };
  // connect()'s results; a null (a device link) is refused at run time.
  weight_recorder: Pick<FileExtras, 'record_to' | 'path' | 'overwrite_files'> & { projections?: readonly (Projection | null)[]; synapses?: readonly (ArrayLike<number> | undefined)[] };
}

/**
 * The model names create() accepts, each with its schema's type. Extend it by declaration merging for your
 * own models (docs/api.md, "Typed parameters"):
 * `declare module 'spikeworks' { interface SpikeworksModels { my_model: typeof mySchema } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SpikeworksModels extends BuiltinModels {}

export type ModelName = keyof SpikeworksModels & string;

/**
 * A schema's parameters as create() takes them: every one optional, a number (integer and 0/1 flags are
 * numbers too; ranges are checked at run time). create() takes no distributions for parameters (only
 * setState does), so none are typed here.
 */
export type ParamsOf<Schema> = { -readonly [K in keyof Schema]?: number };

/**
 * The params of a model name: its schema's (ParamsOf, written out so that the editor lists the fields rather
 * than the schema's type), with a device's extras; a wide `ParamSchema` gives a loose record.
 */
export type ModelParams<M extends ModelName> = string extends keyof SpikeworksModels[M]
  ? Record<string, unknown>
  : { -readonly [K in keyof SpikeworksModels[M]]?: number } & (M extends keyof BuiltinExtras ? BuiltinExtras[M] : unknown);

/**
 * create()'s model argument: a known name, or any value of type `string` (a name computed at run time, checked
 * then). A string literal outside ModelName is an error, so a misspelt built-in cannot pass as a user model.
 */
export type CheckedModel<M extends string> = string extends M ? M : M extends ModelName ? M : ModelName;

/** create()'s params for that argument: typed for a known name, a loose record for a `string`. */
export type CreateParams<M extends string> = string extends M ? Record<string, unknown> : M extends ModelName ? ModelParams<M> : Record<string, unknown>;

/** create()'s 4th argument: the integrator, and devices' options. */
export interface CreateOptions {
  integrator?: string;
  [k: string]: unknown;
}

