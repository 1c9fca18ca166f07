import type { ParamSchema, Params } from '../../../../core/schema.js';
import { neuronTau } from '../synapse.js';
import type { TimingDependence, TimingRule, TraceSpec } from './types.js';

/** Where a postsynaptic time constant comes from: the synapse's parameters (PyNN) or the target neuron's (NEST's ArchivingNode). */
export type PostTauSource = 'synapse' | 'neuron';

/** A time constant of the post side: the neuron's (NEST) or the synapse's parameter of the same name (PyNN). */
export function postTau(from: PostTauSource, name: string, p: Params, target: Params, where: string): number {
  return from === 'neuron' ? neuronTau(target, name, where) : p[name];
}

/**
 * Pair-based STDP, all-to-all (PyNN's SpikePairRule; Song, Miller & Abbott 2000; NEST's stdp_synapse
 * window): a post spike potentiates by A_plus·x, x the presynaptic trace (tau_plus); a pre spike
 * depresses by A_minus·y, y the postsynaptic trace (tau_minus). A_plus and A_minus are fractions of the
 * weight range, as in PyNN.
 */
export class SpikePair implements TimingRule {
  readonly relative = true;
  /** x and y, all-to-all unless given otherwise (nearest-neighbour pairing declares its own). */
  constructor(
    readonly aPlus: number,
    readonly aMinus: number,
    readonly traces: readonly TraceSpec[],
  ) {}
  ltpAmp(): number {
    return this.aPlus;
  }
  ltpTrace(pre: number): number {
    return pre;
  }
  ltdAmp(): number {
    return this.aMinus;
  }
  ltdTrace(post: number): number {
    return post;
  }
}

const amp = (doc: string) => ({ unit: '', default: 0.01, min: 0, doc });

/** `tauMinus: 'neuron'` reads tau_minus from the target neuron, as NEST does; the default is PyNN's synapse parameter. */
export function spikePair(opts: { tauMinus?: PostTauSource } = {}): TimingDependence {
  const from = opts.tauMinus ?? 'synapse';
  return {
    name: 'spikePair',
    params: pairParams(from),
    ltpNeedsPre: true,
    build: (p, target, where) => new SpikePair(p.A_plus, p.A_minus, [
      { name: 'x', side: 'pre', tau: p.tau_plus, readAt: 'post' },
      { name: 'y', side: 'post', tau: postTau(from, 'tau_minus', p, target, where), readAt: 'pre' },
    ]),
  };
}

/** A pair rule's parameters: tau_plus, tau_minus unless the neuron holds it, and the two amplitudes. */
export function pairParams(from: PostTauSource): ParamSchema {
  return {
    tau_plus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the presynaptic trace (potentiation window)' },
    ...(from === 'synapse' ? { tau_minus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the postsynaptic trace (depression window)' } } : {}),
    A_plus: amp('potentiation amplitude, a fraction of w_max - w_min'),
    A_minus: amp('depression amplitude, a fraction of w_max - w_min'),
  };
}

/**
 * NEST's vogels_sprekeler_synapse (Vogels et al. 2011): a symmetric window, potentiation eta·x at a
 * post spike and eta·y at a pre spike, then a constant depression alpha·eta per pre spike. Amplitudes
 * are in weight units (NEST). NEST reads y with the target neuron's tau_minus and asks that it equal tau;
 * here the post trace's time constant is the neuron's tau_minus, as NEST computes it.
 */
class VogelsSprekeler implements TimingRule {
  readonly relative = false;
  readonly traces: readonly TraceSpec[];
  readonly depression: number;
  constructor(tau: number, tauMinus: number, readonly eta: number, alpha: number) {
    this.traces = [
      { name: 'x', side: 'pre', tau, readAt: 'post' },
      { name: 'y', side: 'post', tau: tauMinus, readAt: 'pre' },
    ];
    // NEST: depress_(w) = |w| - alpha_ * eta_
    this.depression = alpha * eta;
  }
  ltpAmp(): number {
    return this.eta;
  }
  ltpTrace(pre: number): number {
    return pre;
  }
  preLtpAmp(): number {
    return this.eta;
  }
  preLtpTrace(post: number): number {
    return post;
  }
  ltdAmp(): number {
    return this.depression;
  }
  ltdTrace(): number {
    return 1;
  }
}

export function vogelsSprekeler(opts: { tauMinus?: PostTauSource } = {}): TimingDependence {
  const from = opts.tauMinus ?? 'neuron';
  return {
    name: 'vogelsSprekeler',
    params: {
      tau: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the presynaptic trace' },
      ...(from === 'synapse' ? { tau_minus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the postsynaptic trace' } } : {}),
      eta: { unit: '', default: 0.001, min: 0, doc: 'learning rate (weight units)' },
      alpha: { unit: '', default: 0.12, min: 0, doc: 'constant depression per presynaptic spike, in units of eta' },
    },
    ltpNeedsPre: true,
    build: (p, target, where) => new VogelsSprekeler(p.tau, postTau(from, 'tau_minus', p, target, where), p.eta, p.alpha),
  };
}
