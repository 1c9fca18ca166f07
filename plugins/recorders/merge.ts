/**
 * Merging recorders' rows from several ranks into the order one process records them in: the rows of all
 * parts (in rank order) sorted by their keys, stably, so rows with equal keys keep their rank order.
 */

/** The permutation that orders rows by the key columns (compared in turn), stable. */
export function rowOrder(keys: readonly ArrayLike<number>[], n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const d = keys[k][a] - keys[k][b];
      if (d !== 0) return d;
    }
    return a - b;
  });
  return order;
}

type Column = Int32Array | Float64Array | Float32Array;

/** The columns of every part, concatenated (rank order). */
export function concatColumns<T extends Record<string, Column>>(parts: readonly T[]): T {
  const out: Record<string, Column> = {};
  if (parts.length === 0) return out as T;
  for (const name of Object.keys(parts[0])) {
    const first = parts[0][name];
    let n = 0;
    for (const p of parts) n += p[name].length;
    const col = new (first.constructor as new (n: number) => Column)(n);
    let at = 0;
    for (const p of parts) {
      col.set(p[name] as never, at);
      at += p[name].length;
    }
    out[name] = col;
  }
  return out as T;
}

/** Every column reordered by `order`. */
export function permute<T extends Record<string, Column>>(cols: T, order: Uint32Array): T {
  const out: Record<string, Column> = {};
  for (const [name, col] of Object.entries(cols)) {
    const c = new (col.constructor as new (n: number) => Column)(order.length);
    for (let i = 0; i < order.length; i++) c[i] = col[order[i]];
    out[name] = c;
  }
  return out as T;
}
