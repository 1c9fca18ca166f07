import { describe, it, expect } from 'vitest';
import {
  createSimulator, Simulator, builtinPlugins, ParameterError, SERVICE, presets, findPreset, resolvePresetParams, describePreset, validateSpec,
  type Population,
} from '../../index.js';
import { fixedMemory, isMpiRank } from '../../core/memory.js';
import { inputCounter } from './helpers.js';

/**
 * Bad inputs that used to be accepted (or to crash, hang or exhaust memory) are refused before anything runs,
 * with an error naming the parameter, the value and what is allowed.
 */

/** The ParameterError `fn` throws (fails the test when it throws something else or nothing). */
function refusal(fn: () => unknown): ParameterError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ParameterError);
  return err as ParameterError;
}

/** A simulator whose memory estimate is checked against a fixed budget (the test does not depend on the machine). */
function withMemory(bytes: number): Simulator {
  return createSimulator({ services: [{ token: SERVICE.memory, value: fixedMemory(bytes, 'test budget') }] });
}

const F32 = 'a finite number with |x| <= 3.4028234663852886e+38 (the float32 range)';

describe('1. weights and float32 state beyond the float32 range', () => {
  it('a constant weight, an array element and a drawn weight that overflow float32 are refused, naming the projection', () => {
    const sim = createSimulator();
    const a = sim.create('iaf_psc_exp', 2);
    expect(refusal(() => sim.connect(a, a, 'all_to_all', { weight: 1e39 })).message).toBe(
      `connect all_to_all/static_synapse (population 0 -> 0): parameter 'weight' = 1e+39 is invalid; allowed: ${F32}: weights are stored as float32 in the synapse table`,
    );
    expect(refusal(() => sim.connect(a, a, 'one_to_one', { weight: [1, -1e39] })).message).toBe(
      `connect one_to_one/static_synapse (population 0 -> 0): parameter 'weight[1]' = -1e+39 is invalid; allowed: ${F32}: weights are stored as float32 in the synapse table`,
    );
    // A distribution whose parameter is already beyond float32 is refused before any weight is drawn.
    expect(refusal(() => sim.connect(a, a, 'all_to_all', { weight: { distribution: 'normal', mean: 1, std: 1e300 } })).message).toBe(
      `connect all_to_all/static_synapse (population 0 -> 0): parameter 'weight.std' = 1e+300 is invalid; allowed: ${F32}: weights are stored as float32 in the synapse table, and this distribution draws beyond it`,
    );
    // A wide lognormal draws some values beyond float32 (exp(60 z) for z > 1.48): the value drawn is refused.
    const b = sim.create('iaf_psc_exp', 20);
    const e = refusal(() => sim.connect(b, b, 'all_to_all', { weight: { distribution: 'lognormal', mean: 0, std: 60 } }));
    expect(e.where).toBe('connect all_to_all/static_synapse (population 1 -> 1)');
    expect(e.parameter).toBe('weight');
    expect(Math.abs(e.value as number)).toBeGreaterThan(3.4028234663852886e38);
    expect(e.allowed).toBe(`${F32}: weights are stored as float32 in the synapse table (a value drawn from the weight distribution)`);
    const g = sim.create('poisson_generator', 1, { rate: 10 });
    expect(refusal(() => sim.connect(g, a, 'all_to_all', { weight: -2e39 })).message).toBe(
      `connect poisson_generator: parameter 'weight' = -2e+39 is invalid; allowed: ${F32}: weights are float32 in the synapse tables and in the input rings of float32 kernels`,
    );
    // The largest float32 itself is fine.
    expect(sim.connect(a, a, 'all_to_all', { weight: 3.4028234663852886e38 })!.weights()[0]).toBe(3.4028234663852886e38);
  });

  it("a preset's weight spread of 1e300 (--set sigma_w=1e300) is refused while the preset is described", () => {
    const e = refusal(() => describePreset(findPreset(presets, 'cuba-static'), { sigma_w: '1e300', scale: 0.01 }, builtinPlugins));
    expect(e.message).toBe(
      `connect fixed_indegree/static_synapse (population 0 -> 0): parameter 'weight.std' = 1e+300 is invalid; allowed: ${F32}: weights are stored as float32 in the synapse table, and this distribution draws beyond it`,
    );
  });

  it('a state value or an initial value beyond float32 is refused in a float32 scheme (euler-f32), accepted in float64', () => {
    const sim = createSimulator();
    const f32 = sim.create('iaf_psc_exp', 3, {}, { integrator: 'euler-f32' });
    expect(refusal(() => f32.set('V_m', 1e39)).message).toBe(
      `iaf_psc_exp population 0: parameter 'V_m' = 1e+39 is invalid; allowed: ${F32}: the population's integrator keeps V_m in float32`,
    );
    expect(refusal(() => f32.set('V_m', [0, 0, -1e39])).parameter).toBe('V_m[2]');
    expect(refusal(() => sim.create('iaf_cond_exp', 2, { E_L: 1e39, V_th: 2e39, V_reset: 1e39 }, { integrator: 'euler-f32' })).message).toBe(
      `create iaf_cond_exp: parameter 'V_m (initial value)' = 1e+39 is invalid; allowed: ${F32}: integrator 'euler-f32' keeps V_m in float32`,
    );
    const f64 = sim.create('iaf_psc_exp', 3);
    f64.set('V_m', 1e39);
    expect(f64.get('V_m')[0]).toBe(1e39);
  });

  it('a described network (a preset, a spec) checks every element of a state array, not only its first', () => {
    const sim = createSimulator({ describeOnly: true });
    const pop = sim.create('iaf_psc_exp', 4, {}, { integrator: 'euler-f32' });
    expect(refusal(() => pop.set('V_m', [0, 0, 0, 5e38])).message).toBe(
      `iaf_psc_exp population 0: parameter 'V_m[3]' = 5e+38 is invalid; allowed: ${F32}: the population's integrator keeps V_m in float32`,
    );
  });
});

