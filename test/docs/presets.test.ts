import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { presets } from '../../presets/index.js';

const page = (name: string) => new URL(`../../docs/presets/${name.startsWith('zenke-25k') ? 'zenke-25k' : name}.md`, import.meta.url);

describe('docs/presets', () => {
  it('every preset has a page whose parameter table lists every parameter with its default', () => {
    for (const p of presets) {
      expect(existsSync(page(p.name)), `docs/presets page for ${p.name}`).toBe(true);
      const text = readFileSync(page(p.name), 'utf8');
      for (const [key, spec] of Object.entries(p.params)) {
        expect(text, `${p.name}: parameter ${key}`).toContain(`| \`${key}\` | ${spec.default} |`);
      }
    }
  });

  it('reference figures in a preset match its page', () => {
    for (const p of presets) {
      if (!p.reference) continue;
      const text = readFileSync(page(p.name), 'utf8');
      if (p.reference.rate_e_hz !== undefined) expect(text).toContain(String(p.reference.rate_e_hz));
      expect(text).toContain(`${Math.round(p.reference.tolerance * 100)} %`);
    }
  });
});
