import { defineModel } from '../plugins/schemes/index.js';

const units = { C_m: 'pF', g_L: 'nS', E_L: 'mV', V_th: 'mV', V_reset: 'mV', t_ref: 'ms', E_ex: 'mV', E_in: 'mV', tau_syn_ex: 'ms', tau_syn_in: 'ms', I_e: 'pA' } as const;
export type CondExpCell = Record<keyof typeof units, number>;

/** iaf_cond_exp written as equations (NEST's model: conductances jump by the weight in nS and decay), for the benches. */
export function condExpEquations(name: string, defaults: CondExpCell) {
  return defineModel({
    name, doc: 'iaf_cond_exp written as equations',
    params: Object.fromEntries(Object.entries(units).map(([k, unit]) => [k, { unit, default: defaults[k as keyof CondExpCell] }])),
    state: { V_m: { unit: 'mV', initial: 'E_L' }, g_ex: { unit: 'nS', initial: 0 }, g_in: { unit: 'nS', initial: 0 } },
    equations: [
      'dV_m/dt = (-g_L * (V_m - E_L) - g_ex * (V_m - E_ex) - g_in * (V_m - E_in) + I_e + I_stim) / C_m : mV',
      'dg_ex/dt = -g_ex / tau_syn_ex : nS',
      'dg_in/dt = -g_in / tau_syn_in : nS',
    ],
    threshold: 'V_m >= V_th', reset: ['V_m = V_reset'], refractory: { period: 't_ref', clamp: ['V_m'] },
    receptors: { ex: { kind: 'conductance', variable: 'g_ex' }, in: { kind: 'conductance', variable: 'g_in' } },
  });
}
