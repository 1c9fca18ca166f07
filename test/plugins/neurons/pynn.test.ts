import { describe, it, expect } from 'vitest';
import { createSimulator, ParameterError } from '../../../index.js';
import { pynnToNest, nestToPynn, pynnSchemas, pynnCells, pynnTarget, type PynnCell, type PynnModelName } from '../../../plugins/neurons/pynn.js';
import { builtinPlugins } from '../../../plugins/index.js';
import { resolveParams } from '../../../core/schema.js';
import { trace, spikeSource } from './harness.js';

const pynnNames = Object.keys(pynnSchemas) as PynnModelName[];

describe('PyNN cell types', () => {
  it('unit conversion round-trips (PyNN → NEST → PyNN) for defaults and for seed 001 (Vogels–Abbott) values', () => {
    // Seed 001: area 20000 µm², cm 1 µF/cm² → 0.2 nF; tau_m 20 ms; so g_L = 10 nS as in NEST's COBA example.
    const seed001 = { cm: 0.2, tau_m: 20, tau_syn_E: 5, tau_syn_I: 10, v_rest: -60, v_reset: -60, v_thresh: -50, tau_refrac: 5, e_rev_E: 0, e_rev_I: -80 };
    const va = pynnToNest('IF_cond_exp', resolveParams('t', pynnSchemas.IF_cond_exp, seed001));
    expect(va.C_m).toBeCloseTo(200, 12);
    expect(va.g_L).toBeCloseTo(10, 12);
    expect(va.E_in).toBe(-80);
    expect(va.t_ref).toBe(5);
    for (const model of pynnNames) {
      const schema = pynnSchemas[model];
      const other = model === 'IF_cond_exp' ? seed001 : model === 'Izhikevich' ? { a: 0.1, d: 8, i_offset: 0.25 } : { cm: 0.5, tau_m: 12.5, i_offset: 0.25 };
      for (const given of [{}, other]) {
        const p = resolveParams('t', schema, given);
        const back = nestToPynn(model, pynnToNest(model, p));
        for (const key of Object.keys(schema)) expect(back[key]).toBeCloseTo(p[key], 12);
      }
    }
    // Units: nA → pA, µS-free b in nA → pA, a stays in nS.
    const eif = pynnToNest('EIF_cond_exp_isfa_ista', resolveParams('t', pynnSchemas.EIF_cond_exp_isfa_ista, {}));
    expect(eif.b).toBeCloseTo(80.5, 12);
    expect(eif.a).toBe(4);
    expect(eif.C_m).toBeCloseTo(281, 12);
    expect(eif.g_L).toBeCloseTo(30, 3); // PyNN's tau_m 9.3667 = 281 pF / 30 nS
  });

  const pairs: [PynnModelName, string, Record<string, number>, number, string][] = [
    ['IF_curr_exp', 'iaf_psc_exp', { i_offset: 1, tau_refrac: 2 }, 0.2, 'V_m'],
    ['IF_curr_alpha', 'iaf_psc_alpha', { i_offset: 1, tau_refrac: 2 }, 0.2, 'V_m'],
    ['IF_cond_exp', 'iaf_cond_exp', { i_offset: 1, tau_refrac: 2 }, 0.01, 'V_m'],
    ['EIF_cond_exp_isfa_ista', 'aeif_cond_exp', { i_offset: 0.9 }, 0.01, 'w'],
  ];
  for (const [pynn, nest, params, weight, variable] of pairs) {
    it(`${pynn} runs exactly as ${nest} with converted parameters and weights ×1000`, () => {
      const p = resolveParams('t', pynnSchemas[pynn], params);
      // V_min = -Infinity is the NEST default already (a value one cannot pass explicitly).
      const q = Object.fromEntries(Object.entries(pynnToNest(pynn, p)).filter(([, v]) => Number.isFinite(v)));
      const ev = [{ step: 20, weight }, { step: 90, weight: -weight }];
      const a = trace(pynn, params, 600, { record: ['V_m', 'v', variable], devices: [{ plugin: spikeSource(ev), delay: 0.1 }] });
      const evNest = ev.map((e) => ({ step: e.step, weight: e.weight * 1000 }));
      const b = trace(nest, q, 600, { record: ['V_m', variable], devices: [{ plugin: spikeSource(evNest), delay: 0.1 }] });
      expect(a.spikeSteps.length).toBeGreaterThan(0);
      expect(a.spikeSteps).toEqual(b.spikeSteps);
      for (let k = 0; k < 600; k++) {
        expect(a.values.V_m[k]).toBeCloseTo(b.values.V_m[k], 9);
        expect(a.values[variable][k]).toBeCloseTo(b.values[variable][k], 9);
        expect(a.values.v[k]).toBe(a.values.V_m[k]);
      }
    });
  }

  it('IF_cond_exp and IF_curr_exp offer the euler-f32 integrator', () => {
    const sim = createSimulator();
    expect(sim.create('IF_cond_exp', 3, {}, { integrator: 'euler-f32' }).get('v')).toBeInstanceOf(Float32Array);
    expect(sim.create('IF_curr_exp', 3, {}, { integrator: 'euler-f32' }).get('V_m')).toBeInstanceOf(Float32Array);
  });
});

