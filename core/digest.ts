import { platform } from './platform.js';
import { toHex } from './sha256.js';

/**
 * SHA-256 of a spike record sorted by time, then sender: each spike contributes its step (the time on
 * the grid, exact) and its sender as two little-endian int32. Spikes may be fed in pieces that follow one
 * another in time (a run's slices): each piece is sorted and hashed on `endPiece`, which continues the
 * order of the whole record. Two runs with the same digest emitted the same spikes.
 */
export class SpikeDigest {
  private readonly hash = platform.sha256();
  private steps = new Int32Array(1024);
  private senders = new Int32Array(1024);
  private order = new Uint32Array(1024);
  private pairs = new Int32Array(2048);
  private n = 0;
  /** Spikes hashed so far. */
  count = 0;

  /** Spikes of the current piece, in any order. */
  add(senders: ArrayLike<number>, steps: ArrayLike<number>, count = senders.length): void {
    if (this.n + count > this.steps.length) {
      const size = 2 * (this.n + count);
      const grow = (a: Int32Array) => {
        const b = new Int32Array(size);
        b.set(a.subarray(0, this.n));
        return b;
      };
      this.steps = grow(this.steps);
      this.senders = grow(this.senders);
      this.order = new Uint32Array(size);
      this.pairs = new Int32Array(2 * size);
    }
    for (let i = 0; i < count; i++) {
      this.steps[this.n + i] = steps[i];
      this.senders[this.n + i] = senders[i];
    }
    this.n += count;
  }

  /** Sort the piece by step, then sender, and hash it. */
  endPiece(): void {
    const n = this.n;
    if (n === 0) return;
    const { steps, senders, order, pairs } = this;
    for (let i = 0; i < n; i++) order[i] = i;
    order.subarray(0, n).sort((a, b) => steps[a] - steps[b] || senders[a] - senders[b]);
    for (let i = 0; i < n; i++) {
      pairs[2 * i] = steps[order[i]];
      pairs[2 * i + 1] = senders[order[i]];
    }
    this.hash.update(new Uint8Array(pairs.buffer, 0, 8 * n));
    this.count += n;
    this.n = 0;
  }

  digest(): string {
    this.endPiece();
    return toHex(this.hash.digest());
  }
}

/** The digest of a whole spike record (one piece). */
export function spikeDigest(senders: ArrayLike<number>, steps: ArrayLike<number>): string {
  const d = new SpikeDigest();
  d.add(senders, steps);
  return d.digest();
}
