import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { builtinPlugins } from '../../plugins/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = join(root, 'test/core/fixtures/typed-create.ts');

/** The repo's compiler options (tsconfig.json), with only the fixture (and what it imports) as root. */
function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
}

/** Parsed files, shared by the programs (the repo's files do not change between them). */
const parsed = new Map<string, ts.SourceFile>();

/** A program of the fixture, its text replaced by `text` when given (the rest read from disk). */
function program(options: ts.CompilerOptions, text?: string): ts.Program {
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    if (text !== undefined && resolve(name) === fixture) return ts.createSourceFile(name, text, lang);
    let file = parsed.get(name);
    if (!file) parsed.set(name, (file = read(name, lang, ...rest)!));
    return file;
  };
  return ts.createProgram({ rootNames: [fixture], options, host });
}

/** The fixture's own diagnostics (only it is checked: the repo's typecheck covers the rest), and the options'. */
function diagnostics(p: ts.Program): { line: number; code: number; text: string }[] {
  const file = p.getSourceFile(fixture)!;
  const all = [...p.getOptionsDiagnostics(), ...p.getGlobalDiagnostics(), ...p.getSyntacticDiagnostics(file), ...p.getSemanticDiagnostics(file)];
  return all.map((d) => ({
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    code: d.code,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

describe('typed create(): model names and parameters checked by the compiler (core/model-types.ts)', () => {
  const options = compilerOptions();
  const source = readFileSync(fixture, 'utf8');
  let base: ts.Program;
  beforeAll(() => {
    base = program(options);
  });

  it('the fixture compiles: valid calls pass, and every @ts-expect-error line is an error', () => {
    expect(diagnostics(base)).toEqual([]);
    // The fixture does exercise the checks (a file without them would pass too).
    expect(source.match(/@ts-expect-error/g)?.length).toBeGreaterThanOrEqual(10);
  });

  it('without its @ts-expect-error, a misspelt model name is exactly one error, at that line', () => {
    const lines = source.split('\n');
    const at = lines.findIndex((l) => l.startsWith("sim.create('iaf_psc_alfa'"));
    expect(lines[at - 1]).toMatch(/^\/\/ @ts-expect-error/);
    const wrong = [...lines.slice(0, at - 1), '', ...lines.slice(at)].join('\n');
    const found = diagnostics(program(options, wrong));
    expect(found).toEqual([{ line: at + 1, code: 2345, text: `Argument of type '"iaf_psc_alfa"' is not assignable to parameter of type 'ModelName'.` }]);
  });

  it("without its @ts-expect-error, an unknown parameter is exactly one error naming it (and the editor's suggestion)", () => {
    const lines = source.split('\n');
    const at = lines.findIndex((l) => l.includes('{ V_thh: -50 }'));
    const wrong = [...lines.slice(0, at - 1), '', ...lines.slice(at)].join('\n');
    const found = diagnostics(program(options, wrong));
    expect(found.map((d) => [d.line, d.code])).toEqual([[at + 1, 2561]]);
    expect(found[0].text).toMatch(/'V_thh' does not exist in type .*Did you mean to write 'V_th'\?/);
  });

  it('the typed names of every built-in model are its registered parameters (schema and extraParams), and every built-in is typed', () => {
    const checker = base.getTypeChecker();
    const file = base.getSourceFile(fixture)!;
    const alias = checker.getSymbolAtLocation(file)!.exports!.get(ts.escapeLeadingUnderscores('BuiltinParamNames'))!;
    const typed = new Map<string, string[]>();
    for (const prop of checker.getDeclaredTypeOfSymbol(alias).getProperties()) {
      const t = checker.getTypeOfSymbol(prop);
      const names = (t.isUnion() ? t.types : [t]).map((u) => (u as ts.StringLiteralType).value).sort();
      typed.set(prop.name, names);
    }
    const registered = new Map<string, string[]>();
    for (const p of builtinPlugins) {
      if (p.kind !== 'neuron' && p.kind !== 'generator' && p.kind !== 'recorder') continue;
      const extra = p.kind === 'neuron' ? [] : (p.extraParams ?? []);
      registered.set(p.name, [...Object.keys(p.params), ...extra].sort());
    }
    expect([...typed.keys()].sort()).toEqual([...registered.keys()].sort());
    for (const [name, names] of registered) expect(typed.get(name), name).toEqual(names);
  });
});
