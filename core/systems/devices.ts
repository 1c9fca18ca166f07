import { C } from '../components.js';
import type { SystemPlugin } from '../contracts/system.js';
import type { GeneratorRuntime, RecorderRuntime } from '../contracts/device.js';
import type { SimWorld } from '../world.js';

function describeDevices(world: SimWorld, entities: readonly number[], arrow: string): string[] {
  return entities.map((e) => {
    const targets = world.related(e, world.Targets).map((t) => world.label(t));
    return `${world.label(e)}${targets.length ? ` ${arrow} ${targets.join(', ')}` : ''}`;
  });
}

/**
 * Generators write their events into the target rings every step, before any neuron updates. They read no
 * neuron state and write rows at least one step ahead, so a block of steps may emit all at once.
 */
export const inputSystem: SystemPlugin = {
  kind: 'system',
  name: 'generator-emit',
  doc: 'generators write this step\'s events into their targets\' input rings (arriving after the delay)',
  phase: 'input',
  query: [C.device, C.generator],
  prepare({ world }, entities) {
    if (entities.length === 0) return null;
    const gens: GeneratorRuntime[] = entities.map((e) => world.get(e, C.generator));
    const step = (s: number): void => {
      for (let g = 0; g < gens.length; g++) gens[g].emit(s);
    };
    return {
      step,
      block(from: number, to: number) {
        for (let s = from; s < to; s++) step(s);
      },
      describe: () => describeDevices(world, entities, '→'),
    };
  },
};

/** Recorders that sample state every step (multimeters, weight recorders), after the update. */
export const observeSystem: SystemPlugin = {
  kind: 'system',
  name: 'recorder-sample',
  doc: 'recorders sample state variables or weights after each step',
  phase: 'observe',
  query: [C.device, C.recorder],
  prepare({ world }, entities) {
    const chosen = entities.filter((e) => world.get(e, C.recorder).sample);
    if (chosen.length === 0) return null;
    const recs: RecorderRuntime[] = chosen.map((e) => world.get(e, C.recorder));
    return {
      step(s: number) {
        for (let r = 0; r < recs.length; r++) recs[r].sample!(s);
      },
      describe: () => describeDevices(world, chosen, '←'),
    };
  },
};

/** Spike recorders take this rank's spikes of the slice (each rank records its own neurons). */
export const recordSystem: SystemPlugin = {
  kind: 'system',
  name: 'spike-record',
  doc: "recorders take this rank's spikes of the slice, in (step, gid) order",
  phase: 'record',
  query: [C.device, C.recorder],
  prepare({ world, spikes }, entities) {
    const chosen = entities.filter((e) => world.get(e, C.recorder).recordSpikes);
    if (chosen.length === 0) return null;
    const recs: RecorderRuntime[] = chosen.map((e) => world.get(e, C.recorder));
    const local = spikes.local;
    return {
      slice() {
        for (let r = 0; r < recs.length; r++) recs[r].recordSpikes!(local.gids, local.steps, local.count);
      },
      describe: () => describeDevices(world, chosen, '←'),
    };
  },
};
