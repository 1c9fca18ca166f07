import { EdgeBuffer } from './csr.js';
import type { EdgeSink } from './contracts/connection.js';
import type { PopulationHandle, SavedState, SavedValue } from './contracts/base.js';
import type { ProjectionInfo, SynapseCapabilities, SynapseRuntime, SynapseTable, TargetIndex } from './contracts/synapse.js';

/**
 * Tables split by blocks of targets. A rank's targets are one contiguous range; past 65536 of them a target
 * index would need 32 bits, so a projection into them is drawn as several tables, one per block of at most
 * 65536 targets, each with 16-bit indices, each delivered by its own runtime into its part of the ring.
 * Every target still gets the same inputs in the same order, so nothing a run computes changes.
 */
let blockSize = 65536;

/** The largest number of targets one table holds (65536: 16-bit indices). */
export function targetBlockSize(): number {
  return blockSize;
}

/** Tests only: a smaller block, to check at small sizes that blocks change nothing. */
export function setTargetBlockSize(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 65536) throw new RangeError(`target block size ${n}: an integer in [1, 65536]`);
  blockSize = n;
}

export interface TableBlock {
  /** The block's first target, as an index into the rank's local targets. */
  readonly start: number;
  readonly targets: number;
  readonly table: SynapseTable;
}

type PerEdge = ((localTarget: number, index: number) => number) | null;

/** An edge sink for the rank's targets that sends each edge to its block's buffer. */
export class BlockedEdges implements EdgeSink {
  readonly buffers: EdgeBuffer[] = [];
  private readonly size: number;

  constructor(
    sourceCount: number,
    private readonly targetStart: number,
    private readonly targetCount: number,
  ) {
    this.size = blockSize;
    for (let start = 0; start < targetCount; start += this.size) {
      this.buffers.push(new EdgeBuffer(sourceCount, targetStart + start, Math.min(this.size, targetCount - start)));
    }
  }

  /** The buffers see block-local targets; the drawn values are keyed by rank-local ones. */
  private shifted(f: PerEdge, b: number): PerEdge {
    if (!f) return null;
    const base = b * this.size;
    return (t, index) => f(t + base, index);
  }

  set weightOf(f: PerEdge) {
    this.buffers.forEach((buf, b) => (buf.weightOf = this.shifted(f, b)));
  }
  set delayOf(f: PerEdge) {
    this.buffers.forEach((buf, b) => (buf.delayOf = this.shifted(f, b)));
  }
  set axonalOf(f: (() => number) | null) {
    for (const buf of this.buffers) buf.axonalOf = f;
  }
  keepScalarWeight(w: number): void {
    for (const buf of this.buffers) buf.keepScalarWeight(w);
  }
  addColumn(name: string, of: (localTarget: number, index: number) => number): void {
    this.buffers.forEach((buf, b) => buf.addColumn(name, this.shifted(of, b)!));
  }

  reserve(count: number): void {
    for (const buf of this.buffers) buf.reserve(Math.ceil((count * buf.targetCount) / this.targetCount));
  }

  add(src: number, tgt: number, index = 0): void {
    const local = tgt - this.targetStart;
    if (local < 0 || local >= this.targetCount) return;
    this.buffers[Math.floor(local / this.size)].add(src, tgt, index);
  }

  addRow(tgt: number, sources: Int32Array, count: number, firstIndex = 0): void {
    const local = tgt - this.targetStart;
    if (local < 0 || local >= this.targetCount) return;
    this.buffers[Math.floor(local / this.size)].addRow(tgt, sources, count, firstIndex);
  }

  freeze(homWeight: number, homDelay: number, homAxonalDelay?: number): BlockedTable {
    const blocks = this.buffers.map((buf, b) => {
      const t = buf.freeze(homWeight, homDelay);
      return { start: b * this.size, targets: buf.targetCount, table: homAxonalDelay === undefined ? t : { ...t, homAxonalDelay } };
    });
    this.buffers.length = 0;
    return new BlockedTable(blocks, this.size, homAxonalDelay);
  }
}

/**
 * A projection's tables on this rank, one per block of targets. It reads as one table in CSR order (by
 * source, then target): the counts directly, the arrays merged on first use (weight readers, small runs).
 */
export class BlockedTable implements SynapseTable {
  readonly count: number;
  readonly sourceCount: number;
  readonly homWeight: number;
  readonly homDelay: number;
  readonly sign: 'ex' | 'in' | 'mixed';
  private whole: SynapseTable | null = null;

