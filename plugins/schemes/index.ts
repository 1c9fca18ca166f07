import { defineModel as defineWith, withOverrides, type DefineOptions, type EquationModel } from '../../core/equations/define.js';
import type { ModelDef } from '../../core/equations/model.js';
import { registerScheme, type EquationScheme } from '../../core/equations/scheme.js';
import { eulerF32, eulerF64, rk2, rk4F32, rk4F64 } from './explicit.js';
import { exact } from './exact.js';
import { rkf45 } from './rkf45.js';
import { exponentialEuler } from './exp_euler.js';
import { expEulerF32x4Wasm, withExpEulerSimd } from './exp_euler_simd.js';
import { simdSchemes, withSimdKernels } from './simd.js';
import { eulerExactDecay, eulerExactDecayF32 } from './euler_exact_decay.js';
import { noIntegration } from './none.js';

export { eulerF32, eulerF64, rk2, rk4F32, rk4F64, exact, rkf45 };
export { propagator } from './exact.js';
export { exponentialEuler, expEulerF32x4Wasm, eulerExactDecay, eulerExactDecayF32, noIntegration };

/** The built-in model-agnostic schemes, by name: euler, euler-f32, rk2 (midpoint), rk4, rk4-f32, rkf45, exact. */
export const builtinSchemes: readonly EquationScheme[] = [exact, rkf45, rk4F64, rk4F32, rk2, eulerF64, eulerF32];
for (const s of builtinSchemes) registerScheme(s);
/** Brian2's exponential Euler for conditionally linear models (HH gates), docs/writing-a-model.md. */
registerScheme(exponentialEuler);
/** WebAssembly SIMD kernels (euler-f32x4-wasm-simd, rk4-f32x4-wasm-simd, euler-f64x2-wasm-simd), docs/writing-a-model.md. */
for (const s of simdSchemes) registerScheme(s);
/** exponential-euler in float32 lanes, four neurons per WebAssembly f32x4 (plugins/schemes/exp_euler_simd.ts). */
registerScheme(expEulerF32x4Wasm);
/** Auryn's scheme: Euler on the nonlinear variables, exact decay of the linear ones (plugins/schemes/euler_exact_decay.ts). */
registerScheme(eulerExactDecay);
registerScheme(eulerExactDecayF32);
export { simdSchemes, withSimdKernels };

/** defineModel with the built-in schemes (and any registered since); hand overrides go in after the SIMD kernels. */
export function defineModel(def: ModelDef, options: DefineOptions = {}): EquationModel {
  const { overrides, handOnly, ...rest } = options;
  const model = withExpEulerSimd(withSimdKernels(defineWith(def, rest), options.codegen), options.codegen);
  return withOverrides(model, { overrides, handOnly });
}
