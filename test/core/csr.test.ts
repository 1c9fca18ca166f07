import { describe, it, expect } from 'vitest';
import { EdgeBuffer } from '../../core/csr.js';
import { BlockedTable } from '../../core/blocks.js';
import { createSimulator } from '../../index.js';

/** Edges s -> t for every target t, sources cycling over `sources`, frozen into CSR. */
function frozen(sources: number, targets: number) {
  const b = new EdgeBuffer(sources, 0, targets);
  for (let t = 0; t < targets; t++) b.add(t % sources, t);
  return b.freeze(1, 10);
}

describe('CSR target index width', () => {
  it('16 bits up to 65536 local targets, the last index (65535) kept exactly', () => {
    const t = frozen(3, 65536);
    expect(t.target).toBeInstanceOf(Uint16Array);
    expect(t.target[t.rowStart[65535 % 3 + 1] - 1]).toBe(65535);
    expect(t.count).toBe(65536);
  });

  it('32 bits from 65537 local targets (index 65536 would wrap to 0 in 16 bits)', () => {
    const t = frozen(3, 65537);
    expect(t.target).toBeInstanceOf(Uint32Array);
    expect(t.target[t.rowStart[65536 % 3 + 1] - 1]).toBe(65536);
  });

  it('out-of-order targets (materialised while building) come out in the narrow width too, rows sorted', () => {
    const b = new EdgeBuffer(2, 0, 100);
    for (const [s, t] of [[0, 50], [1, 99], [0, 3], [1, 0], [0, 70]]) b.add(s, t);
    const t = b.freeze(1, 10);
    expect(t.target).toBeInstanceOf(Uint16Array);
    expect(Array.from(t.target)).toEqual([3, 50, 70, 0, 99]);
  });

  it('a scalar weight stored per synapse (plastic) in the bytes of the spent 32-bit source indices: the same table either way', () => {
    // 70000 sources need 32-bit indices; an exact reservation lets freeze take their buffer for the weights.
    const build = (exact: boolean) => {
      const b = new EdgeBuffer(70_000, 0, 50);
      if (exact) b.reserve(50 * 40);
      for (let t = 0; t < 50; t++) for (let k = 0; k < 40; k++) b.add((t * 7919 + k * 1741) % 70_000, t);
      b.fillWeight = 2.5;
      return b.freeze(2.5, 10);
    };
    const shared = build(true);
    const fresh = build(false);
    expect(shared.weight!.buffer.byteLength).toBe(4 * 2000);
    expect(Array.from(shared.weight!)).toEqual(new Array(2000).fill(2.5));
    expect(Array.from(shared.rowStart)).toEqual(Array.from(fresh.rowStart));
    expect(Array.from(shared.target)).toEqual(Array.from(fresh.target));
    expect(Array.from(fresh.weight!)).toEqual(Array.from(shared.weight!));
  });

  it('a spike reaches every neuron of a 65537-neuron population, the last one included (two 16-bit blocks)', () => {
    const sim = createSimulator({ seed: 1 });
    const driver = sim.create('iaf_psc_delta', 1, { I_e: 2000 });
    const wide = sim.create('iaf_psc_delta', 65537);
    const p = sim.connect(driver, wide, 'all_to_all', { weight: 30, delay: 1 })!;
    expect(p.table).toBeInstanceOf(BlockedTable);
    const blocks = (p.table as BlockedTable).blocks;
    expect(blocks.map((b) => [b.start, b.targets, b.table.target.constructor.name])).toEqual([[0, 65536, 'Uint16Array'], [65536, 1, 'Uint16Array']]);
    // Read as one table, the merged indices need 32 bits.
    expect(p.table.target).toBeInstanceOf(Uint32Array);
    expect(p.table.target[65536]).toBe(65536);
    expect(p.bytesPerSynapse()).toBe(2);
    const rec = sim.create('spike_recorder');
    sim.connect(wide.slice(65535, 65537), rec);
    sim.simulate(20);
    const driverSpikes = sim.spikeCounts()[driver.id];
    expect(driverSpikes).toBeGreaterThan(0);
    const senders = Array.from(rec.events<{ senders: Int32Array }>().senders);
    // Each neuron of the two watched fires once per driver spike that arrived in time; both see the same.
    const last = senders.filter((g) => g === wide.firstGid + 65536).length;
    expect(last).toBeGreaterThan(0);
    expect(last).toBe(senders.filter((g) => g === wide.firstGid + 65535).length);
    expect(sim.spikeCounts()[wide.id]).toBe(65537 * last);
  });
});

describe('a split delay in the table', () => {
  it('each edge keeps its axonal part beside its total delay, in order and out of order', () => {
    for (const edges of [[[0, 1], [1, 1], [0, 4], [2, 5]], [[0, 50], [1, 99], [0, 3], [1, 0], [2, 70], [0, 3]]]) {
      const b = new EdgeBuffer(3, 0, 100);
      // total and axonal part as functions of the edge, so that the frozen slot can be checked against its edge
      let axonal = 0;
      b.delayOf = (t, i) => {
        axonal = (t * 7 + i) % 5;
        return axonal + 1 + (t % 3);
      };
      b.axonalOf = () => axonal;
      edges.forEach(([s, t], i) => b.add(s, t, i));
      const table = b.freeze(1, 0);
      expect(table.count).toBe(edges.length);
      const seen: string[] = [];
      for (let s = 0; s < 3; s++) {
        for (let k = table.rowStart[s]; k < table.rowStart[s + 1]; k++) {
          const t = table.target[k];
          const a = table.axonalDelay![k];
          expect(table.delay![k] - a).toBe(1 + (t % 3));
          seen.push(`${s}->${t}:${a}`);
        }
      }
      const want = edges.map(([s, t], i) => `${s}->${t}:${(t * 7 + i) % 5}`);
      expect(seen.sort()).toEqual(want.sort());
    }
  });
});