describe('parameter checks: every out-of-range value throws a ParameterError naming it, before anything is built', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['iaf_psc_alpha', { C_m: -1 }, 'C_m'],
    ['iaf_psc_alpha', { tau_m: 0 }, 'tau_m'],
    ['iaf_psc_alpha', { tau_syn_ex: -0.5 }, 'tau_syn_ex'],
    ['iaf_psc_alpha', { tau_syn_in: 0 }, 'tau_syn_in'],
    ['iaf_psc_alpha', { t_ref: -1 }, 't_ref'],
    ['iaf_psc_alpha', { V_reset: -50 }, 'V_reset'],
    ['iaf_psc_alpha', { V_reset: -55 }, 'V_reset'],
    ['iaf_psc_alpha', { tau_minus: -20 }, 'tau_minus'],
    ['iaf_psc_exp', { C_m: 0 }, 'C_m'],
    ['iaf_psc_exp', { t_ref: -0.1 }, 't_ref'],
    ['iaf_psc_exp', { V_reset: -40 }, 'V_reset'],
    ['iaf_psc_delta', { tau_m: -10 }, 'tau_m'],
    ['iaf_psc_delta', { refractory_input: 2 }, 'refractory_input'],
    ['iaf_psc_delta', { V_reset: -55 }, 'V_reset'],
    ['iaf_cond_exp', { g_L: -1 }, 'g_L'],
    ['iaf_cond_exp', { C_m: -250 }, 'C_m'],
    ['iaf_cond_exp', { tau_syn_ex: 0 }, 'tau_syn_ex'],
    ['iaf_cond_exp', { t_ref: -2 }, 't_ref'],
    ['iaf_cond_exp', { V_reset: -50 }, 'V_reset'],
    ['iaf_cond_alpha', { tau_syn_in: -2 }, 'tau_syn_in'],
    ['iaf_cond_alpha', { V_reset: -55 }, 'V_reset'],
    ['aeif_cond_exp', { Delta_T: -1 }, 'Delta_T'],
    ['aeif_cond_exp', { tau_w: 0 }, 'tau_w'],
    ['aeif_cond_exp', { V_peak: -60 }, 'V_peak'],
    ['aeif_cond_exp', { V_reset: 5 }, 'V_reset'],
    ['aeif_cond_exp', { gsl_error_tol: 0 }, 'gsl_error_tol'],
    ['aeif_cond_exp', { Delta_T: 0.01, V_peak: 100 }, 'Delta_T'],
    ['izhikevich', { consistent_integration: 0.5 }, 'consistent_integration'],
    ['izhikevich', { a: Number.NaN }, 'a'],
    ['parrot_neuron', { tau_minus: 0 }, 'tau_minus'],
    ['IF_curr_exp', { cm: -1 }, 'cm'],
    ['IF_curr_exp', { tau_refrac: -1 }, 'tau_refrac'],
    ['IF_curr_exp', { v_reset: -40 }, 'v_reset'],
    ['IF_curr_alpha', { tau_syn_E: 0 }, 'tau_syn_E'],
    ['IF_cond_exp', { tau_m: -20 }, 'tau_m'],
    ['IF_cond_exp', { v_reset: -50 }, 'v_reset'],
    ['EIF_cond_exp_isfa_ista', { v_spike: -60 }, 'v_spike'],
    ['EIF_cond_exp_isfa_ista', { tau_w: -1 }, 'tau_w'],
    ['iaf_psc_alpha', { V_treshold: -50 }, 'V_treshold'],
  ];
  for (const [model, params, name] of cases) {
    it(`${model} ${JSON.stringify(params, (_k, v) => (Number.isNaN(v) ? 'NaN' : v))} → ParameterError naming ${name}`, () => {
      const sim = createSimulator();
      let err: unknown;
      try {
        sim.create(model, 10, params);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ParameterError);
      expect((err as ParameterError).parameter).toBe(name);
      expect((err as ParameterError).message).toContain(`'${name}'`);
      expect(sim.populations.length).toBe(0);
    });
  }

  it('an unknown integrator is a ParameterError listing the ones the model has', () => {
    const sim = createSimulator();
    expect(() => sim.create('iaf_psc_alpha', 1, {}, { integrator: 'midpoint' })).toThrow(/integrator.*exact.*exact-generated/);
  });
});

