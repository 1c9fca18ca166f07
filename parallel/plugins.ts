import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SpikeworksError, ParameterError } from '../core/errors.js';
import { builtinPlugins } from '../plugins/index.js';
import type { Plugin } from '../core/plugin.js';
import { pluginId } from '../core/registry.js';
import type { PluginSetSpec } from '../core/spec.js';

/** A module path (relative to the working directory) or URL, as an import() URL. */
export function moduleUrl(m: string | URL): string {
  if (m instanceof URL) return m.href;
  if (/^[a-z]+:/i.test(m) && !/^[a-z]:[\\/]/i.test(m)) return m;
  return pathToFileURL(m).href;
}

/** The plugins a module exports under `name` (an array), checked. */
export async function importPlugins(url: string, name = 'plugins'): Promise<Plugin[]> {
  const mod = await importModule(url);
  const list = mod[name];
  if (!Array.isArray(list)) throw new ParameterError('plugins module', 'export', name, `an exported array of plugins in ${url} (found: ${Object.keys(mod).join(', ')})`);
  return list as Plugin[];
}

/**
 * Exactly the plugin set a spec names, from the built-in plugins and `extra` (a user's, loaded by the caller):
 * nothing appended, nothing missing.
 */
export function selectPlugins(set: PluginSetSpec, extra: readonly Plugin[] = []): Plugin[] {
  const byKey = new Map<string, Plugin>();
  for (const p of [...builtinPlugins, ...extra]) byKey.set(`${p.kind}/${pluginId(p)}`, p);
  return set.names.map(({ kind, name }) => {
    const p = byKey.get(`${kind}/${name}`);
    if (!p) {
      const where = set.modules?.length ? `none of the built-in plugins or of ${set.modules.map((m) => m.url).join(', ')}` : 'not built in; list the module that exports it in plugins.modules';
      throw new SpikeworksError(`the spec needs the ${kind} '${name}': ${where}`);
    }
    return p;
  });
}

/** The plugin set of a spec, with its modules imported. */
export async function loadSpecPlugins(set: PluginSetSpec): Promise<Plugin[]> {
  const extra: Plugin[] = [];
  for (const m of set.modules ?? []) extra.push(...(await importPlugins(m.url, m.export)));
  return selectPlugins(set, extra);
}

/** The URL of tsx's ESM API (its loader for TypeScript modules), or a clear error when tsx is not installed. */
export function tsxApiUrl(): string {
  try {
    // The ESM build of tsx's API (require.resolve would give the CommonJS one).
    const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
    return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
  } catch {
    throw new SpikeworksError('a TypeScript module was given, but the tsx package (its loader) is not installed; install tsx or pass compiled JavaScript');
  }
}

let tsxRegistered = false;
/** Import a module; a TypeScript one after registering tsx's loader in this thread. */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  if (/\.[cm]?ts$/.test(file) && !tsxRegistered) {
    const { register } = (await import(tsxApiUrl())) as { register(): void };
    register();
    tsxRegistered = true;
  }
  return (await import(moduleUrl(file))) as Record<string, unknown>;
}
