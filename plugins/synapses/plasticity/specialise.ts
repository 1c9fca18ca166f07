/**
 * One copy of a hot kernel per rule. A kernel shared by every rule calls rule.onPost / rule.onPre from one
 * call site; once two rule classes have run through it in one process (tests, a network with two plastic
 * models, the kernel benchmark) that site is polymorphic and V8 stops inlining the rule, for every rule.
 * Closures made by a factory do not help: V8 shares type feedback between closures of one function
 * literal. A copy compiled from the kernel's own source is a new function with its own feedback, so each
 * rule gets a monomorphic kernel while rule files keep only their formulas.
 *
 * A kernel given here must be self-contained: it may use its parameters and globals such as Math, never
 * a module-level name (helpers are passed in as parameters).
 *
 * Compiling is an optimisation only: where it cannot be done safely the shared kernel itself is returned,
 * which computes the same bits, just with a polymorphic call site. That happens when
 *  - code generation from strings is disallowed (`node --disallow-code-generation-from-strings`, a CSP page
 *    without 'unsafe-eval'): `new Function` throws;
 *  - the kernel's source names something that is neither its own binding nor a known global (a helper that
 *    a bundler or a coverage transform injected, e.g. esbuild's `__name`, istanbul's counters): the copy
 *    would throw a ReferenceError mid-update, so it is never made;
 *  - it is switched off: `setKernelSpecialisation(false)`, or the environment variable
 *    `SPIKEWORKS_NO_CODEGEN=1` at load time.
 */
const copies = new WeakMap<object, WeakMap<object, unknown>>();

/** Names a kernel may use without binding them. */
const GLOBALS = new Set([
  'Math', 'Infinity', 'NaN', 'undefined', 'Number', 'Boolean', 'Array', 'Object', 'Error', 'RangeError', 'TypeError',
  'isFinite', 'isNaN', 'arguments', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]);

const KEYWORDS = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'export',
  'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'let', 'new', 'null', 'of',
  'return', 'static', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with',
  'yield', 'await', 'async',
]);

function envDisabled(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.SPIKEWORKS_NO_CODEGEN;
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

let enabled = !envDisabled();
/** undefined until the first attempt: whether `new Function` works in this realm. */
let codeGeneration: boolean | undefined;
let fallbacks = 0;
let lastReason = '';

/**
 * Switch per-rule kernel copies on (the default) or off. Off, every rule runs the shared kernels: the same
 * bits, typically slower once several rule classes share a process. Affects projections prepared afterwards,
 * in this thread: worker threads read SPIKEWORKS_NO_CODEGEN, which they inherit from the process.
 */
export function setKernelSpecialisation(on: boolean): void {
  enabled = on;
}

/** What kernelFor did so far: whether copies are on, whether code generation works here, how often it fell back and why. */
export function kernelSpecialisation(): { enabled: boolean; codeGeneration: boolean | undefined; fallbacks: number; lastReason: string } {
  return { enabled, codeGeneration, fallbacks, lastReason };
}

/**
 * The identifiers of a function's source that it does not bind and that are no known global or keyword.
 * Scopes are ignored, so a free name spelt like a local elsewhere in the kernel goes unseen (a kernel's
 * own names are no helper's). Names it cannot tell are bound (object-literal keys, parenthesised arrow
 * parameters, destructured names after the first) and sources it cannot read (template literals) are
 * reported: such a kernel stays unspecialised, which costs speed, never correctness.
 */
export function freeNames(src: string): string[] {
  type Tok = { s: string; id: boolean };
  const toks: Tok[] = [];
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const e = src.indexOf('*/', i + 2);
      i = e < 0 ? src.length : e + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (c === '`') {
      return ['`template literal`'];
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[\w$]/.test(src[j])) j++;
      toks.push({ s: src.slice(i, j), id: true });
      i = j;
    } else if (/[0-9]/.test(c)) {
      // A number, with exponent and suffixes (1e-3, 0x1f, 10n): no identifier inside.
      let j = i + 1;
      while (j < src.length && /[\w.]/.test(src[j])) j += /[eE]/.test(src[j]) && /[+-]/.test(src[j + 1]) ? 2 : 1;
      i = j;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      toks.push({ s: c === '.' && src[i + 1] === '.' && src[i + 2] === '.' ? '...' : c, id: false });
      i += toks[toks.length - 1].s.length;
    }
  }
  const bound = new Set<string>();
  const used: string[] = [];
  // Declarations in progress: the bracket depth of their list, and whether the next name binds.
  const decl: number[] = [];
  let bindNext = false;
  let depth = 0;
  let paramDepth = -1;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    const prev = toks[k - 1];
    if (!t.id) {
      if (t.s === '(' || t.s === '[' || t.s === '{') {
        depth++;
        if (prev && prev.id && toks[k - 2]?.s === 'function') paramDepth = depth;
        else if (prev && prev.s === 'function' && t.s === '(') paramDepth = depth;
        else if (k === 0 && t.s === '(') paramDepth = depth;
        else if (k === 1 && prev.id && t.s === '(') paramDepth = depth; // a method: `name(a, b) { ... }`
        if (paramDepth === depth) bindNext = true;
      } else if (t.s === ')' || t.s === ']' || t.s === '}') {
        bindNext = false;
        if (depth === paramDepth) paramDepth = -1;
        depth--;
        while (decl.length && decl[decl.length - 1] > depth) decl.pop();
      } else if (t.s === ',') {
        if ((decl.length && decl[decl.length - 1] === depth) || paramDepth === depth) bindNext = true;
      } else if (t.s === ';') {
        bindNext = false;
        while (decl.length && decl[decl.length - 1] >= depth) decl.pop();
      } else if (t.s === '=' && toks[k + 1]?.s === '>') {
        // An arrow's single parameter `x => ...`.
        if (prev?.id) bound.add(prev.s);
      }
      continue;
    }
    if (t.s === 'const' || t.s === 'let' || t.s === 'var') {
      decl.push(depth);
      bindNext = true;
      continue;
    }
    if (k === 0 && toks[1]?.s === '(') {
      bound.add(t.s); // a method's own name
      continue;
    }
    if (t.s === 'function' || t.s === 'class') {
      if (toks[k + 1]?.id) bound.add(toks[k + 1].s);
      continue;
    }
    if (prev?.s === '.') continue; // a property (also after `?.`; `...x` is a use: one token)
    if (bindNext) {
      bound.add(t.s);
      bindNext = false;
      continue;
    }
    if (prev?.s === 'catch' || (prev?.s === '(' && toks[k - 2]?.s === 'catch')) {
      bound.add(t.s);
      continue;
    }
    if (!KEYWORDS.has(t.s) && !GLOBALS.has(t.s)) used.push(t.s);
  }
  return [...new Set(used.filter((n) => !bound.has(n)))];
}

