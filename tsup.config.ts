import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'index.ts', cli: 'cli/main.ts', worker: 'parallel/worker_entry.ts' },
  format: ['esm'],
  target: 'node20',
  dts: { entry: { index: 'index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
});
