/** Neuron models declared as equations (see docs/writing-a-model.md); the schemes live in plugins/schemes. */
export { parseExpr, parseEquation, parseAssignment, ParseError, type Expr } from './parser.js';
export { parseUnit, formatUnit, UnitError, type Unit } from './units.js';
export { ModelError } from './analyse.js';
export { compileModel, type ModelDef, type ParamDef, type StateDef, type ReceptorDef } from './model.js';
export { defineModel, withOverrides, generatedName, type DefineOptions, type EquationModel, type SchemeOverride, type Equivalence, type OverrideProbe } from './define.js';
export { buildKernel, kernelSource, codegenAvailable, type Codegen } from './kernel.js';
export { registerScheme, registeredSchemes, type EquationScheme, type CompiledModel, type EmitContext, type FallbackContext } from './scheme.js';
export { expm } from './expm.js';
