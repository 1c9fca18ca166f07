/**
 * x^mu for one fixed exponent, by tables instead of exp(mu ln x): x = 2^e · m with m in [1, 2), m = c_k (1 + r)
 * for the 128-entry table point c_k nearest below-centre, so x^mu = (2^e)^mu · c_k^mu · (1 + r)^mu with
 * |r| < 2^-8 and (1 + r)^mu a degree-6 binomial series (truncation < 1e-18). The two powers are tables
 * computed once per exponent. Error: a few ulp of x^mu (4.5e-16 relative measured, test/plugins/synapses/
 * plasticity/weight/power.test.ts), where exp(mu ln x) has about 4e-16: both are NEST's std::pow to well under
 * its rules' 1e-12. It costs a third of exp(mu ln x) in V8, which is most of stdp_pl_synapse_hom's
 * facilitation (hpc_benchmark spends about half its simulation there).
 */
const MANTISSA_BITS = 7;
const POINTS = 1 << MANTISSA_BITS;
/** Smallest normal double: below it (and for 0, Infinity, NaN) the tables do not apply. */
const MIN_NORMAL = 2 ** -1022;

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HIGH = littleEndian ? 1 : 0;
/** 2^(j − 1023) for every biased exponent j: scaling by it is exact. */
const twoTo = new Float64Array(2047);
for (let j = 0; j < 2047; j++) twoTo[j] = 2 ** (j - 1023);
/** 1 / c_k with c_k = 1 + (k + 1/2) / 128, so that |m / c_k − 1| < 2^-8 in the point's interval. */
const inverse = new Float64Array(POINTS);
for (let k = 0; k < POINTS; k++) inverse[k] = 1 / (1 + (k + 0.5) / POINTS);

export class FixedPower {
  /** (2^e)^mu per biased exponent. */
  private readonly ofExponent = new Float64Array(2047);
  /** (1 / inverse[k])^mu, from the rounded inverse itself so that m · inverse[k] = 1 + r carries no table error. */
  private readonly ofPoint = new Float64Array(POINTS);
  private readonly a1: number;
  private readonly a2: number;
  private readonly a3: number;
  private readonly a4: number;
  private readonly a5: number;
  private readonly a6: number;

  constructor(readonly mu: number) {
    for (let j = 0; j < 2047; j++) this.ofExponent[j] = Math.pow(2, (j - 1023) * mu);
    for (let k = 0; k < POINTS; k++) this.ofPoint[k] = Math.pow(inverse[k], -mu);
    // Binomial coefficients C(mu, j).
    const a = [1];
    for (let j = 1; j <= 6; j++) a.push((a[j - 1] * (mu - j + 1)) / j);
    [, this.a1, this.a2, this.a3, this.a4, this.a5, this.a6] = a;
  }

  /** x^mu for x >= 0 (NaN for x < 0 or NaN, as exp(mu ln x)). */
  of(x: number): number {
    if (!(x >= MIN_NORMAL && x < Infinity)) return Math.exp(this.mu * Math.log(x));
    bits[0] = x;
    const high = words[HIGH];
    const biased = high >> 20;
    const k = (high >> (20 - MANTISSA_BITS)) & (POINTS - 1);
    const r = x * twoTo[2046 - biased] * inverse[k] - 1;
    const r2 = r * r;
    const series = r * this.a1 + r2 * (this.a2 + r * this.a3 + r2 * (this.a4 + r * this.a5 + r2 * this.a6));
    const s = this.ofExponent[biased] * this.ofPoint[k];
    return s + s * series;
  }
}
