import type { Preset } from './preset.js';
import { cubaStatic } from './cuba.js';

export * from './preset.js';
export { cubaStatic };

/** Every preset the CLI knows, in the order `spikeworks list` prints them. */
export const presets: Preset[] = [cubaStatic];
