import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODELS_DIR, blocksOf, builtinRegistry, modelPages, renderPage } from '../../../docs/models/generate.js';
import { pynnTarget } from '../../../plugins/neurons/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (page: string) => readFileSync(join(MODELS_DIR, page), 'utf8');
const reg = builtinRegistry();
const neuronModels = reg.all('neuron');
const pynnNames = new Set(Object.keys(pynnTarget));

/** The rows of the generated block `kind model` of a page, split into trimmed cells. */
function tableRows(text: string, kind: string, model: string): string[][] {
  const start = text.indexOf(`<!-- begin generated: ${kind} ${model} -->`);
  const body = text.slice(start, text.indexOf('<!-- end generated -->', start));
  return body.split('\n').filter((l) => /^\| (`|\*\*`)/.test(l)).map((l) => l.slice(1, -1).split(' | ').map((c) => c.trim()));
}

describe('docs/models', () => {
  it('every registered built-in neuron model has its page, with its parameter, state and integrator tables', () => {
    const pages = modelPages();
    for (const m of neuronModels) {
      // PyNN's cells share one page (the conversion rules are common); every other model has its own.
      const page = pynnNames.has(m.name) ? 'pynn.md' : `${m.name}.md`;
      expect(pages, `docs/models page for ${m.name}`).toContain(page);
      const blocks = blocksOf(read(page)).filter((b) => b.model === m.name).map((b) => b.kind).sort();
      // An equation model's page may show its declaration too (an 'equations' block), no other model's.
      const isEquation = 'definition' in m;
      expect(blocks.filter((b) => b !== 'equations'), `${page}: generated tables of ${m.name}`).toEqual(['integrators', 'params', 'state']);
      if (!isEquation) expect(blocks, `${page}: ${m.name} is not declared as equations`).not.toContain('equations');
      if (m.name === 'IFGroup' || m.name === 'parrot_neuron') expect(blocks, `${page}: ${m.name}'s equations`).toContain('equations');
    }
  });

  it("each parameter table lists the registered schema's names, units and defaults, in order", () => {
    for (const page of modelPages()) {
      const text = read(page);
      for (const { kind, model } of blocksOf(text).filter((b) => b.kind === 'params')) {
        const schema = reg.get('neuron', model).params;
        const rows = tableRows(text, 'params', model);
        expect(rows.map((r) => r[0]), `${page}: ${model} parameter names`).toEqual(Object.keys(schema).map((k) => `\`${k}\``));
        for (const [name, unit, dflt] of rows) {
          const spec = schema[name.slice(1, -1)];
          expect(unit === '–' ? '' : unit, `${page}: ${model}.${name} unit (${kind})`).toBe(spec.unit === '1' ? '' : spec.unit);
          expect(Number(dflt), `${page}: ${model}.${name} default`).toBe(spec.default);
        }
      }
    }
  });

  it('every registered built-in synapse model has a page whose table lists its parameters, units and defaults', () => {
    const blocks = modelPages().flatMap((page) => blocksOf(read(page)).filter((b) => b.kind === 'synapse').map((b) => ({ page, model: b.model })));
    for (const m of reg.all('synapse')) {
      const at = blocks.find((b) => b.model === m.name);
      expect(at, `docs/models page with the synapse table of ${m.name}`).toBeDefined();
      const rows = tableRows(read(at!.page), 'synapse', m.name);
      expect(rows.map((r) => r[0]), `${at!.page}: ${m.name} parameter names`).toEqual(Object.keys(m.params).map((k) => `\`${k}\``));
      for (const [name, unit, dflt] of rows) {
        const spec = m.params[name.slice(1, -1)];
        expect(unit === '–' ? '' : unit, `${at!.page}: ${m.name}.${name} unit`).toBe(spec.unit);
        expect(Number(dflt), `${at!.page}: ${m.name}.${name} default`).toBe(spec.default);
      }
    }
  });

  it("each state table lists the model's state variables with their units and initial values", () => {
    for (const page of modelPages()) {
      const text = read(page);
      for (const { model } of blocksOf(text).filter((b) => b.kind === 'state')) {
        const m = reg.get('neuron', model);
        const defaults = Object.fromEntries(Object.entries(m.params).map(([k, s]) => [k, s.default]));
        const rows = tableRows(text, 'state', model);
        expect(rows.map((r) => r[0]), `${page}: ${model} state names`).toEqual(Object.keys(m.state).map((k) => `\`${k}\``));
        for (const [name, unit, initial] of rows) {
          const spec = m.state[name.slice(1, -1)];
          expect(unit === '–' ? '' : unit, `${page}: ${model}.${name} unit`).toBe(spec.unit === '1' ? '' : spec.unit);
          const shown = Number(initial.split(' ')[0]);
          const value = spec.initial(defaults);
          expect(Math.abs(shown - value), `${page}: ${model}.${name} initial ${initial} vs ${value}`).toBeLessThanOrEqual(Math.abs(value) * 1e-5);
        }
      }
    }
  });

  it("each integrator table lists the model's registered schemes, the default marked", () => {
    for (const page of modelPages()) {
      const text = read(page);
      for (const { model } of blocksOf(text).filter((b) => b.kind === 'integrators')) {
        const m = reg.get('neuron', model);
        const rows = tableRows(text, 'integrators', model);
        const names = rows.map((r) => r[0].replace(/\*\*/g, '').replace(' (default)', '').replace(/`/g, '')).sort();
        expect(names, `${page}: ${model} schemes`).toEqual(reg.integratorsOf(m).sort());
        expect(rows.find((r) => r[0].startsWith('**'))?.[0], `${page}: ${model} default scheme`).toBe(`**\`${m.defaultIntegrator}\`** (default)`);
      }
    }
  });

  it('every generated block is what the registry gives now (npx tsx docs/models/generate.ts rewrites them)', () => {
    for (const page of modelPages()) {
      const text = read(page);
      expect(renderPage(reg, text), `docs/models/${page} is stale`).toBe(text);
    }
  });

  it('every relative link of a model page, and every link into docs/models, points to an existing file', () => {
    const docs = join(ROOT, 'docs');
    const mdFiles = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? mdFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []);
    for (const file of mdFiles(docs)) {
      const inModels = dirname(file) === resolve(MODELS_DIR);
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const path = resolve(dirname(file), target);
        if (!inModels && !path.startsWith(resolve(MODELS_DIR))) continue;
        expect(existsSync(path), `${file.slice(ROOT.length)}: link ${target}`).toBe(true);
      }
    }
  });

  it('every test file a model page names exists', () => {
    for (const page of modelPages()) {
      for (const [path] of read(page).matchAll(/test\/[\w/.-]+\.test\.ts/g)) {
        expect(existsSync(join(ROOT, path)), `${page}: ${path}`).toBe(true);
      }
    }
  });
});
