import { ParameterError } from '../../../../core/errors.js';
import type { ParamSchema } from '../../../../core/schema.js';
import type { TimingDependence, TimingRule, TraceSpec } from './types.js';
import { postTau, type PostTauSource } from './pair.js';

/**
 * Nearest-neighbour spike pairing (Morrison, Diesmann & Gerstner 2008, Fig. 7), NEST's three schemes:
 *  - 'symmetric' (stdp_nn_symm_synapse): a post spike pairs with the latest pre spike, a pre spike with
 *    the latest post spike; both traces reset to 1 at their own spikes;
 *  - 'presynaptic-centred' (stdp_nn_pre_centered_synapse): a pre spike pairs with the latest post spike;
 *    the first post spike after a pre spike pairs with every pre spike since the post spike before it
 *    (x adds up, per synapse, and restarts after that pairing);
 *  - 'restricted' (stdp_nn_restr_synapse): as symmetric, but each spike pairs at most once per direction.
 * Amplitudes are fractions of the weight range (as spikePair's). `fromZero` (default, NEST's
 * t_lastspike = 0) counts a presynaptic spike at t = 0 for the schemes with a nearest x.
 */
export type NearestScheme = 'symmetric' | 'presynaptic-centred' | 'restricted';

const SCHEMES: readonly NearestScheme[] = ['symmetric', 'presynaptic-centred', 'restricted'];

class NearestPair implements TimingRule {
  readonly relative = true;
  readonly traces: readonly TraceSpec[];
  constructor(scheme: NearestScheme, fromZero: boolean, tauPlus: number, tauMinus: number, readonly aPlus: number, readonly aMinus: number) {
    const centred = scheme === 'presynaptic-centred';
    const restricted = scheme === 'restricted';
    this.traces = [
      { name: 'x', side: 'pre', tau: tauPlus, readAt: 'post', pairing: centred ? 'all-to-all' : 'nearest', consumed: centred || restricted, initial: !centred && fromZero ? 1 : 0 },
      { name: 'y', side: 'post', tau: tauMinus, readAt: 'pre', pairing: 'nearest', consumed: restricted },
    ];
  }
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

export function nearestPair(opts: { scheme?: NearestScheme; tauMinus?: PostTauSource; fromZero?: boolean } = {}): TimingDependence {
  const scheme = opts.scheme ?? 'symmetric';
  if (!SCHEMES.includes(scheme)) throw new ParameterError('nearestPair', 'scheme', scheme, `one of ${SCHEMES.join(', ')}`);
  const from = opts.tauMinus ?? 'synapse';
  const fromZero = opts.fromZero ?? true;
  const params: ParamSchema = {
    tau_plus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the presynaptic trace (potentiation window)' },
    ...(from === 'synapse' ? { tau_minus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the postsynaptic trace (depression window)' } } : {}),
    A_plus: amp('potentiation amplitude, a fraction of w_max - w_min'),
    A_minus: amp('depression amplitude, a fraction of w_max - w_min'),
  };
  return {
    name: `nearestPair_${scheme}`,
    params,
    ltpNeedsPre: true,
    build: (p, target, where) => new NearestPair(scheme, fromZero, p.tau_plus, postTau(from, 'tau_minus', p, target, where), p.A_plus, p.A_minus),
  };
}
