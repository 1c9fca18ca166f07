import type { BuildOptions, Plugin } from 'esbuild';

/** Resolves core/platform-node.ts to core/platform-browser.ts. */
export const browserPlatform: Plugin;
/** esbuild options of a browser bundle of `entry` (a path from the package root), merged with `extra`. */
export function browserBuildOptions(entry: string, extra?: BuildOptions): BuildOptions;
/** Build the page into `outdir` (default dist-web/); resolves to the folder. */
export function buildWeb(outdir?: string, options?: { minify?: boolean }): Promise<string>;
