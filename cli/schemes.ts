import type { NeuronModel } from '../core/plugin.js';
import type { EquationModel } from '../core/equations/define.js';
import { generatedName } from '../core/equations/define.js';

const isEquationModel = (m: NeuronModel): m is EquationModel => 'compiled' in m && 'refused' in m;

/**
 * A model's schemes as `models` prints them: each name, with where its kernel comes from (generated from the
 * equations, a hand override of the generated one, a hand kernel of another method, or hand-written only),
 * then the schemes that do not apply and why.
 */
export function schemeLines(model: NeuronModel, names: readonly string[]): string[] {
  if (!isEquationModel(model)) return names.map((s) => `${s.padEnd(34)} hand-written${s === model.defaultIntegrator ? ' (default)' : ''}`);
  const own = new Set(Object.keys(model.integrators));
  const lines = names.map((s) => {
    let from: string;
    if (s in model.overrides) {
      const o = model.overrides[s], e = o.equivalence;
      const claim = e.kind === 'bit-identical' ? 'bit-identical' : e.kind === 'tolerance' ? `within ${e.rel} relative`
        : `within ${Object.entries(e.abs).map(([v, a]) => `${a} in ${v}`).join(', ')}, the same spikes`;
      from = `hand override of the generated kernel (${o.against ?? generatedName(s)}), ${claim}`;
    }
    else if (s in model.handOnly) from = `hand-written, another method than the generated ${generatedName(s)}: ${model.handOnly[s]}`;
    else if (!own.has(s)) from = 'hand-written (integrator plugin)';
    else from = 'generated from the equations';
    return `${s.padEnd(34)} ${from}${s === model.defaultIntegrator ? ' (default)' : ''}`;
  });
  for (const [s, why] of Object.entries(model.refused)) lines.push(`${s.padEnd(34)} does not apply: ${why}`);
  return lines;
}
