import type { Simulator } from '../core/simulator.js';

/** Where a run's protocol stands: a presimulation of `presimSteps`, then the measured steps up to `totalSteps`, from `startStep`. */
export interface ProtocolPosition {
  readonly sim: Simulator;
  readonly startStep: number;
  readonly presimSteps: number;
  readonly totalSteps: number;
}

/**
 * Simulate whole min-delay slices of the protocol until about `wallMs` of wall time has passed (all of it by
 * default) or `untilSteps` of the protocol are done, stopping at the end of the presimulation. After each
 * simulate call, `piece` gets its wall seconds, whether it was presimulation, and whether it ended it.
 */
export function advanceProtocol(
  run: ProtocolPosition, wallMs: number, untilSteps: number, piece: (seconds: number, inPresim: boolean, presimEnded: boolean) => void,
): void {
  const { sim, startStep, presimSteps, totalSteps } = run;
  const m = sim.delays.minDelaySteps;
  const t0 = performance.now();
  let slices = 1;
  while (sim.currentStep - startStep < totalSteps) {
    const inPresim = sim.currentStep - startStep < presimSteps;
    const phaseEnd = startStep + Math.min(inPresim ? presimSteps : totalSteps, untilSteps);
    const to = wallMs === Infinity ? phaseEnd : Math.min(phaseEnd, (Math.floor(sim.currentStep / m) + slices) * m);
    if (to <= sim.currentStep) return;
    const tp = performance.now();
    sim.simulate((to - sim.currentStep) * sim.dt);
    const took = performance.now() - tp;
    const done = sim.currentStep - startStep;
    piece(took / 1000, inPresim, inPresim && done === presimSteps);
    if (performance.now() - t0 >= wallMs || done >= untilSteps) return;
    // Grow the piece while pieces are short: a call per slice costs little, but not nothing.
    if (took < wallMs / 8) slices *= 2;
  }
}
