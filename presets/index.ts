import type { Preset } from './preset.js';
import { cubaStatic } from './cuba.js';
import { cubaStdp } from './cuba-stdp.js';
import { hpcBenchmark } from './hpc.js';
import { vaCuba, vaCoba, vaCobaPynn } from './va.js';
import { brunel, brunelStdp } from './brunel.js';
import { zenke25k, zenke25kStatic } from './zenke.js';
import { cobahh } from './cobahh.js';

export * from './preset.js';
export * from './run.js';
export { cubaStatic, cubaStdp, hpcBenchmark, vaCuba, vaCoba, vaCobaPynn, brunel, brunelStdp, zenke25k, zenke25kStatic, cobahh };

/** Every preset the CLI knows, in the order `spikeworks list` prints them. */
export const presets: Preset[] = [hpcBenchmark, cubaStatic, cubaStdp, vaCuba, vaCoba, vaCobaPynn, brunel, brunelStdp, zenke25k, zenke25kStatic, cobahh];
