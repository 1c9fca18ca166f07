// node-gyp rebuild of one addon folder under native/, against the running node's headers when they are
// installed next to it (no download needed). Shared by the addons' build scripts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function rebuild(directory) {
  const require = createRequire(import.meta.url);
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  const args = [gyp, 'rebuild', `--directory=${directory}`];
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'common.gypi'))) args.push(`--nodedir=${prefix}`);
  return spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
}
