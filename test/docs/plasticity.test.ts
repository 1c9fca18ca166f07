import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('docs/plasticity.md', () => {
  // The worked examples quote the user rules of the test fixtures whole; the fixtures' tests check the rules.
  for (const fixture of ['test/plugins/synapses/fixtures/nn-soft-bounds.ts', 'test/plugins/synapses/fixtures/symmetric_reward_rule.ts', 'test/plugins/synapses/fixtures/two-timescale.ts']) {
    it(`quotes ${fixture} as it is`, () => {
      const doc = read('docs/plasticity.md');
      expect(doc).toContain(`\`${fixture}\``);
      expect(doc).toContain('```ts\n' + read(fixture).trimEnd() + '\n```');
    });
  }
});
