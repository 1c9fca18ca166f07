import type { Plugin } from '../../core/plugin.js';
import { spikeRecorder } from './spike_recorder.js';
import { multimeter } from './multimeter.js';
import { weightRecorder } from './weight_recorder.js';

export { spikeRecorder, multimeter, weightRecorder };
export { readSpikeAscii, readSpikeBinary, readNestAscii, nestFileName } from './files.js';
export { readSpikeArrow } from './arrow.js';
export type { SpikeRecorderRuntime } from './spike_recorder.js';
export type { WeightRecorderRuntime, WeightEvents } from './weight_recorder.js';
export type { MultimeterEvents } from './multimeter.js';
export const recorderPlugins: readonly Plugin[] = [spikeRecorder, multimeter, weightRecorder];
