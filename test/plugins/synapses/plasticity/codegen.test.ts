import { describe, it, expect, afterEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { kernelFor, freeNames, kernelSpecialisation, setKernelSpecialisation } from '../../../../plugins/synapses/plasticity/specialise.js';
import { setAxonalWasm } from '../../../../plugins/synapses/plasticity/axonal_wasm.js';
import { recurrent, fingerprint, codegenCases } from './recurrent.js';

/**
 * kernelFor compiles one copy of a kernel per rule class with `new Function`; where that is impossible or
 * unsafe it hands back the shared kernel. Both paths must give the same bits.
 */
afterEach(() => {
  setKernelSpecialisation(true);
  setAxonalWasm(true);
});

const bits = (w: Float32Array) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));

describe('kernel copies on and off give bit-identical weights and spikes', () => {
  for (const [name, syn, kernels] of codegenCases) {
    it(name, () => {
      // The JavaScript kernels are under test here (triplet_auryn's compiled arrival: axonal_wasm.test.ts).
      setAxonalWasm(false);
      const before = kernelSpecialisation().fallbacks;
      const on = recurrent(syn);
      // Every kernel of both handlers is self-contained: none fell back.
      expect(kernelSpecialisation().fallbacks).toBe(before);
      expect(kernelSpecialisation().codeGeneration).toBe(true);
      setKernelSpecialisation(false);
      const off = recurrent(syn);
      expect(kernelSpecialisation().fallbacks).toBe(before + kernels);
      expect(kernelSpecialisation().lastReason).toMatch(/switched off/);
      expect(bits(off.weights)).toEqual(bits(on.weights));
      expect(off.senders).toEqual(on.senders);
      expect(off.times).toEqual(on.times);
      // Plasticity did something, and the network spiked.
      expect(on.senders.length).toBeGreaterThan(1000);
      expect(new Set(on.weights).size).toBeGreaterThan(100);
    });
  }
});

describe('a composed rule (stdpMechanism) with copies on and off', () => {
  it('spike pair x Guetig, axonal: same bits, and with copies off its methods are the shared ones', async () => {
    const { builtinPlugins } = await import('../../../../index.js');
    const { plasticSynapse } = await import('../../../../plugins/synapses/plasticity/synapse.js');
    const { stdpMechanism } = await import('../../../../plugins/synapses/plasticity/mechanism.js');
    const { spikePair } = await import('../../../../plugins/synapses/plasticity/timing/pair.js');
    const { gutig } = await import('../../../../plugins/synapses/plasticity/weight/dependences.js');
    const make = () => stdpMechanism({ name: 'codegen_pair_gutig', timing: spikePair(), weight: gutig() });
    const syn = { synapse_model: 'codegen_pair_gutig', weight: 20, w_max: 40, A_plus: 0.1, A_minus: 0.12, mu_plus: 0.4, mu_minus: 0.4, delay_handler: 'axonal' };
    const onDef = make();
    const on = recurrent(syn, { plugins: [...builtinPlugins, plasticSynapse(onDef)] });
    setKernelSpecialisation(false);
    const offDef = make();
    const off = recurrent(syn, { plugins: [...builtinPlugins, plasticSynapse(offDef)] });
    const p = { tau_plus: 20, tau_minus: 20, A_plus: 0.1, A_minus: 0.1, w_min: 0, w_max: 1, mu_plus: 0.5, mu_minus: 0.5 };
    const rOn = onDef.build(p, {}, 't');
    const rOff = offDef.build(p, {}, 't');
    expect(Object.getPrototypeOf(Object.getPrototypeOf(rOff)).onPost).toBe(rOff.onPost);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(rOn)).onPost).not.toBe(rOn.onPost);
    expect(bits(off.weights)).toEqual(bits(on.weights));
    expect(off.senders).toEqual(on.senders);
    expect(new Set(on.weights).size).toBeGreaterThan(100);
  });
});

describe('kernelFor falls back to the shared kernel', () => {
  const rule = { onPost: (w: number) => w + 1 };
  it('when the source names a helper injected from outside (bundler or coverage transform)', () => {
    // What esbuild's keepNames or istanbul leave in a function body: module-level names.
    const src = 'function k(rule, w) { cov_1().s[0]++; return __name(rule.onPost(w), "x"); }';
    expect(freeNames(src)).toEqual(['cov_1', '__name']);
    const helperUser = ((rule: { onPost(w: number): number }, w: number) => Math.max(rule.onPost(w), outside(w))) as (r: typeof rule, w: number) => number;
    const copy = kernelFor(helperUser, rule);
    expect(copy).toBe(helperUser);
    expect(kernelSpecialisation().lastReason).toMatch(/names outside/);
    expect(copy(rule, 2)).toBe(4);
  });
  it('when the source does not compile on its own (a bound function prints as native code)', () => {
    function plain(r: typeof rule, w: number): number {
      return r.onPost(w);
    }
    const bound = plain.bind(null);
    expect(kernelFor(bound, rule)).toBe(bound);
    // Its source is `function () { [native code] }`: caught by the name check before new Function sees it.
    expect(kernelSpecialisation().lastReason).toMatch(/names native, code/);
  });
  it('and compiles a self-contained kernel: its own bindings, properties and globals are not free', () => {
    const src = 'function k(a, b) { const { x } = a; let p, q = 1, r; for (let i = 0; i < 3; i++) q += Math.exp(b.c?.d[i] * 1e-3) + r; try { p(); } catch (e) { q = e; } return [...x, q, Infinity]; }';
    expect(freeNames(src)).toEqual([]);
    function self(r: typeof rule, w: number): number {
      return Math.min(r.onPost(w), 1e9);
    }
    const copy = kernelFor(self, rule);
    expect(copy).not.toBe(self);
    expect(copy(rule, 2)).toBe(3);
  });
  it('when switched off with setKernelSpecialisation(false)', () => {
    function k(r: typeof rule, w: number): number {
      return r.onPost(w);
    }
    setKernelSpecialisation(false);
    expect(kernelFor(k, rule)).toBe(k);
    setKernelSpecialisation(true);
    expect(kernelFor(k, rule)).not.toBe(k);
  });
});

function outside(w: number): number {
  return 2 * w;
}

describe('a process without code generation from strings', () => {
  const fixture = fileURLToPath(new URL('./fixtures/no-codegen.mts', import.meta.url));
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const runChild = (flags: string[], env: Record<string, string> = {}) =>
    JSON.parse(execFileSync(process.execPath, [...flags, '--import', 'tsx', fixture], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' }).trim().split('\n').pop()!);

  it('runs both handlers under --disallow-code-generation-from-strings, with the same bits as here; SPIKEWORKS_NO_CODEGEN=1 forces the same path', () => {
    const here = Object.fromEntries(codegenCases.map(([name, syn]) => [name, fingerprint(recurrent(syn))]));
    const strict = runChild(['--disallow-code-generation-from-strings']);
    expect(strict.status.codeGeneration).toBe(false);
    // Two kernels per projection at least (a composed rule's methods add theirs).
    expect(strict.status.fallbacks).toBeGreaterThanOrEqual(4);
    const forced = runChild([], { SPIKEWORKS_NO_CODEGEN: '1' });
    expect(forced.status.enabled).toBe(false);
    for (const [name] of codegenCases) {
      expect(strict[name]).toBe(here[name]);
      expect(forced[name]).toBe(here[name]);
    }
  });
});
