import type { Plugin } from '../../../core/plugin.js';
import { iafPscExpWasm } from './iaf_psc_exp_simd.js';
import { iafCondExpWasm } from './iaf_cond_exp_simd.js';
import { iafCondExpF32x4Wasm } from './iaf_cond_exp_f32x4.js';
import { aurynIfF32x4Wasm } from './auryn_if_f32x4.js';

export { iafPscExpWasm, iafCondExpWasm, iafCondExpF32x4Wasm, aurynIfF32x4Wasm };
/**
 * WebAssembly SIMD integrators: extra schemes for existing models, chosen with `{ integrator }` at create.
 * iaf_cond_exp's and IFGroup's euler-f32x4-wasm-simd kernels are registered by the models themselves (hand
 * kernels in place of the generated ones of that name; IFGroup's held to its generated euler-exact-decay-f32).
 */
export const wasmIntegratorPlugins: readonly Plugin[] = [iafPscExpWasm, iafCondExpWasm];
