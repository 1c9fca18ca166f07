import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { aurynIF } from '../../../plugins/neurons/auryn_if.js';
import { parrotNeuron } from '../../../plugins/neurons/parrot_neuron.js';
import { drive } from '../schemes/helpers.js';
import { IFGROUP_RUN, PARROT_RUN } from './fixtures/no_codegen_runs.js';

type Run = { generated: boolean; trace: number[]; spikes: [number, number][] };

describe('IFGroup and parrot_neuron where code generation is disallowed', () => {
  it('fall back by themselves (node --disallow-code-generation-from-strings), with the generated kernels\' results', () => {
    const script = fileURLToPath(new URL('./fixtures/no_codegen_builtins.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', script], { encoding: 'utf8' });
    const r = JSON.parse(out) as Record<string, Run> & { available: boolean };
    expect(r.available).toBe(false);
    const cases: [string, Run, ReturnType<typeof drive>][] = [
      ...['euler-exact-decay', 'euler-exact-decay-f32'].map((s) => [s, r[s], drive(aurynIF, s, IFGROUP_RUN)] as [string, Run, ReturnType<typeof drive>]),
      ['parrot', r.parrot, drive(parrotNeuron, 'none', PARROT_RUN)],
    ];
    for (const [label, off, here] of cases) {
      expect([here.kernel.generated, off.generated], label).toEqual([true, false]);
      expect(here.spikes.length, label).toBeGreaterThan(10);
      expect(off.spikes, label).toEqual(here.spikes);
      expect(off.trace, label).toEqual(Array.from(here.trace));
    }
  });
});