function fallBack(reason: string): void {
  fallbacks++;
  lastReason = reason;
}

export function kernelFor<F extends (...args: never[]) => unknown>(kernel: F, rule: { onPost: unknown }): F {
  if (!enabled || codeGeneration === false) {
    fallBack(enabled ? 'code generation from strings is disallowed here' : 'kernel specialisation is switched off');
    return kernel;
  }
  let byRule = copies.get(kernel);
  if (byRule === undefined) {
    byRule = new WeakMap();
    copies.set(kernel, byRule);
  }
  // Keyed by the rule's onPost: one copy per rule class (its prototype method), shared by its instances.
  const key = typeof rule.onPost === 'function' ? (rule.onPost as object) : rule;
  let copy = byRule.get(key) as F | undefined;
  if (copy === undefined) {
    const src = kernel.toString();
    const free = freeNames(src);
    if (free.length > 0) {
      copy = kernel;
      fallBack(`kernel ${kernel.name || '(anonymous)'} names ${free.join(', ')}, which a compiled copy cannot see`);
    } else {
      try {
        copy = new Function(`"use strict"; return (${src});`)() as F;
        codeGeneration = true;
        if (typeof copy !== 'function' || copy.length !== kernel.length) {
          fallBack(`the compiled copy of ${kernel.name} is not a function of ${kernel.length} parameters`);
          copy = kernel;
        }
      } catch (e) {
        // EvalError: code generation is off for this realm; any other error: the source does not stand alone.
        if (e instanceof EvalError) codeGeneration = false;
        fallBack(`new Function failed for ${kernel.name}: ${(e as Error).message}`);
        copy = kernel;
      }
    }
    byRule.set(key, copy);
  }
  return copy;
}

const methodCopies = new WeakMap<object, WeakMap<object, unknown>>();

/**
 * A copy of a method (`name(a, b) { ... }`, as a class prototype holds it) with its own type feedback,
 * one per key: what a composed rule (mechanism.ts) uses so that each timing x weight pair gets a
 * monomorphic onPost / onPre. Falls back to the method itself under the same conditions as kernelFor.
 */
export function methodCopy<F extends (...args: never[]) => unknown>(method: F, key: object): F {
  if (!enabled || codeGeneration === false) {
    fallBack(enabled ? 'code generation from strings is disallowed here' : 'kernel specialisation is switched off');
    return method;
  }
  let byKey = methodCopies.get(method);
  if (byKey === undefined) {
    byKey = new WeakMap();
    methodCopies.set(method, byKey);
  }
  let copy = byKey.get(key) as F | undefined;
  if (copy === undefined) {
    const src = method.toString();
    const free = freeNames(src);
    if (free.length > 0 || !/^[A-Za-z_$][\w$]*\s*\(/.test(src)) {
      copy = method;
      fallBack(`method ${method.name} names ${free.join(', ') || 'nothing'} or is not a plain method, so it is not copied`);
    } else {
      try {
        copy = new Function(`"use strict"; return ({ ${src} })[${JSON.stringify(method.name)}];`)() as F;
        codeGeneration = true;
        if (typeof copy !== 'function' || copy.length !== method.length) {
          fallBack(`the compiled copy of ${method.name} is not a function of ${method.length} parameters`);
          copy = method;
        }
      } catch (e) {
        if (e instanceof EvalError) codeGeneration = false;
        fallBack(`new Function failed for ${method.name}: ${(e as Error).message}`);
        copy = method;
      }
    }
    byKey.set(key, copy);
  }
  return copy;
}
