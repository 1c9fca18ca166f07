import type { DependencyContainer } from 'tsyringe';
import { SpikeworksError, UnknownNameError } from './errors.js';
import type { StateComponent } from './component.js';
import { schemeComponent } from './kernels.js';
import type { PluginKind, ServicePlugin } from './contracts/base.js';
import type { NeuronModel, NeuronScheme, IntegratorPlugin } from './contracts/neuron.js';
import type { SynapseModel } from './contracts/synapse.js';
import type { ConnectionRule } from './contracts/connection.js';
import type { GeneratorModel, RecorderModel } from './contracts/device.js';
import type { CommBackend } from './contracts/backend.js';
import type { SystemPlugin } from './contracts/system.js';
import type { DelayHandlerPlugin } from './contracts/delay.js';

export type Plugin = NeuronModel | IntegratorPlugin | SynapseModel | ConnectionRule | GeneratorModel | RecorderModel | CommBackend | SystemPlugin | ServicePlugin | DelayHandlerPlugin;

/** DI tokens, one per plugin kind: the container holds every plugin under the token of its kind. */
export const TOKENS = {
  neuron: Symbol.for('spikeworks.NeuronModel'),
  integrator: Symbol.for('spikeworks.Integrator'),
  synapse: Symbol.for('spikeworks.SynapseModel'),
  connection: Symbol.for('spikeworks.ConnectionRule'),
  generator: Symbol.for('spikeworks.GeneratorModel'),
  recorder: Symbol.for('spikeworks.RecorderModel'),
  backend: Symbol.for('spikeworks.CommBackend'),
  system: Symbol.for('spikeworks.System'),
  service: Symbol.for('spikeworks.ServicePlugin'),
  delay_handler: Symbol.for('spikeworks.DelayHandler'),
} as const satisfies Record<PluginKind, symbol>;

export interface KindMap {
  neuron: NeuronModel;
  integrator: IntegratorPlugin;
  synapse: SynapseModel;
  connection: ConnectionRule;
  generator: GeneratorModel;
  recorder: RecorderModel;
  backend: CommBackend;
  system: SystemPlugin;
  service: ServicePlugin;
  delay_handler: DelayHandlerPlugin;
}

const KIND_LABEL: Record<PluginKind, string> = {
  neuron: 'neuron model',
  integrator: 'integrator',
  synapse: 'synapse model',
  connection: 'connection rule',
  generator: 'generator',
  recorder: 'recorder',
  backend: 'communication backend',
  system: 'system',
  service: 'service',
  delay_handler: 'delay handler',
};

/** A model's scheme and the state component the core allocates for it. */
export interface ResolvedScheme {
  readonly name: string;
  readonly scheme: NeuronScheme;
  readonly component: StateComponent;
}

/**
 * The plugins one simulator was composed from. Each is registered in the simulator's own child container
 * under the token of its kind (so a service or test can resolve them all), and indexed by kind and name for
 * constant-time lookups while building.
 */
/**
 * A plugin's name among those of its kind: its name, or for an integrator `<model>/<name>`, since a scheme's
 * name is its model's own (two models may each have an 'euler-f32x4-wasm-simd'). Specs list plugins by it.
 */
export function pluginId(plugin: Plugin): string {
  return plugin.kind === 'integrator' ? `${plugin.model}/${plugin.name}` : plugin.name;
}

export class PluginRegistry {
  private readonly byKind = new Map<PluginKind, Map<string, Plugin>>();
  private readonly schemes = new Map<string, Map<string, NeuronScheme>>();
  private readonly components = new Map<string, StateComponent>();
  private readonly defaults = new Map<PluginKind, Plugin>();

  constructor(plugins: readonly Plugin[], readonly container?: DependencyContainer) {
    for (const p of plugins) this.register(p);
  }

