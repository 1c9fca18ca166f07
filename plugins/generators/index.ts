import type { Plugin } from '../../core/plugin.js';
import { poissonGenerator } from './poisson_generator.js';
import { dcGenerator } from './dc_generator.js';
import { spikeGenerator } from './spike_generator.js';
import { noiseGenerator } from './noise_generator.js';
import { sinusoidalPoissonGenerator } from './sinusoidal_poisson_generator.js';
import { stepCurrentGenerator } from './step_current_generator.js';
import { acGenerator } from './ac_generator.js';

export { poissonGenerator, dcGenerator, spikeGenerator, noiseGenerator, sinusoidalPoissonGenerator, stepCurrentGenerator, acGenerator };
export const generatorPlugins: readonly Plugin[] = [
  poissonGenerator, dcGenerator, spikeGenerator, noiseGenerator, sinusoidalPoissonGenerator, stepCurrentGenerator, acGenerator,
];

declare module '../../core/handles.js' {
  interface DeviceModels {
    poisson_generator: true;
    dc_generator: true;
    spike_generator: true;
    noise_generator: true;
    sinusoidal_poisson_generator: true;
    step_current_generator: true;
    ac_generator: true;
  }
}