describe('2. fixed_total_number beyond what can be stored', () => {
  it('N above pre × post without multapses is refused as NEST does, before its own multapse refusal', () => {
    const sim = createSimulator();
    const a = sim.create('iaf_psc_exp', 2);
    expect(refusal(() => sim.connect(a, a, { rule: 'fixed_total_number', N: 5, allow_multapses: false })).message).toBe(
      "connect fixed_total_number/static_synapse (population 0 -> 0): parameter 'N' = 5 is invalid; allowed: at most 4 (source size 2 × target size 2) when allow_multapses is false: NEST's \"Total number of connections cannot exceed product of source and target population sizes\"",
    );
    // At or below pre × post it is NEST's NotImplemented (multapses cannot be suppressed), as before.
    expect(refusal(() => sim.connect(a, a, { rule: 'fixed_total_number', N: 4, allow_multapses: false })).parameter).toBe('allow_multapses');
  });

  it('N = 4e9 (which used to run for minutes) is refused with its memory estimate, before anything is drawn', () => {
    const sim = withMemory(2e9);
    const a = sim.create('iaf_psc_exp', 2);
    const t0 = performance.now();
    const e = refusal(() => sim.connect(a, a, { rule: 'fixed_total_number', N: 4e9 }));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(e.message).toBe(
      "connect fixed_total_number/static_synapse (population 0 -> 0): parameter 'N' = 4000000000 is invalid; allowed: a network that fits in memory: an estimated 4e+9 synapses (2 sources, 2 targets) × 4 B (target index 2 B, while building 2 B more) + 24 B of row offsets need an estimated 16.0 GB, and 2.0 GB available (test budget), of which 90 % (1.8 GB) may be used",
    );
    // More than a table can index is refused by the rule's range itself.
    expect(refusal(() => sim.connect(a, a, { rule: 'fixed_total_number', N: 5e9 })).allowed).toBe('an integer >= 0 and <= 4294967295');
  });
});

