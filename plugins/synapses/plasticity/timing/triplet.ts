import type { ParamSchema } from '../../../../core/schema.js';
import { ParameterError } from '../../../../core/errors.js';
import type { TimingDependence, TimingRule, TraceSpec } from './types.js';
import { postTau, type PostTauSource } from './pair.js';

/**
 * Pfister & Gerstner (2006) triplet STDP, all-to-all, in NEST's stdp_triplet_synapse form: at a post
 * spike A = Aplus + Aplus_triplet·y2 (y2 the slow post trace just before it) with K = x; at a pre spike
 * A = Aminus + Aminus_triplet·x2 (x2 the slow pre trace just before it) with K = y. Amplitudes are in
 * weight units, as in NEST. The minimal model (their visual-cortex fit) has no triplet depression: it
 * drops x2 and Aminus_triplet.
 */
class Triplet implements TimingRule {
  readonly relative = false;
  readonly traces: readonly TraceSpec[];
  constructor(
    tauPlus: number, tauX: number, tauMinus: number, tauY: number,
    readonly aPlus: number, readonly aMinus: number, readonly aPlusTriplet: number, readonly aMinusTriplet: number,
  ) {
    const t: TraceSpec[] = [
      { name: 'x', side: 'pre', tau: tauPlus, readAt: 'post' },
      { name: 'y', side: 'post', tau: tauMinus, readAt: 'pre' },
      { name: 'y2', side: 'post', tau: tauY, readAt: 'post' },
    ];
    if (tauX > 0) t.push({ name: 'x2', side: 'pre', tau: tauX, readAt: 'pre' });
    this.traces = t;
  }
  ltpAmp(_pre: number, postOwn: number): number {
    return this.aPlus + this.aPlusTriplet * postOwn;
  }
  ltpTrace(pre: number): number {
    return pre;
  }
  ltdAmp(_post: number, preOwn: number): number {
    return this.aMinus + this.aMinusTriplet * preOwn;
  }
  ltdTrace(post: number): number {
    return post;
  }
}

const tau = (d: number, doc: string) => ({ unit: 'ms', default: d, min: 0, exclusiveMin: true, doc });
const amp = (d: number, doc: string) => ({ unit: '', default: d, min: 0, doc });

/**
 * `minimal: true` is Pfister & Gerstner's minimal model (no tau_plus_triplet, no Aminus_triplet);
 * `postTaus: 'neuron'` reads tau_minus and tau_minus_triplet from the target neuron (NEST), the default
 * 'synapse' from the synapse's parameters. Defaults are NEST's (Pfister & Gerstner's all-to-all hippocampal fit).
 */
export function triplet(opts: { minimal?: boolean; postTaus?: PostTauSource } = {}): TimingDependence {
  const minimal = opts.minimal ?? false;
  const from = opts.postTaus ?? 'synapse';
  const params: ParamSchema = {
    tau_plus: tau(16.8, 'time constant of the fast presynaptic trace x'),
    ...(minimal ? {} : { tau_plus_triplet: tau(101, 'time constant of the slow presynaptic trace x2') }),
    ...(from === 'synapse'
      ? { tau_minus: tau(33.7, 'time constant of the fast postsynaptic trace y'), tau_minus_triplet: tau(125, 'time constant of the slow postsynaptic trace y2') }
      : {}),
    Aplus: amp(5e-10, 'pair potentiation amplitude (weight units)'),
    Aminus: amp(7e-3, 'pair depression amplitude (weight units)'),
    Aplus_triplet: amp(6.2e-3, 'triplet potentiation amplitude (weight units)'),
    ...(minimal ? {} : { Aminus_triplet: amp(2.3e-4, 'triplet depression amplitude (weight units)') }),
  };
  return {
    name: minimal ? 'tripletMinimal' : 'triplet',
    params,
    ltpNeedsPre: true,
    build: (p, target, where) =>
      new Triplet(
        p.tau_plus, minimal ? 0 : p.tau_plus_triplet, postTau(from, 'tau_minus', p, target, where), postTau(from, 'tau_minus_triplet', p, target, where),
        p.Aplus, p.Aminus, p.Aplus_triplet, minimal ? 0 : p.Aminus_triplet,
      ),
  };
}

/**
 * Zenke et al. (2013)'s minimal triplet rule with homeostatic depression (Auryn's TripletConnection):
 * at a post spike A = eta·A3_plus·x, K = y2 (slow post trace, tau_long, just before); at a pre spike
 * A = hom_fudge·y·z, K = z, so the depression is hom_fudge·y·z². z is a postsynaptic rate trace
 * (tau_hom) that starts at kappa·tau_hom. The factors are split this way because Auryn multiplies left to
 * right: (A3·x)·y2 and ((hom_fudge·y)·z)·z, and the weight dependence multiplies A by K last.
 * hom_fudge = eta A3_plus tau_plus tau_long / tau_minus / kappa / tau_hom² (seconds, Hz).
 */
class TripletHomeostatic implements TimingRule {
  readonly relative = false;
  readonly traces: readonly TraceSpec[];
  readonly a3: number;
  readonly homFudge: number;
  constructor(tauPlus: number, tauMinus: number, tauLong: number, tauHom: number, a3Plus: number, eta: number, kappa: number) {
    const s = 1e-3; // Auryn works in seconds
    this.a3 = a3Plus * eta;
    this.homFudge = (this.a3 * (tauPlus * s) * (tauLong * s)) / (tauMinus * s) / kappa / (tauHom * s) / (tauHom * s);
    this.traces = [
      { name: 'x', side: 'pre', tau: tauPlus, readAt: 'post' },
      { name: 'y', side: 'post', tau: tauMinus, readAt: 'pre' },
      { name: 'y2', side: 'post', tau: tauLong, readAt: 'post' },
      { name: 'z', side: 'post', tau: tauHom, readAt: 'pre', initial: kappa * tauHom * s },
    ];
  }
  ltpAmp(pre: number): number {
    return this.a3 * pre;
  }
  ltpTrace(_pre: number, postOwn: number): number {
    return postOwn;
  }
  ltdAmp(post: number, _preOwn: number, post2: number): number {
    return this.homFudge * post * post2;
  }
  ltdTrace(_post: number, _preOwn: number, post2: number): number {
    return post2;
  }
}

export function tripletHomeostatic(): TimingDependence {
  return {
    name: 'tripletHomeostatic',
    params: {
      tau_plus: tau(16.8, 'presynaptic trace time constant'),
      tau_minus: tau(33.7, 'fast postsynaptic trace time constant (depression)'),
      tau_long: tau(114, 'slow postsynaptic trace time constant (triplet potentiation)'),
      tau_hom: tau(50000, 'homeostatic rate trace time constant'),
      A3_plus: amp(6.5e-3, 'triplet potentiation amplitude (weight units)'),
      eta: amp(1, 'learning rate, multiplies A3_plus'),
      kappa: { unit: 'Hz', default: 3, min: 0, exclusiveMin: true, doc: 'target rate of the homeostatic depression' },
    },
    ltpNeedsPre: true,
    build: (p, _target, where) => {
      if (!(p.kappa > 0)) throw new ParameterError(where, 'kappa', p.kappa, 'a target rate > 0 Hz');
      return new TripletHomeostatic(p.tau_plus, p.tau_minus, p.tau_long, p.tau_hom, p.A3_plus, p.eta, p.kappa);
    },
  };
}
