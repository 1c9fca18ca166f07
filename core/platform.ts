/**
 * What the engine needs from the machine it runs on, behind one object so that the engine's modules import
 * no Node built-in: hashing, files, memory figures, the environment, native addons. The Node build supplies
 * core/platform-node.ts; the browser build (web/build.mjs, browserBuildOptions) resolves that module to
 * core/platform-browser.ts instead.
 */

/** An incremental SHA-256 (node:crypto's Hash, or core/sha256.ts). */
export interface Sha256Hash {
  update(bytes: Uint8Array): Sha256Hash;
  digest(): Uint8Array;
}

/** The synchronous file operations of the recorders and checkpoints. */
export interface PlatformFiles {
  exists(path: string): boolean;
  read(path: string): Uint8Array;
  readText(path: string): string;
  /** Open for writing, truncating: a descriptor. */
  openWrite(path: string): number;
  /** Bytes written (may be fewer than asked). */
  write(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  fsync(fd: number): void;
  close(fd: number): void;
  mkdirp(dir: string): void;
  rename(from: string, to: string): void;
  /** Remove a file; nothing if it is not there. */
  remove(path: string): void;
}

/** The figures the memory check reads (core/memory.ts). */
export interface MemoryFigures {
  /** Bytes free now (Linux: MemAvailable). */
  free(): number;
  total(): number;
  /** A container's limit in bytes, or null. */
  constrained(): number | null;
  /** Bytes this process holds. */
  held(): number;
  /** Where `free` comes from, for error messages ('os.freemem()'). */
  readonly source: string;
}

export interface Platform {
  readonly name: 'node' | 'browser';
  sha256(): Sha256Hash;
  readonly files: PlatformFiles;
  joinPath(...parts: string[]): string;
  dirname(path: string): string;
  readonly memory: MemoryFigures;
  /** The environment's variables (empty in a browser). */
  env(): Record<string, string | undefined>;
  /** This process's id (a temporary file's name). */
  readonly pid: number;
  /** Candidate paths of a native addon under native/<dir>/build/Release, or the one `envVar` names. */
  addonPaths(dir: string, file: string, envVar: string): string[];
  /** Load a native addon (Node's require), or throw. */
  loadAddon(path: string): unknown;
  /** Run `fn` with the exit code when the process exits (MPI's finalize). */
  onExit(fn: (code: number) => void): void;
}

export { platform } from './platform-node.js';
