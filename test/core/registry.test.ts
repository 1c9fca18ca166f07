import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, iafPscExp, staticSynapse, fixedIndegree, poissonGenerator, spikeRecorder, localBackend, PluginRegistry, TOKENS, stdpSynapse, delayHandlerPlugins } from '../../index.js';
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
    const all = (['neuron', 'integrator', 'synapse', 'connection', 'generator', 'recorder', 'backend', 'system', 'service', 'delay_handler'] as const).flatMap((k) => sim.registry.all(k));
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

  it('delay handlers are a kind of their own: in the container under their token, a taken name refused, none without a default', () => {
    const axonal = delayHandlerPlugins.find((h) => h.name === 'axonal')!;
    const sim = createSimulator({ plugins: [iafPscExp, stdpSynapse, fixedIndegree, localBackend, axonal] });
    expect(sim.container.resolveAll(TOKENS.delay_handler)).toEqual([axonal]);
    expect(() => new PluginRegistry([axonal, { ...axonal }])).toThrow(/a delay handler named 'axonal' is already registered/);
    // No handler marked as default: a projection must name one.
    const E = sim.create('iaf_psc_exp', 10);
    expect(() => sim.connect(E, E, { rule: 'fixed_indegree', indegree: 2 }, { synapse_model: 'stdp_synapse', weight: 10 })).toThrow(/no default delay handler is registered; name one \(axonal\)/);
    expect(sim.connect(E, E, { rule: 'fixed_indegree', indegree: 2 }, { synapse_model: 'stdp_synapse', weight: 10, delay_handler: 'axonal' })!.options.delay_handler).toBe('axonal');
    sim.close();
  });
});
