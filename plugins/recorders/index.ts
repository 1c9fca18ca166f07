import type { Plugin } from '../../core/plugin.js';
import { spikeRecorder } from './spike_recorder.js';

export { spikeRecorder };
export const recorderPlugins: readonly Plugin[] = [spikeRecorder];
