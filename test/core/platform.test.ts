import { describe, expect, it } from 'vitest';
import { join, dirname } from 'node:path';
import { platform as browser } from '../../core/platform-browser.js';
import { platform as node } from '../../core/platform.js';
import { SpikeworksError } from '../../core/errors.js';
import { toHex } from '../../core/sha256.js';

describe('the platform adapters', () => {
  it('the source tree (the Node build) gets the Node platform', () => {
    expect(node.name).toBe('node');
    expect(node.env()).toBe(process.env);
    expect(node.memory.free()).toBeGreaterThan(0);
  });

  it("the browser's paths join and split as node:path does for the recorders' relative names", () => {
    for (const parts of [['.', 'spikes_E-4001-0.dat'], ['out', 'a.dat'], ['out/', 'sub', 'b.tsv'], ['/abs', 'c.arrow']]) {
      expect(browser.joinPath(...parts), parts.join(' + ')).toBe(join(...parts));
    }
    for (const p of ['a.dat', 'out/a.dat', '/a.dat', 'out/sub/c.arrow']) expect(browser.dirname(p), p).toBe(dirname(p));
  });

  it('hashes as node:crypto does, and refuses files and addons saying why', () => {
    const bytes = new TextEncoder().encode('spikeworks');
    expect(toHex(browser.sha256().update(bytes).digest())).toBe(toHex(node.sha256().update(bytes).digest()));
    expect(browser.files.exists('anything')).toBe(false);
    expect(() => browser.files.openWrite('spikes.dat')).toThrow(SpikeworksError);
    expect(() => browser.files.openWrite('spikes.dat')).toThrow(/writing spikes.dat: a browser has no file system; record to 'memory', or give the simulator a MemorySink/);
    expect(() => browser.loadAddon('mpi_addon.node')).toThrow(/not available in a browser/);
    expect(browser.addonPaths('mpi', 'x.node', 'SPIKEWORKS_MPI_ADDON')).toEqual([]);
    expect(browser.memory.free()).toBeGreaterThan(0);
  });
});
