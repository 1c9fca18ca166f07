import { lambertWm1 } from './lambertw.js';

/**
 * hpc_benchmark's convert_synapse_weight: the factor that turns a PSP peak in mV into the PSC amplitude in
 * pA for iaf_psc_alpha (alpha current with peak 1 pA at t = tau_syn) at rest.
 * t_rise = 1/b · (−W−1(−e^(−1/a)/a) − 1/a), a = tau_m/tau_syn, b = 1/tau_syn − 1/tau_m;
 * v_max = e/(tau_syn·C_m·b) · ((e^(−t/tau_m) − e^(−t/tau_syn))/b − t·e^(−t/tau_syn)) at t = t_rise.
 * Also the seed's choice of tau_syn makes t_rise = 1.700759 ms for tau_m = 10 ms.
 */
export function alphaPscConversion(tauM: number, tauSyn: number, cM: number): { factor: number; tRise: number; vMax: number } {
  const a = tauM / tauSyn;
  const b = 1 / tauSyn - 1 / tauM;
  const tRise = (1 / b) * (-lambertWm1(-Math.exp(-1 / a) / a) - 1 / a);
  const vMax = (Math.E / (tauSyn * cM * b)) * ((Math.exp(-tRise / tauM) - Math.exp(-tRise / tauSyn)) / b - tRise * Math.exp(-tRise / tauSyn));
  return { factor: 1 / vMax, tRise, vMax };
}
