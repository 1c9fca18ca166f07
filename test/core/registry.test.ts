import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, iafPscExp, staticSynapse, fixedIndegree, poissonGenerator, spikeRecorder, localBackend, PluginRegistry, TOKENS } from '../../index.js';
import type { NeuronModel } from '../../index.js';

describe('composition from plugins', () => {
  it('a simulator composed of six plugins knows exactly those', () => {
    const sim = createSimulator({ plugins: [iafPscExp, staticSynapse, fixedIndegree, poissonGenerator, spikeRecorder, localBackend] });
    const names = (['neuron', 'synapse', 'connection', 'generator', 'recorder', 'backend'] as const).map((k) => sim.registry.all(k).map((p) => p.name));
    expect(names).toEqual([['iaf_psc_exp'], ['static_synapse'], ['fixed_indegree'], ['poisson_generator'], ['spike_recorder'], ['local']]);
    expect(sim.registry.all('integrator')).toEqual([]);
    // The plugins are values in the simulator's own child container, under their kind's token.
    expect(sim.container.resolveAll(TOKENS.neuron)).toEqual([iafPscExp]);
  });

  it('the default composes every built-in plugin', () => {
    const sim = createSimulator();
    const all = (['neuron', 'integrator', 'synapse', 'connection', 'generator', 'recorder', 'backend', 'system', 'service'] as const).flatMap((k) => sim.registry.all(k));
    expect(new Set(all)).toEqual(new Set(builtinPlugins));
  });

  it('two simulators composed differently do not see each other', () => {
    const custom: NeuronModel = { ...iafPscExp, name: 'my_lif' };
    const a = createSimulator({ plugins: [...builtinPlugins, custom] });
    const b = createSimulator();
    expect(a.create('my_lif', 3).size).toBe(3);
    expect(() => b.create('my_lif', 3)).toThrow(/unknown neuron model 'my_lif'/);
  });

  it('refuses a second, different plugin under a taken name', () => {
    expect(() => new PluginRegistry([iafPscExp, { ...iafPscExp }])).toThrow(/already registered/);
  });
});