  constructor(
    readonly blocks: readonly TableBlock[],
    /** Targets per block (the last may hold fewer). */
    readonly blockSize: number,
    readonly homAxonalDelay?: number,
  ) {
    const first = blocks[0].table;
    this.count = blocks.reduce((n, b) => n + b.table.count, 0);
    this.sourceCount = first.sourceCount;
    this.homWeight = first.homWeight;
    this.homDelay = first.homDelay;
    const signs = new Set(blocks.filter((b) => b.table.count > 0).map((b) => b.table.sign));
    this.sign = signs.size > 1 ? 'mixed' : signs.size === 1 ? [...signs][0] : first.sign;
  }

  get rowStart(): Uint32Array {
    return this.merged().rowStart;
  }
  get target(): TargetIndex {
    return this.merged().target;
  }
  get weight(): Float32Array | null {
    return this.blocks.some((b) => b.table.weight) ? this.merged().weight : null;
  }
  get delay(): Uint16Array | null {
    return this.blocks.some((b) => b.table.delay) ? this.merged().delay : null;
  }
  get axonalDelay(): Uint16Array | null | undefined {
    return this.blocks.some((b) => b.table.axonalDelay) ? this.merged().axonalDelay : this.homAxonalDelay === undefined ? undefined : null;
  }
  get params(): Readonly<Record<string, Float64Array>> | undefined {
    return this.blocks[0].table.params ? this.merged().params : undefined;
  }

  /** What one synapse of the blocks costs (index, weight, delay), without merging. */
  bytesPerSynapse(): number {
    const has = (get: (t: SynapseTable) => unknown) => this.blocks.some((b) => get(b.table));
    return 2 + (has((t) => t.weight) ? 4 : 0) + (has((t) => t.delay) ? 2 : 0);
  }

