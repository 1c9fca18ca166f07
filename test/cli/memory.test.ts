import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Peak RSS (MiB) of a va-coba run with its output folder, as its run.json records it. */
function peak(simtime: number): { peak: number; spikes: number } {
  const dir = join(mkdtempSync(join(tmpdir(), 'spikeworks-mem-')), 'run');
  const s = JSON.parse(execFileSync('node', ['bin/spikeworks.js', 'run', 'va-coba', '--set', 'integrator=euler-f32x4-wasm-simd', '--simtime', String(simtime), '--out', dir, '--no-progress', '--json'], { cwd: root, encoding: 'utf8' }));
  const m = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
  expect(m.status).toBe('complete');
  return { peak: m.peak_rss_mib, spikes: s.spike_count };
}

describe('spikeworks run: the output streams to its files, so memory stays flat with the run length', () => {
  it('va-coba for 10 s and for 100 s with output on: peak RSS within 20 %', () => {
    // The lower of two runs each: a late garbage collection only ever raises a peak.
    const lower = (a: ReturnType<typeof peak>, b: ReturnType<typeof peak>) => (a.peak <= b.peak ? a : b);
    const short = lower(peak(10_000), peak(10_000));
    const long = lower(peak(100_000), peak(100_000));
    console.log(`peak RSS: ${short.peak} MiB for 10 s (${short.spikes} spikes), ${long.peak} MiB for 100 s (${long.spikes} spikes)`);
    expect(long.spikes).toBeGreaterThan(8 * short.spikes);
    expect(long.peak / short.peak).toBeLessThan(1.2);
  }, 300_000);
});
