import type { Plugin } from '../../../core/plugin.js';
import { iafPscExpWasm } from './iaf_psc_exp_simd.js';
import { iafCondExpWasm } from './iaf_cond_exp_simd.js';
import { iafCondExpF32x4Wasm } from './iaf_cond_exp_f32x4.js';
import { aurynIfF32x4Wasm } from './auryn_if_f32x4.js';

export { iafPscExpWasm, iafCondExpWasm, iafCondExpF32x4Wasm, aurynIfF32x4Wasm };
/**
 * WebAssembly SIMD integrators: extra schemes for existing models, chosen with `{ integrator }` at create.
 * iaf_cond_exp's euler-f32x4-wasm-simd kernel is registered by the model itself (a hand kernel in place of
 * the generated one of that name).
 */
export const wasmIntegratorPlugins: readonly Plugin[] = [iafPscExpWasm, iafCondExpWasm, aurynIfF32x4Wasm];
