import { describe, it, expect } from 'vitest';
import { runSmallBalancedNetwork } from '../../docs/examples/custom-simulator.js';

describe('docs/examples/custom-simulator.ts', () => {
  it('runs cuba-static\'s network at 1/9 of its size; with the same indegrees it fires at NEST\'s full-size rate', () => {
    const { senders, times } = runSmallBalancedNetwork(2);
    const rate = senders.length / 1000 / 0.5;
    // Fixed indegrees keep every neuron's input statistics: NEST's full network fires at 7.48 Hz (±20 %).
    expect(Math.abs(rate / 7.48 - 1)).toBeLessThan(0.2);
    expect(Math.max(...times)).toBeLessThanOrEqual(500);
  });
});