  /** Where merged synapse k lies: its block and its index there. */
  locate(k: number): { block: number; index: number } {
    const rowStart = this.rowStart;
    let lo = 0;
    let hi = this.sourceCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (rowStart[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    let o = k - rowStart[lo];
    for (let b = 0; b < this.blocks.length; b++) {
      const r = this.blocks[b].table.rowStart;
      const len = r[lo + 1] - r[lo];
      if (o < len) return { block: b, index: r[lo] + o };
      o -= len;
    }
    throw new RangeError(`synapse ${k} of ${this.count}`);
  }

  /** Per-synapse values of every block (one array per block, in its CSR order) in the merged CSR order. */
  mergeColumn<A extends Float32Array | Float64Array | Uint16Array>(parts: readonly A[], make: (n: number) => A): A {
    const out = make(this.count);
    let pos = 0;
    for (let s = 0; s < this.sourceCount; s++) {
      for (let b = 0; b < this.blocks.length; b++) {
        const r = this.blocks[b].table.rowStart;
        out.set(parts[b].subarray(r[s], r[s + 1]), pos);
        pos += r[s + 1] - r[s];
      }
    }
    return out;
  }

  private merged(): SynapseTable {
    if (this.whole) return this.whole;
    const { blocks, sourceCount, count } = this;
    const rowStart = new Uint32Array(sourceCount + 1);
    for (let s = 0; s < sourceCount; s++) {
      let n = 0;
      for (const b of blocks) n += b.table.rowStart[s + 1] - b.table.rowStart[s];
      rowStart[s + 1] = rowStart[s] + n;
    }
    const last = blocks[blocks.length - 1];
    const target: TargetIndex = last.start + last.targets <= 65536 ? new Uint16Array(count) : new Uint32Array(count);
    let pos = 0;
    for (let s = 0; s < sourceCount; s++) {
      for (const b of blocks) {
        const t = b.table;
        for (let k = t.rowStart[s]; k < t.rowStart[s + 1]; k++) target[pos++] = t.target[k] + b.start;
      }
    }
    const column = <A extends Float32Array | Float64Array | Uint16Array>(get: (t: SynapseTable) => A | null | undefined, make: (n: number) => A, fill: (t: SynapseTable) => number): A | null => {
      if (!blocks.some((b) => get(b.table))) return null;
      return this.mergeColumn(blocks.map((b) => get(b.table) ?? (make(b.table.count).fill(fill(b.table)) as A)), make);
    };
    const f32 = (n: number) => new Float32Array(n);
    const u16 = (n: number) => new Uint16Array(n);
    const names = Object.keys(blocks[0].table.params ?? {});
    const params = names.length ? Object.fromEntries(names.map((name) => [name, this.mergeColumn(blocks.map((b) => b.table.params![name]), (n) => new Float64Array(n))])) : undefined;
    this.whole = {
      rowStart, target, count, sourceCount, sign: this.sign, homWeight: this.homWeight, homDelay: this.homDelay,
      weight: column((t) => t.weight, f32, (t) => t.homWeight),
      delay: column((t) => t.delay, u16, (t) => t.homDelay),
      ...(this.homAxonalDelay !== undefined ? { homAxonalDelay: this.homAxonalDelay, axonalDelay: column((t) => t.axonalDelay, u16, (t) => t.homAxonalDelay ?? 0) } : {}),
      ...(params ? { params } : {}),
    };
    return this.whole;
  }
}

/** What one block's runtime is built from: its table, its targets and their part of the ring. */
function blockInfo(info: ProjectionInfo, b: TableBlock): ProjectionInfo {
  const t = info.target;
  const target: PopulationHandle = { id: t.id, eid: t.eid, model: t.model, size: t.size, firstGid: t.firstGid, localStart: t.localStart + b.start, localCount: b.targets, params: t.params };
  return { ...info, table: b.table, target, targetRing: info.targetRing.view(b.start) };
}

/**
 * One runtime over a blocked projection: a spike goes through every block's row, a post spike to its
 * block (in block-local indices), and weights, sizes and saved state are the blocks' together.
 */
export function blockedRuntime(table: BlockedTable, info: ProjectionInfo, create: (info: ProjectionInfo) => SynapseRuntime): SynapseRuntime {
  const parts = table.blocks.map((b) => create(blockInfo(info, b)));
  const blocks = table.blocks;
  const K = parts.length;
  const size = table.blockSize;
  const caps = parts.map((rt) => rt.capabilities ?? {});
  const batches = caps.every((c) => c.batch) ? caps.map((c) => c.batch!) : null;
  const postParts = parts.every((rt) => rt.onPostSpikes) ? parts.map((rt) => rt.onPostSpikes!.bind(rt)) : null;
  const postLists = blocks.map((b) => new Int32Array(Math.max(1, b.targets)));
  const postCounts = new Int32Array(K);
  const own = caps.some((c) => c.ownTable) ? new BlockedTable(blocks.map((b, i) => ({ ...b, table: caps[i].ownTable ?? b.table })), size, table.homAxonalDelay) : undefined;
  const shown = own ?? table;
  const weightAt = caps.every((c) => c.weightAt)
    ? (k: number) => {
        const { block, index } = shown.locate(k);
        return caps[block].weightAt!(index);
      }
    : undefined;
  const capabilities: SynapseCapabilities = {
    ...(batches ? { batch: (srcs: Int32Array, steps: Int32Array, count: number) => { for (let b = 0; b < K; b++) batches[b](srcs, steps, count); } } : {}),
    ...(own ? { ownTable: own } : {}),
    ...(weightAt ? { weightAt } : {}),
  };
  return {
    deliver(src: number, step: number) {
      for (let b = 0; b < K; b++) parts[b].deliver(src, step);
    },
    ...(postParts
      ? {
          onPostSpikes(spikes: Int32Array, count: number, step: number) {
            postCounts.fill(0);
            for (let k = 0; k < count; k++) {
              const b = Math.floor(spikes[k] / size);
              postLists[b][postCounts[b]++] = spikes[k] - b * size;
            }
            for (let b = 0; b < K; b++) postParts[b](postLists[b], postCounts[b], step);
          },
        }
      : {}),
    bytesPerSynapse() {
      let bytes = 0;
      for (let b = 0; b < K; b++) bytes += parts[b].bytesPerSynapse() * blocks[b].table.count;
      return table.count > 0 ? bytes / table.count : parts[0].bytesPerSynapse();
    },
    ...(parts.some((rt) => rt.neuronBytes) ? { neuronBytes: () => parts.reduce((n, rt) => n + (rt.neuronBytes?.() ?? 0), 0) } : {}),
    weights() {
      return shown.mergeColumn(parts.map((rt) => rt.weights()), (n) => new Float32Array(n));
    },
    saveState(): SavedState {
      return { blocks: parts.map((rt) => (rt.saveState?.() ?? {}) as SavedValue) as SavedValue };
    },
    loadState(state: SavedState) {
      const saved = state.blocks;
      if (!Array.isArray(saved) || saved.length !== K) throw new RangeError(`blocked projection ${info.id}: ${K} blocks here, ${Array.isArray(saved) ? saved.length : 'none'} saved`);
      parts.forEach((rt, b) => rt.loadState?.(saved[b] as SavedState));
    },
    capabilities,
  };
}
