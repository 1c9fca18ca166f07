import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { SpikeworksError, UnknownNameError } from './errors.js';
import type { Plugin, PluginKind, NeuronModel, IntegratorPlugin, SynapseModel, ConnectionRule, GeneratorModel, RecorderModel, CommBackend } from './plugin.js';

/** DI tokens, one per plugin kind: a plugin is registered as a value under the token of its kind. */
export const TOKENS = {
  neuron: Symbol.for('spikeworks.NeuronModel'),
  integrator: Symbol.for('spikeworks.Integrator'),
  synapse: Symbol.for('spikeworks.SynapseModel'),
  connection: Symbol.for('spikeworks.ConnectionRule'),
  generator: Symbol.for('spikeworks.GeneratorModel'),
  recorder: Symbol.for('spikeworks.RecorderModel'),
  backend: Symbol.for('spikeworks.CommBackend'),
} as const satisfies Record<PluginKind, symbol>;

interface KindMap {
  neuron: NeuronModel;
  integrator: IntegratorPlugin;
  synapse: SynapseModel;
  connection: ConnectionRule;
  generator: GeneratorModel;
  recorder: RecorderModel;
  backend: CommBackend;
}

const KIND_LABEL: Record<PluginKind, string> = {
  neuron: 'neuron model',
  integrator: 'integrator',
  synapse: 'synapse model',
  connection: 'connection rule',
  generator: 'generator',
  recorder: 'recorder',
  backend: 'communication backend',
};

/**
 * The plugins one simulator was composed from, held in its own child of tsyringe's container so that two
 * simulators composed differently never see each other's plugins. Lookups by name happen while building,
 * never inside the step loop.
 */
export class PluginRegistry {
  readonly container: DependencyContainer;
  constructor(plugins: readonly Plugin[], parent: DependencyContainer = rootContainer) {
    this.container = parent.createChildContainer();
    for (const p of plugins) this.register(p);
  }

  register(plugin: Plugin): void {
    if (!plugin || typeof plugin !== 'object' || !(plugin.kind in TOKENS) || typeof plugin.name !== 'string' || !plugin.name) {
      throw new SpikeworksError(`not a plugin: expected an object with a 'kind' (${Object.keys(TOKENS).join(', ')}) and a 'name'; got ${JSON.stringify(plugin && { kind: (plugin as Plugin).kind, name: (plugin as Plugin).name })}`);
    }
    const existing = this.find(plugin.kind, plugin.name);
    if (existing && existing !== plugin) {
      throw new SpikeworksError(`a ${KIND_LABEL[plugin.kind]} named '${plugin.name}' is already registered; choose another name`);
    }
    if (existing) return;
    this.container.register(TOKENS[plugin.kind], { useValue: plugin });
  }

  all<K extends PluginKind>(kind: K): KindMap[K][] {
    const token = TOKENS[kind];
    return this.container.isRegistered(token, false) ? this.container.resolveAll<KindMap[K]>(token) : [];
  }

  find<K extends PluginKind>(kind: K, name: string): KindMap[K] | undefined {
    return this.all(kind).find((p) => p.name === name);
  }

  get<K extends PluginKind>(kind: K, name: string): KindMap[K] {
    const p = this.find(kind, name);
    if (!p) throw new UnknownNameError(KIND_LABEL[kind], name, this.all(kind).map((q) => q.name));
    return p;
  }

  /** Which kind a name belongs to (create() accepts neuron models and devices alike). */
  kindOf(name: string): PluginKind | undefined {
    for (const kind of ['neuron', 'generator', 'recorder'] as const) if (this.find(kind, name)) return kind;
    return undefined;
  }

  /** Integrators available to a model: its own plus those registered for it by integrator plugins. */
  integratorsOf(model: NeuronModel): Record<string, NeuronModel['integrators'][string]> {
    const out = { ...model.integrators };
    for (const ip of this.all('integrator')) if (ip.model === model.name) out[ip.name] = ip.create;
    return out;
  }
}
