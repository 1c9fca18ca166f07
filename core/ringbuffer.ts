/** A ring's storage: float64 (NEST's double buffers) or float32 (a single-precision kernel's own ring). */
export type RingRow = Float64Array | Float32Array;

/**
 * Delayed input of one population: one row per future step, one column per local neuron, one array per
 * channel (excitatory and inhibitory spike input — routed by the weight's sign as NEST does — and current).
 * Slot-major, so a step's input for all neurons is one contiguous row and propagation scatters into one row.
 *
 * `A` is the storage type. Every ring the simulator makes itself is float64, and a neuron group's `update`
 * is typed for that; a kernel that allocates its own ring (its ownRing capability) may hold float32 rows,
 * and what writes into rings (synapses, generators) takes either.
 */
export class RingBuffer<A extends RingRow = Float64Array> {
  readonly ex: A;
  readonly inh: A;
  private readonly curRows: A;
  /**
   * Whether anything has asked for the current channel (to write it). A kernel may skip reading rows
   * nobody can have written; every writer goes through `cur`, so nothing can be skipped that was written.
   */
  currentUsed = false;
  /** The neuron group zeroes each row as it reads it, so the simulator need not clear it. */
  readonly readerClears: boolean;
  /**
   * `storage` (optional): arrays of n × slots elements the ring uses instead of its own, e.g. views into a
   * WebAssembly memory so a kernel reads its input rows in place (the ownRing capability of a kernel).
   */
  constructor(
    readonly n: number,
    readonly slots: number,
    storage?: { ex: A; inh: A; cur: A; readerClears?: boolean },
    /** Set for a view (`view`): the ring whose rows these are. */
    private readonly parent: RingBuffer<A> | null = null,
  ) {
    if (storage && !parent) {
      for (const a of [storage.ex, storage.inh, storage.cur]) {
        if (a.length !== n * slots) throw new RangeError(`RingBuffer storage: ${a.length} elements given, ${n * slots} (n × slots) needed`);
      }
    }
    this.ex = storage?.ex ?? (new Float64Array(n * slots) as A);
    this.inh = storage?.inh ?? (new Float64Array(n * slots) as A);
    this.curRows = storage?.cur ?? (new Float64Array(n * slots) as A);
    this.readerClears = storage?.readerClears ?? false;
  }
  /** The current channel (pA), rows as for ex and inh. */
  get cur(): A {
    this.currentUsed = true;
    if (this.parent) this.parent.currentUsed = true;
    return this.curRows;
  }
  /**
   * The rows as seen from local neuron `base` on, for a writer that indexes its targets from there (one block
   * of a projection's targets, core/blocks.ts): same row length n, so `offset(step) + i` is neuron base + i.
   */
  view(base: number): RingBuffer<A> {
    const sub = (a: A) => a.subarray(base) as A;
    return new RingBuffer<A>(this.n, this.slots, { ex: sub(this.ex), inh: sub(this.inh), cur: sub(this.curRows), readerClears: this.readerClears }, this.parent ?? this);
  }
  /** Offset of the row read in `step`. */
  offset(step: number): number {
    return (step % this.slots) * this.n;
  }
  clear(offset: number): void {
    const end = offset + this.n;
    this.ex.fill(0, offset, end);
    this.inh.fill(0, offset, end);
    if (this.currentUsed) this.curRows.fill(0, offset, end);
  }
  get bytes(): number {
    return this.ex.byteLength * 3;
  }
  /**
   * The input in flight (a checkpoint): live views of the rows, the current channel only when someone asked
   * for it (else it is all zeros), and whether they did (a kernel skips the current rows nobody can have written).
   */
  saveState(): { ex: A; inh: A; cur: A | null; currentUsed: boolean } {
    return { ex: this.ex, inh: this.inh, cur: this.currentUsed ? this.curRows : null, currentUsed: this.currentUsed };
  }
  /** Overwrite the rows with saved ones (same storage type, n and slots): in place, the kernels keep their views. */
  loadState(saved: { ex?: unknown; inh?: unknown; cur?: unknown; currentUsed?: unknown }): void {
    const copy = (name: string, to: A, from: unknown) => {
      if (!(from instanceof to.constructor) || (from as A).length !== to.length) {
        const what = ArrayBuffer.isView(from) ? `${from.constructor.name}(${(from as A).length})` : String(from);
        throw new RangeError(`input ring: saved ${name} rows are ${what}, this ring holds ${to.constructor.name}(${to.length}) (${this.slots} rows of ${this.n})`);
      }
      to.set(from as A);
    };
    copy('ex', this.ex, saved.ex);
    copy('inh', this.inh, saved.inh);
    if (saved.cur === null || saved.cur === undefined) this.curRows.fill(0);
    else copy('cur', this.curRows, saved.cur);
    this.currentUsed = saved.currentUsed === true;
  }
}

/** A ring as propagation and devices see it: they only add into rows, whatever the storage type. */
export type AnyRing = RingBuffer<RingRow>;
