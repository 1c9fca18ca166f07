import { addonLoader } from '../addon.js';

/** The functions of native/kernels (node-addon-api, built for this machine with -march=native). */
export interface KernelAddon {
  /** The iaf_cond_exp f32x4 slice kernel over a WebAssembly memory's buffer, 16 lanes per vector. */
  condExpSlice(
    buffer: ArrayBuffer, end: number, nSteps: number, stride: number, channel: number,
    spikeIdx: number, spikeLag: number, rowTable: number, consts: number, current: boolean, scaled: boolean,
  ): number;
  /** Bytes of state one block of the kernel's loop takes (`end` is a multiple of it). */
  readonly blockBytes: number;
  readonly lanes: number;
  /** The widest vector extension it was compiled for: 'avx512f', 'avx2' or 'baseline'. */
  readonly isa: string;
}

export const KERNELS_BUILD_HINT =
  'the native integrators need their addon, built on the machine that runs it: `npm run build:native` ' +
  '(node-gyp with g++, make and python3; builds native/kernels/build/Release/spikeworks_kernels.node)';

const kernelAddon = addonLoader<KernelAddon>('kernels', 'spikeworks_kernels.node', 'SPIKEWORKS_KERNELS_ADDON', () => KERNELS_BUILD_HINT);

/** Load the addon, or throw a SpikeworksError saying how to build it. */
export function loadKernelAddon(): KernelAddon {
  return kernelAddon.load();
}

export function kernelAddonAvailable(): boolean {
  return kernelAddon.available();
}