describe('3. a projection too large for a synapse table', () => {
  it('all_to_all of 1e5 × 1e5 is refused with its estimate instead of a RangeError', () => {
    const sim = createSimulator();
    const a = sim.create('iaf_psc_exp', 1e5);
    expect(refusal(() => sim.connect(a, a, 'all_to_all')).message).toBe(
      "connect all_to_all/static_synapse (population 0 -> 0): parameter 'conn_spec.rule' = \"all_to_all\" is invalid; allowed: a projection of at most 4294967295 synapses on one rank (its table's row offsets are uint32): this one makes an estimated 1e+10 synapses (100000 sources, 100000 targets); split the target population into several projections or run on more ranks",
    );
  });

  it('a projection within the table limit but beyond the memory budget names the estimate and the budget', () => {
    const sim = withMemory(1e8);
    const a = sim.create('iaf_psc_exp', 5000);
    expect(refusal(() => sim.connect(a, a, { rule: 'fixed_indegree', indegree: 4000 }, { weight: { distribution: 'uniform', min: 0, max: 1 } })).message).toBe(
      "connect fixed_indegree/static_synapse (population 0 -> 0): parameter 'indegree' = 4000 is invalid; allowed: a network that fits in memory: an estimated 2e+7 synapses (5000 sources, 5000 targets) × 12 B (target index 2 B, weight 4 B, while building 6 B more) + 40.0 kB of row offsets need an estimated 240.0 MB, and 100.0 MB available (test budget), of which 90 % (90.0 MB) may be used",
    );
  });
});

