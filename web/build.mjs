// Builds the page into dist-web/ (npm run build:web): the engine bundled for browsers, the Web Worker that
// runs it, the page script, and the static files. No CDN: everything the page loads is in that folder.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Resolve the Node platform adapter to the browser's (core/platform.ts says why). */
export const browserPlatform = {
  name: 'spikeworks-browser-platform',
  setup(b) {
    b.onResolve({ filter: /platform-node\.js$/ }, (args) => ({ path: join(args.resolveDir, 'platform-browser.ts') }));
  },
};

/** esbuild options of a browser bundle of `entry`: no Node built-in resolves (platform 'browser'), none is external. */
export function browserBuildOptions(entry, extra = {}) {
  return {
    entryPoints: [resolve(root, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome110', 'firefox115', 'safari16'],
    plugins: [browserPlatform],
    logLevel: 'silent',
    ...extra,
  };
}

/** Build the page into `outdir` (default dist-web/ at the package root). */
export async function buildWeb(outdir = join(root, 'dist-web'), { minify = true } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build(browserBuildOptions('browser.ts', { outfile: join(outdir, 'spikeworks.js'), minify, sourcemap: true }));
  await build(browserBuildOptions('web/worker.ts', { outfile: join(outdir, 'worker.js'), minify, sourcemap: true }));
  await build(browserBuildOptions('web/rank.ts', { outfile: join(outdir, 'rank.js'), minify, sourcemap: true }));
  await build(browserBuildOptions('web/page.ts', { outfile: join(outdir, 'page.js'), minify, sourcemap: true }));
  for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'web', f), join(outdir, f));
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildWeb(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`spikeworks page built in ${out}; serve it with: npx spikeworks serve`);
}
