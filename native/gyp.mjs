// node-gyp rebuild of one addon folder under native/, against the running node's headers when they are
// installed next to it (no download needed). Shared by the addons' build scripts and `spikeworks build`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** node-gyp's script: the project's own (a dev dependency here), else the one npm carries for `npm install`. */
export function nodeGypScript() {
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const prefix = dirname(dirname(process.execPath));
    const bundled = [join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
      join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
    return bundled.find((p) => existsSync(p)) ?? null;
  }
}

export function rebuild(directory) {
  const gyp = nodeGypScript();
  if (!gyp) {
    console.error("node-gyp not found: neither a node-gyp package nor npm's own copy next to node (install npm, or `npm install node-gyp`)");
    return 1;
  }
  const args = [gyp, 'rebuild', `--directory=${directory}`];
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'common.gypi'))) args.push(`--nodedir=${prefix}`);
  return spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
}