  register(plugin: Plugin): void {
    if (!plugin || typeof plugin !== 'object' || !(plugin.kind in TOKENS) || typeof plugin.name !== 'string' || !plugin.name) {
      throw new SpikeworksError(`not a plugin: expected an object with a 'kind' (${Object.keys(TOKENS).join(', ')}) and a 'name'; got ${JSON.stringify(plugin && { kind: (plugin as Plugin).kind, name: (plugin as Plugin).name })}`);
    }
    let names = this.byKind.get(plugin.kind);
    if (!names) this.byKind.set(plugin.kind, (names = new Map()));
    const key = pluginId(plugin);
    const existing = names.get(key);
    if (existing === plugin) return;
    if (existing) throw new SpikeworksError(`a ${KIND_LABEL[plugin.kind]} named '${key}' is already registered; choose another name`);
    names.set(key, plugin);
    // The first plugin of a kind marked isDefault is the default (a user's copy of a built-in inherits the mark).
    if (plugin.isDefault && !this.defaults.has(plugin.kind)) this.defaults.set(plugin.kind, plugin);
    this.container?.register(TOKENS[plugin.kind], { useValue: plugin });
    if (plugin.kind === 'neuron') for (const [s, scheme] of Object.entries(plugin.integrators)) this.addScheme(plugin.name, s, scheme);
    if (plugin.kind === 'integrator') this.addScheme(plugin.model, plugin.name, plugin);
  }

  private addScheme(model: string, name: string, scheme: NeuronScheme): void {
    let m = this.schemes.get(model);
    if (!m) this.schemes.set(model, (m = new Map()));
    if (m.has(name) && m.get(name) !== scheme) throw new SpikeworksError(`model '${model}' already has an integrator named '${name}'`);
    m.set(name, scheme);
  }

  all<K extends PluginKind>(kind: K): KindMap[K][] {
    return [...(this.byKind.get(kind)?.values() ?? [])] as KindMap[K][];
  }

  /** Every registered plugin, kind by kind in registration order. */
  plugins(): Plugin[] {
    return [...this.byKind.values()].flatMap((m) => [...m.values()]);
  }

  find<K extends PluginKind>(kind: K, name: string): KindMap[K] | undefined {
    return this.byKind.get(kind)?.get(name) as KindMap[K] | undefined;
  }

  get<K extends PluginKind>(kind: K, name: string): KindMap[K] {
    const p = this.find(kind, name);
    if (!p) throw new UnknownNameError(KIND_LABEL[kind], name, this.all(kind).map((q) => q.name));
    return p;
  }

  /** The plugin of a kind that the plugin set marked `isDefault`. */
  defaultOf<K extends PluginKind>(kind: K, what: string): KindMap[K] {
    const d = this.defaults.get(kind) as KindMap[K] | undefined;
    if (!d) throw new SpikeworksError(`${what}: no default ${KIND_LABEL[kind]} is registered; name one (${this.all(kind).map((p) => p.name).join(', ') || 'none registered'})`);
    return d;
  }

  /** Which kind a name belongs to (create() accepts neuron models and devices alike). */
  kindOf(name: string): 'neuron' | 'generator' | 'recorder' | undefined {
    for (const kind of ['neuron', 'generator', 'recorder'] as const) if (this.find(kind, name)) return kind;
    return undefined;
  }

  /** Scheme names available to a model: its own plus those registered for it by integrator plugins. */
  integratorsOf(model: NeuronModel): string[] {
    return [...(this.schemes.get(model.name)?.keys() ?? [])];
  }

  /** A model's scheme, with the state component it allocates: the model's variables in the scheme's precision, then its internal ones. */
  scheme(model: NeuronModel, name: string): ResolvedScheme | undefined {
    const scheme = this.schemes.get(model.name)?.get(name);
    if (!scheme) return undefined;
    const key = `${model.name}/${name}`;
    let component = this.components.get(key);
    if (!component) {
      component = schemeComponent(model, name, scheme);
      this.components.set(key, component);
    }
    return { name, scheme, component };
  }
}
