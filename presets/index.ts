import type { Preset } from './preset.js';
import { cubaStatic } from './cuba.js';
import { cubaStdp } from './cuba-stdp.js';

export * from './preset.js';
export { cubaStatic, cubaStdp };

/** Every preset the CLI knows, in the order `spikeworks list` prints them. */
export const presets: Preset[] = [cubaStatic, cubaStdp];
