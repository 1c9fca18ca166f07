import { createHash } from 'node:crypto';

/**
 * SHA-256 of a spike record sorted by time, then sender: each spike contributes its step (the time on
 * the grid, exact) and its sender as two little-endian int32. Two runs with the same digest emitted the
 * same spikes.
 */
export function spikeDigest(senders: ArrayLike<number>, steps: ArrayLike<number>): string {
  const n = senders.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => steps[a] - steps[b] || senders[a] - senders[b]);
  const buf = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    buf[2 * i] = steps[order[i]];
    buf[2 * i + 1] = senders[order[i]];
  }
  return createHash('sha256').update(new Uint8Array(buf.buffer)).digest('hex');
}
