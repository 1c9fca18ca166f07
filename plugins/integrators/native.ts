import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { SpikeworksError } from '../../core/errors.js';

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

/** Where the built addon may lie: from sources (plugins/integrators) or from the bundle (dist/). */
function candidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const rel = join('native', 'kernels', 'build', 'Release', 'spikeworks_kernels.node');
  // An explicit path is the only candidate: a wrong one must not fall back silently.
  if (process.env.SPIKEWORKS_KERNELS_ADDON) return [resolve(process.env.SPIKEWORKS_KERNELS_ADDON)];
  return [resolve(here, '..', '..', rel), resolve(here, '..', rel)];
}

let cached: KernelAddon | null = null;

/** Load the addon, or throw a SpikeworksError saying how to build it. */
export function loadKernelAddon(): KernelAddon {
  if (cached) return cached;
  const paths = candidates();
  const found = paths.find((p) => existsSync(p));
  if (!found) throw new SpikeworksError(`${KERNELS_BUILD_HINT}. No built addon at ${paths.join(' or ')}`);
  try {
    cached = createRequire(import.meta.url)(found) as KernelAddon;
  } catch (e) {
    throw new SpikeworksError(`${KERNELS_BUILD_HINT}. Loading ${found} failed: ${(e as Error).message}`);
  }
  return cached;
}

export function kernelAddonAvailable(): boolean {
  return candidates().some((p) => existsSync(p));
}
