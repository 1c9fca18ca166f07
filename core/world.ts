import { createWorld, addEntity, addComponent, hasComponent, query, createRelation, getRelationTargets, type World } from 'bitecs';
import { SpikeworksError } from './errors.js';
import { isStateComponent, type Component, type FieldArray, type ResourceComponent, type StateComponent, type StateData } from './component.js';

export type EntityKind = 'population' | 'projection' | 'device';

/**
 * The ECS world of one simulator, and the storage of everything it simulates. Populations, projections and
 * devices are bitecs entities; their data are components (component.ts) kept by entity id; relations tie a
 * projection to its pre and post populations and a device to the populations it feeds or records.
 * Entities are never removed, so ids ascend in creation order, which is the order systems visit them in.
 */
export class SimWorld {
  readonly ecs: World = createWorld();
  /** Kind tags: every entity has exactly one. */
  readonly tags: Readonly<Record<EntityKind, object>> = { population: {}, projection: {}, device: {} };
  /** projection → its presynaptic population */
  readonly Pre = createRelation<unknown>();
  /** projection → its postsynaptic population */
  readonly Post = createRelation<unknown>();
  /** device → a population it sends to or records from */
  readonly Targets = createRelation<unknown>();
  private readonly stores = new Map<Component, unknown[]>();
  private readonly byName = new Map<string, Component>();
  private readonly entityKind: EntityKind[] = [];
  private readonly entityLabel: string[] = [];

  /** A new entity of a kind; `label` names it in schedules and errors ('population 0 (iaf_psc_exp)'). */
  create(kind: EntityKind, label: string): number {
    const eid = addEntity(this.ecs);
    addComponent(this.ecs, eid, this.tags[kind]);
    this.entityKind[eid] = kind;
    this.entityLabel[eid] = label;
    return eid;
  }

  kindOf(eid: number): EntityKind | undefined {
    return this.entityKind[eid];
  }

  label(eid: number): string {
    return this.entityLabel[eid] ?? `entity ${eid}`;
  }

  private store(c: Component): unknown[] {
    let s = this.stores.get(c);
    if (!s) {
      const other = this.byName.get(c.name);
      if (other) throw new SpikeworksError(`two different components are named '${c.name}'; give each its own name`);
      s = [];
      this.stores.set(c, s);
      this.byName.set(c.name, c);
    }
    return s;
  }

  /** Give an entity a component with its data (the arrays of a state component, or a resource's object). */
  attach<T>(eid: number, c: ResourceComponent<T>, value: T): T;
  attach(eid: number, c: StateComponent, value: StateData): StateData;
  attach(eid: number, c: Component, value: unknown): unknown {
    if (this.entityKind[eid] === undefined) throw new SpikeworksError(`attach ${c.name}: no entity ${eid} in this world`);
    const s = this.store(c);
    s[eid] = value;
    addComponent(this.ecs, eid, s);
    return value;
  }

  has(eid: number, c: Component): boolean {
    const s = this.stores.get(c);
    return s !== undefined && hasComponent(this.ecs, eid, s);
  }

  get<T>(eid: number, c: ResourceComponent<T>): T;
  get(eid: number, c: StateComponent): StateData;
  get(eid: number, c: Component): unknown {
    const s = this.stores.get(c);
    if (!s || !hasComponent(this.ecs, eid, s)) throw new SpikeworksError(`${this.label(eid)} has no component '${c.name}'`);
    return s[eid];
  }

  /** Entities that have every one of the components, in creation order. */
  query(components: readonly Component[]): number[] {
    const terms = components.map((c) => this.store(c));
    return Array.from(query(this.ecs, terms)).sort((a, b) => a - b);
  }

  /** Entities of a kind, in creation order. */
  entities(kind: EntityKind): number[] {
    return Array.from(query(this.ecs, [this.tags[kind]])).sort((a, b) => a - b);
  }

  relate(eid: number, relation: (target: number) => unknown, target: number): void {
    addComponent(this.ecs, eid, relation(target));
  }

  /** The entities `eid` relates to through `relation` (a projection's pre population, a device's targets). */
  related(eid: number, relation: (target: number | '*') => unknown): number[] {
    return getRelationTargets(this.ecs, eid, relation as never).sort((a, b) => a - b);
  }

  /** The entities that relate to `target` through `relation` (the projections leaving a population). */
  relating(relation: (target: number) => unknown, target: number): number[] {
    return Array.from(query(this.ecs, [relation(target)])).sort((a, b) => a - b);
  }

  /** The components an entity carries, in the order they were first used in this world. */
  componentsOf(eid: number): Component[] {
    const out: Component[] = [];
    for (const [c, s] of this.stores) if (hasComponent(this.ecs, eid, s)) out.push(c);
    return out;
  }

  /** A field of one of the entity's state components, by field name or as `component.field`. */
  findField(eid: number, name: string): FieldArray | undefined {
    const dot = name.lastIndexOf('.');
    for (const c of this.componentsOf(eid)) {
      if (!isStateComponent(c)) continue;
      const data = this.get(eid, c);
      if (dot > 0 && name.slice(0, dot) === c.name && data[name.slice(dot + 1)]) return data[name.slice(dot + 1)];
      if (data[name]) return data[name];
    }
    return undefined;
  }

  /** Every field name the entity's state components offer (what `findField` can find). */
  fieldNames(eid: number): string[] {
    const out: string[] = [];
    for (const c of this.componentsOf(eid)) if (isStateComponent(c)) out.push(...Object.keys(this.get(eid, c)));
    return out;
  }
}
