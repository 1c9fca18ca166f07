import { describe, expect } from 'vitest';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { itNeeds, nativeRequired } from '../support/requirements.js';
import { buildAddon } from '../../cli/build-addon.js';

const root = resolve(__dirname, '../..');

/** What building the addon in a fresh project needs: Open MPI's compiler wrapper and mpirun (not the repository's addon). */
function missingOpenMpi(): string | null {
  for (const [cmd, args] of [['mpicc', ['--showme:link']], ['mpirun', ['--version']]] as const) {
    const r = spawnSync(cmd, [...args], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return `${cmd} not found; apt-get install -y --no-install-recommends libopenmpi-dev openmpi-bin`;
  }
  return null;
}

function sh(cmd: string, args: string[], options: SpawnSyncOptions & { cwd: string }): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 240_000, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${options.cwd}) failed with ${r.status ?? r.signal}:\n${String(r.stdout).slice(-2000)}\n${String(r.stderr).slice(-3000)}`);
  return String(r.stdout);
}

const root0 = process.getuid?.() === 0 ? ['--allow-run-as-root'] : [];

// A network written as a spec by the user's own project, through the installed package's API.
const MAKE_SPEC = `import { writeFileSync } from 'node:fs';
import { createSimulator, encodeSpecJson } from 'spikeworks';
const sim = createSimulator({ dt: 0.1, seed: 21 });
const E = sim.create('iaf_psc_exp', 400, { I_e: 0 });
const I = sim.create('iaf_psc_exp', 100, { I_e: 0 });
E.set('V_m', { distribution: 'uniform', min: -70, max: -55 });
const noise = sim.create('poisson_generator', 1, { rate: 9000 });
sim.connect(noise, E, 'all_to_all', { weight: 25, delay: 0.1 });
sim.connect(noise, I, 'all_to_all', { weight: 25, delay: 0.1 });
sim.connect(E, E, { rule: 'pairwise_bernoulli', p: 0.1 }, { weight: 20, delay: 1.5 });
sim.connect(E, I, { rule: 'pairwise_bernoulli', p: 0.1 }, { weight: 20, delay: 1.5 });
sim.connect(I, E, { rule: 'pairwise_bernoulli', p: 0.1 }, { weight: -100, delay: 0.8 });
const rec = sim.create('spike_recorder');
sim.connect(E, rec);
sim.connect(I, rec);
writeFileSync('net.json', encodeSpecJson(sim.toSpec({ run: { simtime: 300 } })));
`;

describe('spikeworks build', () => {
  itNeeds(missingOpenMpi(), nativeRequired)(
    'from the packed package in a fresh project: build the MPI addon there, and mpirun -np 2 on a spec of that project gives the one-process digest',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'spikeworks-pack-'));
      try {
        // npm test built dist/ first; the tarball is what `npm publish` would upload.
        sh('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: root });
        const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
        const project = join(dir, 'project');
        sh('mkdir', [project], { cwd: dir });
        writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-network', private: true, type: 'module' }));
        // Its dependencies come from npm's cache where `npm ci` put them (the registry for what is not there).
        sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball)], { cwd: project });
        const installed = join(project, 'node_modules', 'spikeworks');
        expect(existsSync(join(installed, 'native', 'mpi', 'src', 'mpi_addon.cc'))).toBe(true);
        expect(existsSync(join(installed, 'native', 'mpi', 'build'))).toBe(false);
        const built = sh('npx', ['spikeworks', 'build', 'mpi'], { cwd: project });
        expect(built).toMatch(/built .*spikeworks_mpi\.node/);
        expect(existsSync(join(installed, 'native', 'mpi', 'build', 'Release', 'spikeworks_mpi.node'))).toBe(true);
        writeFileSync(join(project, 'make-spec.mjs'), MAKE_SPEC);
        sh(process.execPath, ['make-spec.mjs'], { cwd: project });
        const one = JSON.parse(sh('npx', ['spikeworks', 'run', 'net.json', '--json', '--no-out'], { cwd: project }).trim().split('\n').pop()!);
        const two = JSON.parse(
          sh('mpirun', [...root0, '--oversubscribe', '-np', '2', 'npx', 'spikeworks', 'run', 'net.json', '--comm', 'mpi', '--json', '--no-out'], { cwd: project })
            .trim()
            .split('\n')
            .pop()!,
        );
        expect(one.spike_count).toBeGreaterThan(100);
        expect(two.ranks).toBe(2);
        expect(two.spike_digest).toBe(one.spike_digest);
        expect(two.spike_count).toBe(one.spike_count);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    300_000,
  );

  itNeeds(null)('names what it builds', () => {
    expect(() => buildAddon('cuda')).toThrow(/parameter 'addon' = "cuda" is invalid; allowed: 'mpi'/);
  });
});