describe('4. populations beyond the id range or the memory', () => {
  it('n = 1e12 states the real range (node ids are int32)', () => {
    const sim = createSimulator();
    expect(refusal(() => sim.create('iaf_psc_exp', 1e12)).message).toBe(
      "create iaf_psc_exp: parameter 'n' = 1000000000000 is invalid; allowed: an integer >= 1 and <= 2147483647 (node ids are int32: at most 2147483647 nodes in all)",
    );
    sim.create('iaf_psc_exp', 10);
    expect(refusal(() => sim.create('iaf_psc_exp', 2 ** 31 - 1)).allowed).toBe('an integer >= 1 and <= 2147483637 (node ids are int32: at most 2147483647 nodes in all, 10 created so far)');
  });

  it('create(model, 3e8) is refused with the estimate (bytes per neuron from the declared state) and the memory available', () => {
    const sim = withMemory(8e9);
    const e = refusal(() => sim.create('iaf_psc_exp', 3e8));
    expect(e.message).toBe(
      "create iaf_psc_exp: parameter 'n' = 300000000 is invalid; allowed: a network that fits in memory: 3e+8 neurons of iaf_psc_exp (exact) × 112 B (state 36 B, input ring >= 72 B, spike index 4 B) need an estimated 33.6 GB, and 8.0 GB available (test budget), of which 90 % (7.2 GB) may be used; at most about 6.429e+7 such neurons fit",
    );
    // What fits is created; the next population is checked against what is left.
    sim.create('iaf_psc_exp', 1000);
  });

  it('the default budget is the machine: os.freemem() (or process.constrainedMemory() where set)', () => {
    // Described (nothing allocated even on a machine where it would fit).
    const e = refusal(() => createSimulator({ describeOnly: true }).create('iaf_psc_exp', 2 ** 31 - 1));
    expect(e.allowed).toMatch(/^a network that fits in memory: 2\.147e\+9 neurons of iaf_psc_exp \(exact\) × 112 B .* need an estimated 240\.5 GB, and [\d.]+ [kMGT]?B available \((os\.freemem\(\); os\.totalmem\(\)|process\.constrainedMemory\(\)) /);
  });

  it('a described network (a preset at --scale 100) adds up its estimate: the whole network must fit', () => {
    const sim = new Simulator({ plugins: builtinPlugins, describeOnly: true, services: [{ token: SERVICE.memory, value: fixedMemory(1e9, 'test budget') }] });
    sim.create('iaf_psc_exp', 5e6);
    const e = refusal(() => sim.create('iaf_psc_exp', 5e6));
    expect(e.allowed).toBe(
      'a network that fits in memory: 5000000 neurons of iaf_psc_exp (exact) × 112 B (state 36 B, input ring >= 72 B, spike index 4 B) need an estimated 560.0 MB (1.1 GB with the 560.0 MB estimated for the network created before), and 1.0 GB available (test budget), of which 90 % (900.0 MB) may be used; at most about 3035714 such neurons fit',
    );
  });

  it("hpc-benchmark at --scale 100 is refused while it is described, before anything is allocated", () => {
    // describePreset's simulator, with a budget of 20 GB instead of this machine's. The row offsets are those of
    // 14 blocks of 65536 targets (900001 × 8 B each: rowStart, and its copy while freezing).
    const hpc = findPreset(presets, 'hpc-benchmark');
    const p = resolvePresetParams(hpc, { scale: '100' });
    const sim = new Simulator({ plugins: builtinPlugins, dt: p.dt as number, seed: p.seed as number, describeOnly: true, services: [{ token: SERVICE.memory, value: fixedMemory(20e9, 'test budget') }] });
    const e = refusal(() => hpc.build(sim, p));
    expect(e.parameter).toBe('indegree');
    expect(e.allowed).toMatch(
      /^a network that fits in memory: an estimated 8\.1e\+9 synapses \(900000 sources, 900000 targets\) × \d+ B \(.*\) \+ 100\.8 MB of row offsets need an estimated [\d.]+ GB \([\d.]+ GB with the [\d.]+ MB estimated for the network created before\), and 20\.0 GB available \(test budget\), of which 90 % \(18\.0 GB\) may be used$/,
    );
  });

  it('an MPI rank does not check the whole described network against its own machine (ranks may be elsewhere): each checks its part', () => {
    expect(isMpiRank({ OMPI_COMM_WORLD_SIZE: '4' })).toBe(true);
    expect(isMpiRank({ PMI_SIZE: '2' })).toBe(true);
    expect(isMpiRank({ OMPI_COMM_WORLD_SIZE: '1' })).toBe(false);
    expect(isMpiRank({})).toBe(false);
    const saved = process.env.PMI_SIZE;
    process.env.PMI_SIZE = '8';
    try {
      const sim = new Simulator({ plugins: builtinPlugins, describeOnly: true, services: [{ token: SERVICE.memory, value: fixedMemory(1e6, 'test budget') }] });
      expect(sim.create('iaf_psc_exp', 1e5).size).toBe(1e5);
    } finally {
      if (saved === undefined) delete process.env.PMI_SIZE;
      else process.env.PMI_SIZE = saved;
    }
  });
});

describe('5. nodes that are not this simulator\'s', () => {
  it('undefined, a projection, a plain object and a handle of another simulator are refused naming the argument', () => {
    const sim = createSimulator();
    const other = createSimulator();
    const a = sim.create('iaf_psc_exp', 2);
    const foreign = other.create('iaf_psc_exp', 2);
    const allowed = 'a population, a population slice or a device created by this simulator';
    expect(refusal(() => sim.connect(undefined as never, a)).message).toBe(`connect: parameter 'pre' = undefined is invalid; allowed: ${allowed}`);
    expect(refusal(() => sim.connect(a, null as never)).message).toBe(`connect: parameter 'post' = null is invalid; allowed: ${allowed}`);
    expect(refusal(() => sim.connect(foreign, a)).message).toBe(`connect: parameter 'pre' = "a population of another simulator" is invalid; allowed: ${allowed}`);
    const proj = sim.connect(a, a, 'one_to_one')!;
    expect(refusal(() => sim.connect(proj as never, a)).message).toBe(`connect: parameter 'pre' = "projection 0 (a projection, not a node)" is invalid; allowed: ${allowed}`);
    expect(refusal(() => sim.connect({ id: 0, size: 2 } as never, a)).message).toBe(`connect: parameter 'pre' = "an object that is not a node handle (id, size)" is invalid; allowed: ${allowed}`);
    // attach without a component used to throw a TypeError from the world.
    expect(refusal(() => sim.attach(a, undefined as never, 1)).message).toBe(
      "attach: parameter 'component' = undefined is invalid; allowed: a component (defineResource(name)) that a system of this simulator queries",
    );
  });
});

describe('6. simulated times that are not whole steps', () => {
  it('preset simtime and presimtime are checked against dt when the parameters are resolved', () => {
    const cuba = findPreset(presets, 'cuba-static');
    expect(refusal(() => resolvePresetParams(cuba, { simtime: '100.05' })).message).toBe(
      "preset cuba-static: parameter 'simtime' = \"100.05\" is invalid; allowed: a multiple of dt = 0.1 ms (a whole number of steps)",
    );
    expect(refusal(() => resolvePresetParams(cuba, { simtime: 10, dt: 0.3 })).message).toBe(
      "preset cuba-static: parameter 'simtime' = 10 is invalid; allowed: a multiple of dt = 0.3 ms (a whole number of steps)",
    );
    expect(refusal(() => resolvePresetParams(findPreset(presets, 'hpc-benchmark'), { presimtime: '0.25' })).parameter).toBe('presimtime');
    // Whole steps pass, 0.1-multiples with rounding noise included.
    expect(resolvePresetParams(cuba, { simtime: '0.3' }).simtime).toBe(0.3);
  });

  it("a spec's run section is checked against its dt when the spec is validated", () => {
    const sim = createSimulator({ dt: 0.1 });
    sim.create('iaf_psc_exp', 2);
    expect(refusal(() => validateSpec(sim.toSpec({ run: { simtime: 10.05 } }))).message).toBe(
      "network spec: parameter 'run.simtime' = 10.05 is invalid; allowed: a multiple of simulator.dt = 0.1 ms",
    );
    expect(refusal(() => validateSpec(sim.toSpec({ run: { presimtime: 0.01, simtime: 10 } }))).parameter).toBe('run.presimtime');
    expect(validateSpec(sim.toSpec({ run: { presimtime: 0.2, simtime: 10 } })).run).toEqual({ presimtime: 0.2, simtime: 10 });
  });
});

describe('7. required connection parameters', () => {
  it.each([
    ['fixed_indegree', 'indegree', 'an integer >= 0'],
    ['fixed_outdegree', 'outdegree', 'an integer >= 0'],
    ['fixed_total_number', 'N', 'an integer >= 0 and <= 4294967295'],
    ['pairwise_bernoulli', 'p', 'a finite number >= 0 and <= 1'],
  ])('%s without %s is refused (it used to mean the default)', (rule, param, range) => {
    const sim = createSimulator();
    const a = sim.create('iaf_psc_exp', 3);
    const msg = `connect ${rule}/static_synapse (population 0 -> 0): parameter '${param}' = undefined is invalid; allowed: ${range}: it is required (no default)`;
    expect(refusal(() => sim.connect(a, a, { rule })).message).toBe(msg);
    expect(refusal(() => sim.connect(a, a, rule)).message).toBe(msg);
  });
});

describe('8. device timing and STDP weights', () => {
  it('a generator with stop < start is refused at create and at set (NEST: stop >= start required)', () => {
    const sim = createSimulator();
    expect(refusal(() => sim.create('poisson_generator', 1, { rate: 10, start: 10, stop: 5 })).message).toBe(
      "create poisson_generator: parameter 'stop' = 5 is invalid; allowed: a time >= start (10 ms): NEST requires stop >= start",
    );
    const dc = sim.create('dc_generator', 1, { start: 10, stop: 50 });
    expect(refusal(() => dc.set({ stop: 5 })).message).toBe("set dc_generator (node 1): parameter 'stop' = 5 is invalid; allowed: a time >= start (10 ms): NEST requires stop >= start");
    // stop = start (an empty window) is allowed, as in NEST.
    sim.create('spike_generator', 1, { spike_times: [1], start: 5, stop: 5 });
  });

  it('STDP weights: NEST refuses a weight whose sign differs from Wmax, and accepts one above Wmax', () => {
    const sim = createSimulator();
    const a = sim.create('iaf_psc_exp', 2);
    for (const model of ['stdp_synapse', 'stdp_triplet_synapse']) {
      expect(refusal(() => sim.connect(a, a, 'all_to_all', { synapse_model: model, weight: -1, Wmax: 5 })).message).toBe(
        `connect all_to_all/${model} (population 0 -> 0): parameter 'weight' = -1 is invalid; allowed: a weight >= 0: the sign of Wmax, which is > 0 here (NEST: "Weight and Wmax must have same sign"); STDP weights stay in [0, Wmax]`,
      );
      // models/stdp_synapse.h and stdp_triplet_synapse.h check the sign only: a weight above Wmax is clipped by the first potentiation.
      expect(sim.connect(a, a, 'all_to_all', { synapse_model: model, weight: 10, Wmax: 5 })!.weights()[0]).toBe(10);
    }
  });
});

describe('9. integer preset parameters are decimal', () => {
  it.each([['seed', '0x10'], ['seed', '0b1'], ['seed', '1e3'], ['seed', '12abc'], ['NE', '0o7'], ['NE', '1e3']])('%s = %s is refused', (name, text) => {
    const e = refusal(() => resolvePresetParams(findPreset(presets, 'cuba-static'), { [name]: text }));
    expect(e.parameter).toBe(name);
    expect(e.value).toBe(text);
    expect(e.allowed).toMatch(/^an integer >= \d.*, written in decimal digits$/);
  });

  it('decimal integers and decimal numbers still parse; hexadecimal is refused for numbers too', () => {
    const p = resolvePresetParams(findPreset(presets, 'cuba-static'), { seed: ' 16 ', NE: '+900', scale: '0.5', JE: '3.5e1' });
    expect([p.seed, p.NE, p.scale, p.JE]).toEqual([16, 900, 0.5, 35]);
    expect(refusal(() => resolvePresetParams(findPreset(presets, 'cuba-static'), { scale: '0x1' })).message).toBe(
      "preset cuba-static: parameter 'scale' = \"0x1\" is invalid; allowed: a finite number > 0, written in decimal",
    );
  });
});

describe('10. allowed lists are never empty', () => {
  let sim: Simulator;
  let a: Population;
  const where = 'connect all_to_all/static_synapse (population 0 -> 0)';
  const setup = () => {
    sim = createSimulator();
    a = sim.create('iaf_psc_exp', 2);
  };

  it('receptor_type on a model with a single receptor port says that it has none', () => {
    setup();
    expect(refusal(() => sim.connect(a, a, 'all_to_all', { receptor_type: 1 })).message).toBe(
      `${where}: parameter 'syn_spec.receptor_type' = 1 is invalid; allowed: none: iaf_psc_exp has no receptor types (one input port; a weight's sign picks the excitatory or inhibitory channel, as NEST's receptor 0)`,
    );
  });

  it('a misspelt syn_spec or conn_spec key lists the keys there are', () => {
    setup();
    expect(refusal(() => sim.connect(a, a, 'all_to_all', { wieght: 1 })).message).toBe(
      `${where}: parameter 'syn_spec.wieght' = 1 is invalid; allowed: one of the syn_spec keys synapse_model, weight, delay (static_synapse takes no parameters of its own)`,
    );
    expect(refusal(() => sim.connect(a, a, 'all_to_all', { synapse_model: 'stdp_synapse', Wmx: 1 })).allowed).toBe(
      "one of the syn_spec keys synapse_model, weight, delay, delay_handler, or stdp_synapse's parameters: tau_plus, lambda, alpha, mu_plus, mu_minus, Wmax",
    );
    expect(refusal(() => sim.connect(a, a, { rule: 'all_to_all', allow_autapse: false })).message).toBe(
      `${where}: parameter 'conn_spec.allow_autapse' = false is invalid; allowed: one of the conn_spec keys rule, allow_autapses, allow_multapses (rule all_to_all takes no parameters of its own)`,
    );
    expect(refusal(() => sim.connect(a, a, { rule: 'fixed_indegree', in_degree: 1 })).allowed).toBe(
      "one of the conn_spec keys rule, allow_autapses, allow_multapses, or rule fixed_indegree's parameters: indegree",
    );
  });

  it("a generator's syn_spec keys beyond weight and delay (silently ignored before) are refused", () => {
    setup();
    const g = sim.create('poisson_generator', 1, { rate: 10 });
    expect(refusal(() => sim.connect(g, a, 'all_to_all', { wieght: 1 })).message).toBe(
      "connect poisson_generator: parameter 'syn_spec.wieght' = 1 is invalid; allowed: one of the syn_spec keys synapse_model, weight, delay (a generator's connection takes no parameters of its own)",
    );
  });

  it('a model without parameters says so', () => {
    const s = createSimulator({ plugins: [...builtinPlugins, inputCounter] });
    expect(refusal(() => s.create('test_input_counter', 1, { tau_m: 10 })).message).toBe(
      "create test_input_counter: parameter 'tau_m' = 10 is invalid; allowed: none: it takes no parameters",
    );
  });
});
