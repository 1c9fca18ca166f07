import { SpikeworksError } from './errors.js';
import { Sha256 } from './sha256.js';
import type { Platform, PlatformFiles } from './platform.js';

function noFiles(what: string): never {
  throw new SpikeworksError(`${what}: a browser has no file system; record to 'memory', or give the simulator a MemorySink as SERVICE.output (record_to 'ascii', 'binary' and 'arrow' then write into it)`);
}

const files: PlatformFiles = {
  exists: () => false,
  read: (p) => noFiles(`reading ${p}`),
  readText: (p) => noFiles(`reading ${p}`),
  openWrite: (p) => noFiles(`writing ${p}`),
  write: () => noFiles('writing a file'),
  fsync: () => noFiles('writing a file'),
  close: () => noFiles('writing a file'),
  mkdirp: (d) => noFiles(`making the folder ${d}`),
  rename: (a) => noFiles(`renaming ${a}`),
  remove: (p) => noFiles(`removing ${p}`),
};

/** navigator.deviceMemory is in GB, rounded and capped at 8 by the browser; 4 where it is not reported. */
function deviceBytes(): number {
  const gb = (globalThis as { navigator?: { deviceMemory?: number } }).navigator?.deviceMemory;
  return (typeof gb === 'number' && gb > 0 ? gb : 4) * 1e9;
}

/** The browser's platform: the pure SHA-256, files kept in memory by the sinks, no native addons. */
export const platform: Platform = {
  name: 'browser',
  sha256: () => new Sha256(),
  files,
  joinPath: (...parts) => parts.filter((p) => p !== '' && p !== '.').join('/').replace(/\/{2,}/g, '/') || '.',
  dirname: (p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) || '/' : '.'),
  memory: {
    // A page cannot see the machine's free memory: half the device's, as a bound on one tab's arrays.
    free: () => deviceBytes() / 2,
    total: deviceBytes,
    constrained: () => null,
    held: () => 0,
    source: "half of navigator.deviceMemory (a page cannot see the machine's free memory)",
  },
  env: () => ({}),
  pid: 0,
  addonPaths: () => [],
  loadAddon: (path) => {
    throw new SpikeworksError(`native addon ${path}: not available in a browser (MPI runs under Node)`);
  },
  // A page does not exit; nothing it runs needs finalizing.
  onExit: () => {},
};
