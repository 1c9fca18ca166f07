import type { CommBackend } from '../../core/plugin.js';

/** One process, one rank: the slice's spikes are already all the spikes, in canonical order. */
export const localBackend: CommBackend = {
  kind: 'backend',
  name: 'local',
  doc: 'Single process, no communication',
  isDefault: true,
  create() {
    return {
      rank: 0,
      size: 1,
      exchange: (local) => local,
      allreduceSum: (v) => v,
      close() {},
    };
  },
};
