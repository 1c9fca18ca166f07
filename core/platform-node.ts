import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import type { Platform } from './platform.js';

/** Node's platform: node:crypto, node:fs, node:os and require for native addons. */
export const platform: Platform = {
  name: 'node',
  sha256: () => createHash('sha256'),
  files: {
    exists: (p) => existsSync(p),
    read: (p) => readFileSync(p),
    readText: (p) => readFileSync(p, 'utf8'),
    openWrite: (p) => openSync(p, 'w'),
    write: (fd, b, off, len) => writeSync(fd, b, off, len),
    fsync: (fd) => fsyncSync(fd),
    close: (fd) => closeSync(fd),
    mkdirp: (d) => void mkdirSync(d, { recursive: true }),
    rename: (a, b) => renameSync(a, b),
    remove: (p) => rmSync(p, { force: true }),
  },
  joinPath: (...parts) => join(...parts),
  dirname: (p) => dirname(p),
  memory: {
    free: () => freemem(),
    total: () => totalmem(),
    constrained() {
      const f = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory;
      const c = typeof f === 'function' ? f.call(process) : undefined;
      // 0 or undefined: no limit; Node 20 reports 2^64 when there is none.
      return typeof c === 'number' && c > 0 && c < totalmem() ? c : null;
    },
    held: () => process.memoryUsage().rss,
    source: 'os.freemem()',
  },
  env: () => process.env,
  pid: process.pid,
  addonPaths(dir, file, envVar) {
    if (process.env[envVar]) return [resolve(process.env[envVar]!)];
    // The package root is one level above this file both in the sources (core/) and in the bundle (dist/).
    const here = dirname(fileURLToPath(import.meta.url));
    return [resolve(here, '..', join('native', dir, 'build', 'Release', file))];
  },
  loadAddon: (path) => createRequire(import.meta.url)(path),
  onExit: (fn) => void process.once('exit', fn),
};
