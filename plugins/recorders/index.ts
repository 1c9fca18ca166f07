import type { Plugin } from '../../core/plugin.js';
import { spikeRecorder } from './spike_recorder.js';
import { multimeter } from './multimeter.js';
import { weightRecorder } from './weight_recorder.js';
import { fileSink } from './files.js';

export { spikeRecorder, multimeter, weightRecorder, fileSink };
export { readSpikeAscii, readSpikeBinary, readNestAscii, parseSpikeAscii, parseSpikeBinary, parseNestColumns, nestFileName, FileSink, ChunkedFile } from './files.js';
export { readSpikeArrow, parseSpikeArrow } from './arrow.js';
export type { SpikeRecorderRuntime } from './spike_recorder.js';
export type { WeightRecorderRuntime, WeightEvents } from './weight_recorder.js';
export type { MultimeterEvents } from './multimeter.js';
/** The recorders, and the file system sink their file backends write through. */
export const recorderPlugins: readonly Plugin[] = [spikeRecorder, multimeter, weightRecorder, fileSink];

declare module '../../core/handles.js' {
  interface DeviceModels {
    spike_recorder: true;
    multimeter: true;
    weight_recorder: true;
  }
}
