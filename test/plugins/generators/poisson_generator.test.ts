import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins } from '../../../index.js';
import { inputCounter } from '../../core/helpers.js';

describe('poisson_generator', () => {
  it('gives every target an independent train with the right mean count and Fano factor ≈ 1', () => {
    const rate = 500, T = 1000, n = 400;
    const sim = createSimulator({ seed: 11, plugins: [...builtinPlugins, inputCounter] });
    const pop = sim.create('test_input_counter', n);
    const gen = sim.create('poisson_generator', 1, { rate });
    sim.connect(gen, pop, 'all_to_all', { weight: 1, delay: 0.1 });
    sim.simulate(T + 0.1); // + one delay so the last step's draws have arrived
    const counts = Array.from(pop.get('total'));
    const mean = counts.reduce((a, b) => a + b, 0) / n;
    const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    const expected = (rate * T) / 1000;
    // Mean of n Poisson(500) counts: standard error sqrt(500/n) ≈ 1.1; allow 4 SE.
    expect(Math.abs(mean - expected)).toBeLessThan(4 * Math.sqrt(expected / n));
    // Sample Fano factor: sd ≈ sqrt(2/(n-1)) ≈ 0.07; allow 4 sd.
    expect(Math.abs(variance / mean - 1)).toBeLessThan(4 * Math.sqrt(2 / (n - 1)));
    // Independent trains: neighbouring targets' counts are uncorrelated (|r| < 4/sqrt(n)).
    let sxy = 0;
    for (let i = 0; i + 1 < n; i += 2) sxy += (counts[i] - mean) * (counts[i + 1] - mean);
    const r = sxy / (n / 2) / variance;
    expect(Math.abs(r)).toBeLessThan(4 / Math.sqrt(n / 2));
  });

  it('draws per-step counts that are Poisson: P(0) = e^{-λ} with λ = rate·dt', () => {
    const rate = 4050, dt = 0.1, n = 200, T = 500;
    const sim = createSimulator({ seed: 5, dt, plugins: [...builtinPlugins, inputCounter] });
    const pop = sim.create('test_input_counter', n);
    sim.connect(sim.create('poisson_generator', 1, { rate }), pop, 'all_to_all', { weight: 1, delay: dt });
    sim.simulate(T + dt);
    const lambda = rate * dt * 1e-3;
    // Σ x² over steps = Σ (count per step)²; E[x²] = λ + λ² for Poisson.
    const steps = Math.round(T / dt);
    const meanSq = Array.from(pop.get('sumSquares')).reduce((a, b) => a + b, 0) / (n * steps);
    expect(meanSq).toBeCloseTo(lambda + lambda * lambda, 2);
  });

  it('is silent outside (origin + start, origin + stop]', () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, inputCounter] });
    const pop = sim.create('test_input_counter', 50);
    sim.connect(sim.create('poisson_generator', 1, { rate: 10000, start: 100, stop: 200 }), pop, 'all_to_all', { weight: 1, delay: 0.1 });
    sim.simulate(100.1);
    expect(Array.from(pop.get('total')).reduce((a, b) => a + b, 0)).toBe(0);
    sim.simulate(150);
    const during = Array.from(pop.get('total')).reduce((a, b) => a + b, 0);
    // 50 targets × 100 ms × 10 kHz = 50 000 expected, Poisson sd ≈ 224.
    expect(Math.abs(during - 50_000)).toBeLessThan(1000);
  });
});
