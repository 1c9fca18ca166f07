import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunFolder, checkOutputFolder, defaultFolderName, sameRun } from '../../cli/run-folder.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'spikeworks-folder-'));

describe('output folder: checked before the build, a manifest from the start', () => {
  it('refuses an empty path, a file, a path under a file, kernel filesystems and a folder that holds files', () => {
    const d = tmp();
    writeFileSync(join(d, 'file'), 'x');
    expect(() => checkOutputFolder('', false)).toThrow(/'--out' = "".*a folder path/);
    expect(() => checkOutputFolder(join(d, 'file'), false)).toThrow(/'--out' = ".*file".*existing file/);
    expect(() => checkOutputFolder(join(d, 'file', 'x'), false)).toThrow(/is a file, not a folder/);
    expect(() => checkOutputFolder('/dev/null/x', false)).toThrow(/is a file, not a folder|not under \/proc, \/sys or \/dev/);
    expect(() => checkOutputFolder('/proc/x', false)).toThrow(/not under \/proc, \/sys or \/dev|proc/);
    expect(() => checkOutputFolder('/sys/x', false)).toThrow(/not under \/proc, \/sys or \/dev|sysfs/);
    mkdirSync(join(d, 'full'));
    writeFileSync(join(d, 'full', 'spikes.dat'), '');
    expect(() => checkOutputFolder(join(d, 'full'), false)).toThrow(/holds 1 files \(pass --force to replace it\)/);
    expect(checkOutputFolder(join(d, 'full'), true)).toBe(join(d, 'full'));
    expect(checkOutputFolder(join(d, 'new', 'deeper'), false)).toBe(join(d, 'new', 'deeper'));
  });

  it('names a previous run in the refusal; the default name carries the parameters given', () => {
    const d = join(tmp(), 'run');
    const f = new RunFolder(d, { network: 'va-coba', params: { seed: 1, simtime: 100 }, tStopMs: 100, format: 'ascii', command: [] }, false);
    f.finish('interrupted', { signal: 'SIGINT', tMs: 40 });
    expect(() => checkOutputFolder(d, false)).toThrow(/holds a run of va-coba \(interrupted\)/);
    expect(sameRun(d, 'va-coba', { seed: 1, simtime: 100 })).toBe(true);
    expect(sameRun(d, 'va-coba', { seed: 1, simtime: 200 })).toBe(false);
    expect(defaultFolderName('va-coba', 1, {})).toBe(join('out', 'va-coba-1'));
    expect(defaultFolderName('va-coba', 3, { seed: '3', simtime: '500', integrator: 'euler-f32' })).toBe(join('out', 'va-coba-3-integratoreuler-f32-simtime500'));
  });

  it('writes run.json at once, appends the log, and finishes it with the status and time reached', () => {
    const d = join(tmp(), 'run');
    const f = new RunFolder(d, { network: 'cuba-static', params: { seed: 2 }, tStopMs: 1000, format: 'binary', command: ['run', 'cuba-static'] }, false);
    const m0 = JSON.parse(readFileSync(join(d, 'run.json'), 'utf8'));
    expect(m0).toMatchObject({ format: 'spikeworks-run', version: 1, status: 'running', network: 'cuba-static', t_ms: 0, t_stop_ms: 1000, spike_format: 'binary', finished: null });
    f.log('0 0 1234 # virt_mem_0');
    f.log('1 0 0.5 # build_time_nodes');
    expect(readFileSync(join(d, 'log_0.dat'), 'utf8')).toBe('0 0 1234 # virt_mem_0\n1 0 0.5 # build_time_nodes\n');
    f.finish('complete', { tMs: 1000 });
    const m1 = JSON.parse(readFileSync(join(d, 'run.json'), 'utf8'));
    expect(m1.status).toBe('complete');
    expect(m1.t_ms).toBe(1000);
    expect(m1.files).toEqual(['run.json', 'log_0.dat']);
    expect(typeof m1.finished).toBe('string');
    expect(existsSync(join(d, '.run.json.tmp'))).toBe(false);
    expect(m1.pid).toBe(process.pid);
  });

  it('resume refuses a complete run, and a running one whose process is alive', () => {
    const d = join(tmp(), 'run');
    const f = new RunFolder(d, { network: 'va-coba', params: { seed: 1 }, tStopMs: 100, format: 'ascii', command: [] }, false);
    // This process is alive: its folder says running.
    expect(() => RunFolder.reopen(d)).toThrow(new RegExp(`process ${process.pid} is still writing this one`));
    f.finish('complete', { tMs: 100 });
    expect(() => RunFolder.reopen(d)).toThrow(/nothing to resume/);
  });
});