describe('PyNN cell types from one table (pynnCells): IF_cond_alpha and Izhikevich', () => {
  // pyNN/standardmodels/cells.py, default_parameters of each cell type.
  const pynnDefaults: Record<PynnModelName, Record<string, number>> = {
    IF_curr_exp: { v_rest: -65, cm: 1, tau_m: 20, tau_refrac: 0.1, tau_syn_E: 5, tau_syn_I: 5, i_offset: 0, v_reset: -65, v_thresh: -50 },
    IF_curr_alpha: { v_rest: -65, cm: 1, tau_m: 20, tau_refrac: 0.1, tau_syn_E: 0.5, tau_syn_I: 0.5, i_offset: 0, v_reset: -65, v_thresh: -50 },
    IF_cond_exp: { v_rest: -65, cm: 1, tau_m: 20, tau_refrac: 0.1, tau_syn_E: 5, tau_syn_I: 5, e_rev_E: 0, e_rev_I: -70, v_thresh: -50, v_reset: -65, i_offset: 0 },
    EIF_cond_exp_isfa_ista: {
      cm: 0.281, tau_refrac: 0.1, v_spike: -40, v_reset: -70.6, v_rest: -70.6, tau_m: 9.3667, i_offset: 0, a: 4, b: 0.0805, delta_T: 2,
      tau_w: 144, v_thresh: -50.4, e_rev_E: 0, tau_syn_E: 5, e_rev_I: -80, tau_syn_I: 5,
    },
    IF_cond_alpha: { v_rest: -65, cm: 1, tau_m: 20, tau_refrac: 0.1, tau_syn_E: 0.3, tau_syn_I: 0.5, e_rev_E: 0, e_rev_I: -70, v_thresh: -50, v_reset: -65, i_offset: 0 },
    Izhikevich: { a: 0.02, b: 0.2, c: -65, d: 2, i_offset: 0 },
  };

  it("every cell type has PyNN's parameters and defaults (plus the STDP trace constants), and each a translation", () => {
    expect(Object.keys(pynnSchemas).sort()).toEqual(Object.keys(pynnDefaults).sort());
    for (const model of Object.keys(pynnDefaults) as PynnModelName[]) {
      const p = resolveParams('t', pynnSchemas[model], {});
      expect(Object.keys(p).sort(), model).toEqual([...Object.keys(pynnDefaults[model]), 'tau_minus', 'tau_minus_triplet'].sort());
      for (const [k, v] of Object.entries(pynnDefaults[model])) expect(p[k], `${model}.${k}`).toBe(v);
      expect(Object.keys(pynnCells[model].translations).sort(), model).toEqual(Object.keys(p).sort());
    }
    expect(pynnTarget.IF_cond_alpha).toBe('iaf_cond_alpha');
    expect(pynnTarget.Izhikevich).toBe('izhikevich');
  });

  it("units: i_offset 0.5 nA → I_e 500 pA, cm 0.2 nF → C_m 200 pF, g_L = C_m/tau_m; Izhikevich's a–d as they are, NEST's defaults for the rest", () => {
    const alpha = pynnToNest('IF_cond_alpha', resolveParams('t', pynnSchemas.IF_cond_alpha, { i_offset: 0.5, cm: 0.2, tau_m: 20, e_rev_I: -80 }));
    expect(alpha).toMatchObject({ I_e: 500, C_m: 200, E_in: -80, E_ex: 0, tau_syn_ex: 0.3, tau_syn_in: 0.5, t_ref: 0.1, V_th: -50, V_reset: -65, E_L: -65 });
    expect(alpha.g_L).toBeCloseTo(10, 12);
    const izh = pynnToNest('Izhikevich', resolveParams('t', pynnSchemas.Izhikevich, { i_offset: 0.5 }));
    expect(izh).toMatchObject({ a: 0.02, b: 0.2, c: -65, d: 2, I_e: 500, V_th: 30, V_min: -Infinity, consistent_integration: 1 });
    expect(nestToPynn('Izhikevich', izh)).toMatchObject({ a: 0.02, b: 0.2, c: -65, d: 2, i_offset: 0.5 });
  });

  it('weights: µS × 1000 for IF_cond_alpha, mV as they are for Izhikevich (PyNN’s receptor_scale undoes its × 1000)', () => {
    expect(pynnCells.IF_cond_alpha.weights).toEqual({ unit: 'µS', scale: 1000 });
    expect(pynnCells.Izhikevich.weights).toEqual({ unit: 'mV', scale: 1 });
  });

  /** One neuron, spike input and recorded variables after every step (initial state set first). */
  function run(model: string, params: Record<string, number>, events: { step: number; weight: number }[], init: Record<string, number>, record: string[]) {
    const source = spikeSource(events);
    const sim = createSimulator({ dt: 0.1, plugins: [...builtinPlugins, source] });
    const pop = sim.create(model, 1, params);
    for (const [k, v] of Object.entries(init)) pop.set(k, v);
    sim.connect(sim.create(source.name), pop, 'all_to_all', { weight: 1, delay: 0.1 });
    const values: Record<string, number[]> = Object.fromEntries(record.map((r) => [r, []]));
    for (let k = 0; k < 600; k++) {
      sim.simulate(0.1);
      for (const r of record) values[r].push(pop.get(r)[0]);
    }
    return { values, spikes: sim.spikeCounts()[pop.id] };
  }
  const cases: [PynnModelName, string, Record<string, number>, number, Record<string, number>, string[]][] = [
    ['IF_cond_alpha', 'iaf_cond_alpha', { cm: 0.2, i_offset: 0.5, tau_refrac: 2 }, 0.01, {}, ['V_m', 'g_ex', 'g_in']],
    ['Izhikevich', 'izhikevich', { i_offset: 0.01, d: 8 }, 5, { V_m: -70, U_m: -14 }, ['V_m', 'U_m']],
  ];
  for (const [pynn, nest, params, weight, nestInit, record] of cases) {
    it(`${pynn} runs as ${nest} with the converted parameters and weights × ${pynnCells[pynn].weights.scale}, to 1e-12`, () => {
      const q = Object.fromEntries(Object.entries(pynnToNest(pynn, resolveParams('t', pynnSchemas[pynn], params))).filter(([, v]) => Number.isFinite(v)));
      const ev = [{ step: 20, weight }, { step: 90, weight: -weight }];
      const scale = pynnCells[pynn].weights.scale;
      const a = run(pynn, params, ev, {}, [...record, 'v']);
      const b = run(nest, q, ev.map((e) => ({ step: e.step, weight: e.weight * scale })), nestInit, record);
      expect(a.spikes).toBeGreaterThan(1);
      expect(a.spikes).toBe(b.spikes);
      for (const r of record) for (let k = 0; k < 600; k++) expect(Math.abs(a.values[r][k] - b.values[r][k]), `${r}[${k}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b.values[r][k])));
      expect(a.values.v).toEqual(a.values.V_m);
    });
  }

  it("Izhikevich starts from PyNN's initial values (v −70 mV, u −14) and has PyNN's u as an alias of U_m", () => {
    const pop = createSimulator().create('Izhikevich', 2);
    expect([...pop.get('v')]).toEqual([-70, -70]);
    expect([...pop.get('u')]).toEqual([-14, -14]);
    expect(pop.get('u')).toBe(pop.get('U_m'));
  });

  it('IF_cond_alpha checks v_reset < v_thresh under its PyNN names', () => {
    expect(() => createSimulator().create('IF_cond_alpha', 1, { v_reset: -50 })).toThrow(ParameterError);
    expect(() => createSimulator().create('IF_cond_alpha', 1, { v_reset: -50 })).toThrow(/'v_reset'.*below v_thresh/);
  });

  it('docs/pynn-cells.md is the table rendered', async () => {
    await expect(pynnCellsMarkdown()).toMatchFileSnapshot('../../../docs/pynn-cells.md');
  });
});

/** The table as docs/pynn-cells.md shows it: one row per cell type. */
function pynnCellsMarkdown(): string {
  const rows = (Object.keys(pynnCells) as PynnModelName[]).map((name) => {
    const c: PynnCell = pynnCells[name];
    const params = Object.entries(c.translations).map(([k, t]) => {
      const s = c.params[k];
      const to = Array.isArray(t) ? `\`${t[0]}\`${t[1] === undefined ? '' : ` × ${t[1]}`}` : `\`${(t as { formula: string }).formula}\``;
      return `\`${k}\` (${s.unit ? `${s.unit}, ` : ''}${s.default}) → ${to}`;
    });
    const aliases = Object.entries(c.aliases).map(([a, v]) => `\`${a}\` = \`${v}\``).join(', ');
    const defaults = resolveParams('doc', c.params, {});
    const initial = Object.entries(c.initial).map(([k, f]) => `\`${k}\` ${f(defaults)}`).join(', ');
    const integrators = Object.keys(c.integrators).map((k) => (k === c.defaultIntegrator ? `**\`${k}\`**` : `\`${k}\``)).join(', ');
    return `| \`${name}\` | \`${c.nest.name}\` | ${c.weights.unit} × ${c.weights.scale} | ${params.join('; ')} | ${aliases} | ${initial} | ${integrators} |`;
  });
  return [
    '# PyNN cell types: the table',
    '',
    'Generated from `pynnCells` in `plugins/neurons/pynn.ts` (test/plugins/neurons/pynn.test.ts checks this file; `npx vitest run',
    'test/plugins/neurons/pynn.test.ts -u` rewrites it). One entry per PyNN cell type gives its schema, the translation to its NEST',
    "model both ways, the weight unit, the state aliases and its integrators ([models/pynn.md](models/pynn.md) describes the cells).",
    "PyNN's names, units and defaults (in brackets) come from pyNN/standardmodels/cells.py, the NEST names and factors from",
    "pyNN/nest/standardmodels/cells.py. NEST parameters PyNN does not name keep the NEST model's defaults. `HH_cond_exp` is not",
    'in this table: the Python front end (`python/spikeworks_pynn/standardmodels.py`) translates it onto NEST `hh_cond_exp_traub`',
    'as pyNN.nest does ([pynn.md](pynn.md)).',
    '',
    '| PyNN cell type | NEST model | weights | parameters (unit, default) → NEST | state aliases | initial state (at the defaults) | integrators (default in bold) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
