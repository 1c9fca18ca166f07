import { ParameterError } from '../../../../core/errors.js';
import type { TimingDependence, TraceSpec } from './types.js';
import { SpikePair, pairParams, postTau, type PostTauSource } from './pair.js';

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

/** x and y of a scheme; pairing as the pair rule's (SpikePair) once the traces say how they pair. */
function nearestTraces(scheme: NearestScheme, fromZero: boolean, tauPlus: number, tauMinus: number): TraceSpec[] {
  const centred = scheme === 'presynaptic-centred';
  const restricted = scheme === 'restricted';
  return [
    { name: 'x', side: 'pre', tau: tauPlus, readAt: 'post', pairing: centred ? 'all-to-all' : 'nearest', consumed: centred || restricted, initial: !centred && fromZero ? 1 : 0 },
    { name: 'y', side: 'post', tau: tauMinus, readAt: 'pre', pairing: 'nearest', consumed: restricted },
  ];
}

export function nearestPair(opts: { scheme?: NearestScheme; tauMinus?: PostTauSource; fromZero?: boolean } = {}): TimingDependence {
  const scheme = opts.scheme ?? 'symmetric';
  if (!SCHEMES.includes(scheme)) throw new ParameterError('nearestPair', 'scheme', scheme, `one of ${SCHEMES.join(', ')}`);
  const from = opts.tauMinus ?? 'synapse';
  const fromZero = opts.fromZero ?? true;
  return {
    name: `nearestPair_${scheme}`,
    params: pairParams(from),
    ltpNeedsPre: true,
    build: (p, target, where) => new SpikePair(p.A_plus, p.A_minus, nearestTraces(scheme, fromZero, p.tau_plus, postTau(from, 'tau_minus', p, target, where))),
  };
}
