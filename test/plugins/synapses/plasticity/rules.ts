import type { RefRule } from './helpers.js';

/**
 * The rules' formulas, written out again from NEST-SEMANTICS.md (NEST's stdp_synapse.h,
 * stdp_pl_synapse_hom.h, stdp_triplet_synapse.h) and Auryn's TripletConnection.cpp, for the reference.
 */
export function nestStdp(p: { tau_plus: number; tau_minus: number; lambda: number; alpha: number; mu_plus: number; mu_minus: number; Wmax: number }): RefRule {
  return {
    tauPre: p.tau_plus, tauPreSlow: 0, tauPost: p.tau_minus, tauPostSlow: 0, tauHom: 0, homInitial: 0,
    onPost: (w, k) => Math.min(w / p.Wmax + p.lambda * Math.pow(1 - w / p.Wmax, p.mu_plus) * k, 1) * p.Wmax,
    onPre: (w, k) => Math.max(w / p.Wmax - p.alpha * p.lambda * Math.pow(w / p.Wmax, p.mu_minus) * k, 0) * p.Wmax,
  };
}

export function nestPowerLaw(p: { tau_plus: number; tau_minus: number; lambda: number; alpha: number; mu: number }): RefRule {
  return {
    tauPre: p.tau_plus, tauPreSlow: 0, tauPost: p.tau_minus, tauPostSlow: 0, tauHom: 0, homInitial: 0,
    onPost: (w, k) => w + p.lambda * Math.pow(w, p.mu) * k,
    onPre: (w, k) => Math.max(w - p.lambda * p.alpha * w * k, 0),
  };
}

export function nestTriplet(p: {
  tau_plus: number; tau_plus_triplet: number; tau_minus: number; tau_minus_triplet: number;
  Aplus: number; Aminus: number; Aplus_triplet: number; Aminus_triplet: number; Wmax: number;
}): RefRule {
  return {
    tauPre: p.tau_plus, tauPreSlow: p.tau_plus_triplet, tauPost: p.tau_minus, tauPostSlow: p.tau_minus_triplet, tauHom: 0, homInitial: 0,
    onPost: (w, k, ky) => Math.min(w + k * (p.Aplus + p.Aplus_triplet * ky), p.Wmax),
    onPre: (w, k, kx) => Math.max(w - k * (p.Aminus + p.Aminus_triplet * kx), 0),
  };
}

export function aurynTriplet(p: { tau_plus: number; tau_minus: number; tau_long: number; tau_hom: number; A3_plus: number; eta: number; kappa: number; Wmax: number }): RefRule {
  const A3 = p.A3_plus * p.eta;
  // Auryn: hom_fudge = A3_plus*tau_plus*tau_long/(tau_minus)/kappa/tau_hom/tau_hom, times in seconds
  const fudge = (A3 * (p.tau_plus / 1000) * (p.tau_long / 1000)) / (p.tau_minus / 1000) / p.kappa / (p.tau_hom / 1000) / (p.tau_hom / 1000);
  return {
    tauPre: p.tau_plus, tauPreSlow: 0, tauPost: p.tau_minus, tauPostSlow: p.tau_long, tauHom: p.tau_hom, homInitial: (p.kappa * p.tau_hom) / 1000,
    onPost: (w, x, y2) => Math.min(w + A3 * x * y2, p.Wmax),
    onPre: (w, y, _x2, z) => Math.max(w - fudge * y * z * z, 0),
  };
}
