import type { DeviceTargets } from '../../core/plugin.js';
import type { RingRow } from '../../core/ringbuffer.js';
import { ParameterError } from '../../core/errors.js';
import type { SavedState } from '../../core/contracts/base.js';
import { CheckpointError, savedList } from '../../core/saved-state.js';

/** Offset of the ring row that a device event emitted in `step` reaches (read by the target in step + delay). */
export function arrivalRow(t: DeviceTargets, step: number): number {
  return ((step + t.delaySteps) % t.ring.slots) * t.ring.n;
}

/** Global ids of a link's local targets (keys of per-target random streams). */
export function targetGids(t: DeviceTargets): Float64Array {
  const gids = new Float64Array(t.local.length);
  const first = t.population.firstGid + t.population.localStart;
  for (let i = 0; i < gids.length; i++) gids[i] = first + t.local[i];
  return gids;
}

/** Add `value` to every target's slot of one ring row (current channel or a spike channel). */
export function addToTargets(buf: RingRow, off: number, local: Int32Array, value: number): void {
  for (let i = 0; i < local.length; i++) buf[off + local[i]] += value;
}

/** A boolean device option (NEST's bool properties), with the default when absent. */
export function booleanOption(where: string, options: Record<string, unknown> | undefined, name: string, dflt: boolean): boolean {
  const v = options?.[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ParameterError(where, name, v, 'true or false');
  return v;
}

/**
 * The saved states of a generator's links (one per connection), checked against the links it has now: a
 * generator rebuilt from the same spec has the same connections, in the same order.
 */
export function savedLinks(s: SavedState, key: string, count: number, where: string): SavedState[] {
  const list = savedList(s, key, where);
  if (list.length !== count) throw new CheckpointError(`${where}: ${count} connections here, ${list.length} saved`);
  return list.map((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x) || ArrayBuffer.isView(x)) throw new CheckpointError(`${where}: saved connection ${i} is not a record`);
    return x as SavedState;
  });
}
