/** Lifecycle events of a simulator (eventemitter3): nothing is emitted per step or per neuron. */
export interface SimEvents {
  build: (what: { kind: 'population' | 'projection' | 'device'; name: string }) => void;
  prepare: (info: { minDelaySteps: number; maxDelaySteps: number }) => void;
  slice: (progress: { step: number; endStep: number; startStep: number }) => void;
  end: (info: { step: number }) => void;
}
