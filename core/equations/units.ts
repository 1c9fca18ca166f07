import { SpikeworksError } from '../errors.js';

/**
 * Physical units for dimensional analysis of model equations. A unit is a dimension vector over the SI
 * base units a neuron needs (kg, m, s, A), a decimal scale (10^exp relative to SI: every SI prefix is a
 * power of ten, so conversions are exact divisions or multiplications by 10^k, never a rounded ratio
 * like 1e-9 * 1e-3 / 1e-12), and the symbols it was written with, for messages ("pA·ms").
 */
export interface Unit {
  /** Exponents of kg, m, s, A. */
  readonly dim: readonly [number, number, number, number];
  /** Decimal exponent of the scale relative to SI (mV: -3). */
  readonly exp: number;
  /** The symbols as written, with powers: [['pA', 1], ['ms', 1]]. */
  readonly sym: readonly (readonly [string, number])[];
}

export class UnitError extends SpikeworksError {
  override name = 'UnitError';
}

const BASE: Record<string, { dim: [number, number, number, number]; exp: number }> = {
  V: { dim: [1, 2, -3, -1], exp: 0 },
  A: { dim: [0, 0, 0, 1], exp: 0 },
  S: { dim: [-1, -2, 3, 2], exp: 0 },
  F: { dim: [-1, -2, 4, 2], exp: 0 },
  Ohm: { dim: [1, 2, -3, -2], exp: 0 },
  'Ω': { dim: [1, 2, -3, -2], exp: 0 },
  s: { dim: [0, 0, 1, 0], exp: 0 },
  Hz: { dim: [0, 0, -1, 0], exp: 0 },
  C: { dim: [0, 0, 1, 1], exp: 0 },
};
const PREFIX: Record<string, number> = { G: 9, M: 6, k: 3, m: -3, u: -6, 'µ': -6, 'μ': -6, n: -9, p: -12, f: -15 };

export const DIMENSIONLESS: Unit = { dim: [0, 0, 0, 0], exp: 0, sym: [] };

/** One symbol: a base unit, or a prefix and a base unit (mV, pA, nS, µS, ms, GOhm). */
export function symbolUnit(s: string): Unit | undefined {
  const b = BASE[s];
  if (b) return { dim: b.dim, exp: b.exp, sym: [[s, 1]] };
  for (const [p, e] of Object.entries(PREFIX)) {
    if (s.startsWith(p) && BASE[s.slice(p.length)]) {
      const base = BASE[s.slice(p.length)];
      return { dim: base.dim, exp: base.exp + e, sym: [[s, 1]] };
    }
  }
  return undefined;
}

export function isUnitSymbol(s: string): boolean {
  return symbolUnit(s) !== undefined;
}

/**
 * Parse a unit string: symbols joined by `*`, `·` or `/`, each with an optional `^n` (or `**n`),
 * `1` or '' for dimensionless ('mV', 'pA/ms', 'nS*mV', '1/ms', 'ms^-1'). `what` names it in errors.
 */
export function parseUnit(text: string, what: string): Unit {
  const s = text.trim();
  if (s === '' || s === '1') return DIMENSIONLESS;
  let u = DIMENSIONLESS;
  const parts = s.split(/\s*([*·/])\s*/);
  let op = '*';
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 1) {
      op = parts[i];
      continue;
    }
    const m = /^([A-Za-zµμΩ]+|1)(?:(?:\^|\*\*)\(?(-?\d+)\)?)?$/.exec(parts[i]);
    const base = m ? (m[1] === '1' ? DIMENSIONLESS : symbolUnit(m[1])) : undefined;
    if (!m || !base) throw new UnitError(`${what}: unknown unit '${text}' (use SI symbols with prefixes, e.g. mV, pA, nS, pF, ms, Hz, 1/ms, MOhm; '1' for none)`);
    const p = powUnit(base, m[2] === undefined ? 1 : Number(m[2]));
    u = op === '/' ? divUnits(u, p) : mulUnits(u, p);
  }
  return u;
}

function mergeSym(a: Unit['sym'], b: Unit['sym'], sign: number): Unit['sym'] {
  const out = a.map(([s, p]) => [s, p] as [string, number]);
  for (const [s, p] of b) {
    const hit = out.find((x) => x[0] === s);
    if (hit) hit[1] += sign * p;
    else out.push([s, sign * p]);
  }
  return out.filter(([, p]) => p !== 0);
}

export function mulUnits(a: Unit, b: Unit): Unit {
  return { dim: a.dim.map((d, i) => d + b.dim[i]) as unknown as Unit['dim'], exp: a.exp + b.exp, sym: mergeSym(a.sym, b.sym, 1) };
}

export function divUnits(a: Unit, b: Unit): Unit {
  return { dim: a.dim.map((d, i) => d - b.dim[i]) as unknown as Unit['dim'], exp: a.exp - b.exp, sym: mergeSym(a.sym, b.sym, -1) };
}

export function powUnit(a: Unit, p: number): Unit {
  return { dim: a.dim.map((d) => d * p) as unknown as Unit['dim'], exp: a.exp * p, sym: a.sym.map(([s, q]) => [s, q * p] as const) };
}

export function sameDimension(a: Unit, b: Unit): boolean {
  return a.dim.every((d, i) => Math.abs(d - b.dim[i]) < 1e-12);
}

export function isDimensionless(u: Unit): boolean {
  return u.dim.every((d) => Math.abs(d) < 1e-12);
}

/** As written: 'pA·ms', 'mV/ms', '1/ms', '1' (dimensionless), powers as '^2'. */
export function formatUnit(u: Unit): string {
  const pw = (s: string, p: number) => (p === 1 ? s : `${s}^${p}`);
  const num = u.sym.filter(([, p]) => p > 0).map(([s, p]) => pw(s, p));
  const den = u.sym.filter(([, p]) => p < 0).map(([s, p]) => pw(s, -p));
  let out = num.length ? num.join('·') : '1';
  if (den.length) out += '/' + (den.length > 1 ? `(${den.join('·')})` : den[0]);
  // A dimensionless ratio of different scales (ms/s) still shows its symbols; equal symbols cancelled.
  return out;
}

/** NEST's unit system: mV, pA, pF, nS, ms (pA/pF = mV/ms, nS·mV = pA). Time in the kernels is in ms. */
export const MS = parseUnit('ms', 'ms');
