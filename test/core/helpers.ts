import type { GeneratorModel, NeuronModel, DeviceTargets } from '../../index.js';

/**
 * A user-defined generator: delivers `weight` to every target at the given emission steps, exactly as a
 * presynaptic spike emitted in that step would arrive after the connection's delay. Defined here, outside
 * plugins/, it also proves that the plugin API is open to users.
 */
export const stepPulseGenerator: GeneratorModel = {
  kind: 'generator',
  name: 'test_step_pulse',
  doc: 'test: spikes at fixed emission steps',
  params: { step: { unit: '', default: 0, min: 0, integer: true, doc: 'emission step' } },
  create(ctx) {
    const targets: DeviceTargets[] = [];
    return {
      addTargets: (t) => void targets.push(t),
      emit(step) {
        if (step !== ctx.params.step) return;
        for (const t of targets) {
          const off = ((step + t.delaySteps) % t.ring.slots) * t.ring.n;
          const buf = t.weight >= 0 ? t.ring.ex : t.ring.inh;
          for (let i = 0; i < t.local.length; i++) buf[off + t.local[i]] += t.weight;
        }
      },
    };
  },
};

/** A user-defined neuron that only sums the excitatory input it receives (to count generator spikes). */
export const inputCounter: NeuronModel = {
  kind: 'neuron',
  name: 'test_input_counter',
  doc: 'test: accumulates its excitatory input',
  params: {},
  state: { total: { unit: '', doc: 'sum of input', initial: () => 0 }, sumSquares: { unit: '', doc: 'sum of squared per-step input', initial: () => 0 } },
  defaultIntegrator: 'count',
  integrators: {
    count: {
      create(ctx) {
        // The core allocated both from the declaration above.
        const total = ctx.state.total;
        const sumSquares = ctx.state.sumSquares;
        return {
          update(_s, ring, off) {
            for (let i = 0; i < ctx.n; i++) {
              const x = ring.ex[off + i];
              total[i] += x;
              sumSquares[i] += x * x;
            }
            return 0;
          },
        };
      },
    },
  },
};
