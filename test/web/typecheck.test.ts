import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

describe('the page sources', () => {
  // web/ runs in browsers: it is checked with the DOM's and the workers' types (web/tsconfig.json), which the
  // root tsconfig leaves out so that Node code cannot use them by accident.
  it('type-check with the DOM and WebWorker libraries', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'web/tsconfig.json', '--noEmit'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
