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
 */
const copies = new WeakMap<object, WeakMap<object, unknown>>();

export function kernelFor<F extends (...args: never[]) => unknown>(kernel: F, rule: { onPost: unknown }): F {
  let byRule = copies.get(kernel);
  if (byRule === undefined) {
    byRule = new WeakMap();
    copies.set(kernel, byRule);
  }
  // Keyed by the rule's onPost: one copy per rule class (its prototype method), shared by its instances.
  const key = typeof rule.onPost === 'function' ? (rule.onPost as object) : rule;
  let copy = byRule.get(key) as F | undefined;
  if (copy === undefined) {
    copy = new Function(`"use strict"; return (${kernel.toString()});`)() as F;
    byRule.set(key, copy);
  }
  return copy;
}
