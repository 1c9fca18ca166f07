import { SpikeworksError } from './errors.js';
import { STEP_PHASES, SLICE_PHASES, type Phase, type SystemContext, type SystemPlugin, type SystemRunner } from './contracts/system.js';
import { MAX_BLOCK_STEPS } from './systems/update.js';
import { now, type PhaseTimes } from './stats.js';

interface Prepared {
  system: SystemPlugin;
  runner: SystemRunner;
  entities: readonly number[];
}

const ALL_PHASES: readonly Phase[] = [...STEP_PHASES, ...SLICE_PHASES];

/**
 * The ordered list of systems and the entities each runs over, built once when the network is compiled,
 * and the loop that runs it: every step of a min-delay slice runs the step phases (input, update,
 * plasticity, observe), then the slice phases run once (record, exchange, propagate, control).
 *
 * A slice may run in blocks instead of step by step: when every step-phase runner can advance a block of
 * steps in one call and one of them gains from it (a slice kernel). Then each runner does a whole block
 * before the next one starts (generators first, then each population's steps), which is the per-step
 * result because nothing emitted within a slice arrives within it (every delay is >= the slice length).
 */
export class Scheduler {
  private readonly stepRunners: Prepared[] = [];
  private readonly sliceRunners: Prepared[] = [];
  private readonly byPhase = new Map<Phase, Prepared[]>();
  private readonly stepFns: ((step: number) => void)[];
  private readonly blockFns: ((from: number, to: number) => void)[];
  readonly blocked: boolean;
  readonly blockSteps: number;

  constructor(
    systems: readonly SystemPlugin[],
    private readonly ctx: SystemContext,
    private readonly times: PhaseTimes,
  ) {
    for (const phase of ALL_PHASES) this.byPhase.set(phase, []);
    for (const system of systems) {
      const list = this.byPhase.get(system.phase);
      if (!list) throw new SpikeworksError(`system '${system.name}': phase '${system.phase}' is not one of ${ALL_PHASES.join(', ')}`);
      const entities = ctx.world.query(system.query);
      const runner = system.prepare(ctx, entities);
      if (!runner) continue;
      const perStep = (STEP_PHASES as readonly string[]).includes(system.phase);
      if (perStep ? !runner.step : !runner.slice) {
        throw new SpikeworksError(`system '${system.name}' runs in the ${system.phase} phase, so its runner needs ${perStep ? 'step(step)' : 'slice(from, to)'}`);
      }
      list.push({ system, runner, entities });
    }
    for (const phase of STEP_PHASES) this.stepRunners.push(...this.byPhase.get(phase)!);
    for (const phase of SLICE_PHASES) this.sliceRunners.push(...this.byPhase.get(phase)!);
    const steps = this.stepRunners.map((p) => p.runner);
    this.blocked = steps.length > 0 && steps.every((r) => r.block) && steps.some((r) => r.capabilities?.includes('slice'));
    this.blockSteps = Math.min(ctx.clock.minDelaySteps, MAX_BLOCK_STEPS);
    this.stepFns = steps.map((r) => r.step!);
    this.blockFns = this.blocked ? steps.map((r) => r.block!) : [];
  }

  /** Steps [from, to) of one slice, then the slice phases; the phase timers count wall time. */
  runSlice(from: number, to: number): void {
    const t0 = now();
    this.ctx.spikes.local.count = 0;
    if (this.blocked) {
      const blocks = this.blockFns;
      for (let a = from; a < to; a += this.blockSteps) {
        const b = Math.min(to, a + this.blockSteps);
        for (let r = 0; r < blocks.length; r++) blocks[r](a, b);
      }
    } else {
      const fns = this.stepFns;
      for (let s = from; s < to; s++) {
        for (let r = 0; r < fns.length; r++) fns[r](s);
      }
    }
    this.runPhase('record', from, to);
    const t1 = now();
    this.runPhase('exchange', from, to);
    const t2 = now();
    this.runPhase('propagate', from, to);
    const t3 = now();
    this.runPhase('control', from, to);
    const t4 = now();
    this.times.update += t1 - t0;
    this.times.exchange += t2 - t1;
    this.times.propagate += t3 - t2;
    this.times.control += t4 - t3;
  }

  private runPhase(phase: Phase, from: number, to: number): void {
    const list = this.byPhase.get(phase)!;
    for (let r = 0; r < list.length; r++) list[r].runner.slice!(from, to);
  }

  /** The phases, their systems and what each runs over, as `sim.schedule()` prints them. */
  describe(): string {
    const clock = this.ctx.clock;
    const m = clock.minDelaySteps;
    const lines = [
      `slices of ${m} step${m === 1 ? '' : 's'} (min delay ${+(m * clock.dt).toFixed(6)} ms at dt ${clock.dt} ms), ` +
        (this.blocked ? `run in blocks of up to ${this.blockSteps} steps per call` : 'run step by step'),
    ];
    const section = (title: string, phases: readonly Phase[]) => {
      lines.push(title);
      for (const phase of phases) {
        const list = this.byPhase.get(phase)!;
        if (list.length === 0) lines.push(`  ${phase.padEnd(11)}(nothing)`);
        for (const { system, runner } of list) {
          const caps = runner.capabilities?.length ? ` [${runner.capabilities.join(', ')}]` : '';
          lines.push(`  ${phase.padEnd(11)}${system.name}${caps}`);
          for (const d of runner.describe?.() ?? []) lines.push(`  ${''.padEnd(11)}  ${d}`);
        }
      }
    };
    section('every step:', STEP_PHASES);
    section('every slice:', SLICE_PHASES);
    return lines.join('\n');
  }
}
