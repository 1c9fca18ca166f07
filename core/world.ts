import { createWorld, addEntity, addComponent, query, type World } from 'bitecs';

/**
 * The ECS side of a network: populations, their neurons and the devices are bitecs entities; components
 * are plain objects of arrays (bitecs 0.4 style). Neuron *state* does not live here: it lives in each
 * model's dense SoA arrays, indexed by a dense local index (bitecs entity ids start at 1 and get recycled,
 * so sizing state by entity id would leave holes).
 */
interface Components {
  Population: { modelIndex: number[]; firstGid: number[]; size: number[]; popIndex: number[] };
  Neuron: { popIndex: Int32Array; localIndex: Int32Array };
  Generator: { deviceIndex: number[] };
  Recorder: { deviceIndex: number[] };
}

export interface SimWorld extends World {
  /** Neuron entity -> (population, index within the population), grown as neurons are created. */
  neuronPop: Int32Array;
  neuronIndex: Int32Array;
  components: Components;
}

export function createSimWorld(): SimWorld {
  // Each simulator owns fresh component stores, so two simulators in one process never share state.
  const components: Components = {
    Population: { modelIndex: [], firstGid: [], size: [], popIndex: [] },
    Neuron: { popIndex: new Int32Array(0), localIndex: new Int32Array(0) },
    Generator: { deviceIndex: [] },
    Recorder: { deviceIndex: [] },
  };
  return createWorld({ neuronPop: new Int32Array(1024), neuronIndex: new Int32Array(1024), components }) as SimWorld;
}

export function addPopulationEntity(world: SimWorld, popIndex: number, modelIndex: number, firstGid: number, size: number): number {
  const eid = addEntity(world);
  const P = world.components.Population;
  addComponent(world, eid, P);
  P.modelIndex[eid] = modelIndex;
  P.firstGid[eid] = firstGid;
  P.size[eid] = size;
  P.popIndex[eid] = popIndex;
  return eid;
}

/** One entity per local neuron, tagged with its population and dense index. */
export function addNeuronEntities(world: SimWorld, popIndex: number, count: number): void {
  const N = world.components.Neuron;
  for (let i = 0; i < count; i++) {
    const eid = addEntity(world);
    if (eid >= world.neuronPop.length) {
      const cap = Math.max(eid + 1, world.neuronPop.length * 2);
      const p = new Int32Array(cap);
      p.set(world.neuronPop);
      const q = new Int32Array(cap);
      q.set(world.neuronIndex);
      world.neuronPop = p;
      world.neuronIndex = q;
    }
    addComponent(world, eid, N);
    world.neuronPop[eid] = popIndex;
    world.neuronIndex[eid] = i;
  }
  N.popIndex = world.neuronPop;
  N.localIndex = world.neuronIndex;
}

export function addDeviceEntity(world: SimWorld, kind: 'generator' | 'recorder', deviceIndex: number): number {
  const eid = addEntity(world);
  const C = kind === 'generator' ? world.components.Generator : world.components.Recorder;
  addComponent(world, eid, C);
  C.deviceIndex[eid] = deviceIndex;
  return eid;
}

export function populationEntities(world: SimWorld): readonly number[] {
  return Array.from(query(world, [world.components.Population]));
}

export function countNeuronEntities(world: SimWorld): number {
  return query(world, [world.components.Neuron]).length;
}

export function deviceEntities(world: SimWorld, kind: 'generator' | 'recorder'): readonly number[] {
  return Array.from(query(world, [kind === 'generator' ? world.components.Generator : world.components.Recorder]));
}
