import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message, tableFromArrays, tableToIPC } from 'apache-arrow';
import { createSimulator, type Device } from '../../index.js';
import type { SpikeRecorderRuntime, SpikeEvents } from '../../plugins/recorders/spike_recorder.js';
import { ChunkedFile, binaryHeader } from '../../plugins/recorders/files.js';
import { ArrowSpikeWriter } from '../../plugins/recorders/arrow.js';
import { readSpikeFileChunks, readSpikeFile, readNestAscii, parseNestAscii, readColumnFileChunks, NEST_ASCII_HEADER, SpikeFileError, type SpikeChunk } from '../../analysis/spikefile.js';

let dir: string;
let files: { ascii: string; binary: string; arrow: string; arrowBatches: string };
let ref: SpikeEvents;
let n = 0;
const tmp = (name: string, data: string | Uint8Array) => {
  const p = join(dir, `t${n++}-${name}`);
  writeFileSync(p, data);
  return p;
};
const err = (f: () => unknown): SpikeFileError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpikeFileError);
    return e as SpikeFileError;
  }
  throw new Error('expected a SpikeFileError');
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spikeworks-sf-'));
  const sim = createSimulator({ seed: 4, dt: 0.1 });
  const pop = sim.create('iaf_psc_exp', 60);
  const noise = sim.create('poisson_generator', 1, { rate: 20000 });
  sim.connect(noise, pop, 'all_to_all', { weight: 45, delay: 1 });
  const mem = sim.create('spike_recorder');
  const ascii = sim.create('spike_recorder', 1, { record_to: 'ascii', path: dir });
  const bin = sim.create('spike_recorder', 1, { record_to: 'binary', path: dir });
  const arrow = sim.create('spike_recorder', 1, { record_to: 'arrow', path: dir });
  for (const r of [mem, ascii, bin, arrow]) sim.connect(pop, r);
  sim.simulate(200);
  sim.close();
  const fn = (d: Device) => (d.runtime as SpikeRecorderRuntime).filename!;
  ref = mem.events<SpikeEvents>();
  // The same spikes as an Arrow stream of many small record batches, as a long run writes it.
  const many = join(dir, 'batches.arrow');
  const w = new ArrowSpikeWriter(new ChunkedFile(many, 'test', true), 300);
  const steps = Int32Array.from(ref.times, (t) => Math.round(t / 0.1) - 1);
  w.push(ref.senders, steps, ref.senders.length, 0.1);
  w.close();
  files = { ascii: fn(ascii), binary: fn(bin), arrow: fn(arrow), arrowBatches: many };
});

describe('readSpikeFileChunks: the three formats', () => {
  it('reads every format back to the recorded spikes, chunk by chunk, in file order', () => {
    expect(ref.senders.length).toBeGreaterThan(1000);
    for (const [k, f] of Object.entries(files)) {
      const chunks: SpikeChunk[] = [];
      const r = readSpikeFileChunks(f, (c) => chunks.push(c), { chunkBytes: 1000 });
      expect(r.format).toBe(k === 'arrowBatches' ? 'arrow' : k);
      expect(r.count).toBe(ref.senders.length);
      // Bounded chunks: several calls, each with exact-length arrays.
      expect(chunks.length).toBeGreaterThan(k === 'arrow' ? 0 : 3);
      for (const c of chunks) {
        expect(c.senders.length).toBe(c.count);
        expect(c.times.length).toBe(c.count);
      }
      const all = readSpikeFile(f);
      expect(Array.from(all.senders)).toEqual(Array.from(ref.senders));
      const tol = k === 'ascii' ? 5e-4 : 0;
      for (let i = 0; i < ref.times.length; i++) expect(Math.abs(all.times[i] - ref.times[i])).toBeLessThanOrEqual(tol);
    }
  });

  it('header-only files are valid (0 spikes); NEST 2 .gdf rows and CRLF read', () => {
    expect(readSpikeFileChunks(tmp('h.dat', NEST_ASCII_HEADER), () => {})).toEqual({ count: 0, format: 'ascii' });
    expect(readSpikeFileChunks(tmp('h.bin', binaryHeader(7, 0.1)), () => {})).toEqual({ count: 0, format: 'binary' });
    // An Arrow writer that was opened and never closed: schema and an empty batch.
    const p = join(dir, 'open.arrow');
    const w = new ArrowSpikeWriter(new ChunkedFile(p, 'test', true));
    void w;
    expect(readSpikeFileChunks(p, () => {})).toEqual({ count: 0, format: 'arrow' });
    const g = readSpikeFile(tmp('x.gdf', '12\t3.4\t\n15   7.25\n'));
    expect(g.format).toBe('gdf');
    expect(Array.from(g.senders)).toEqual([12, 15]);
    expect(Array.from(g.times)).toEqual([3.4, 7.25]);
    expect(Array.from(readNestAscii(tmp('crlf.dat', '# c\r\nsender\ttime_ms\r\n3\t1.5\r\n')).times)).toEqual([1.5]);
    expect(Array.from(parseNestAscii('12\t3.4\n15   7.25\n').times)).toEqual([3.4, 7.25]);
    // A UTF-8 byte-order mark (a file saved by an editor) is not content.
    expect(Array.from(readNestAscii(tmp('bom.dat', Buffer.from('\ufeff# x\nsender\ttime_ms\n3\t1.5\n', 'utf8'))).senders)).toEqual([3]);
  });

  it('reads an Arrow IPC file (not only the stream format)', () => {
    const t = tableFromArrays({ sender: Int32Array.of(4, 5), time_ms: Float64Array.of(1.5, 2.5) });
    const r = readSpikeFile(tmp('f.arrow', tableToIPC(t, 'file')));
    expect(Array.from(r.senders)).toEqual([4, 5]);
    expect(Array.from(r.times)).toEqual([1.5, 2.5]);
    const f = tableToIPC(t, 'file');
    expect(() => readSpikeFile(tmp('f.arrow', f.subarray(0, f.length - 3)))).toThrow(/the Arrow stream ends in the middle of an Arrow IPC file/);
  });
});

describe('readSpikeFileChunks: refuses corrupt files with the file, the place and the problem', () => {
  it('an empty file', () => {
    for (const ext of ['dat', 'bin', 'arrow', 'gdf']) {
      const p = tmp(`empty.${ext}`, '');
      const e = err(() => readSpikeFileChunks(p, () => {}));
      expect(e.message).toContain(p);
      expect(e.message).toMatch(/empty file \(0 bytes: not even a header\)/);
    }
  });

  it('junk lines: the line number and the line', () => {
    const p = tmp('junk.dat', `${NEST_ASCII_HEADER}1\t2.000\n2\t3.000\nhello world\n3\t4.000\n`);
    const e = err(() => readSpikeFile(p));
    expect(e.message).toBe(`${p}, line 6: expected 2 numeric fields (sender, time_ms), got "hello world" (sender "hello" is not a number)`);
    expect(err(() => readSpikeFile(tmp('j1.dat', `${NEST_ASCII_HEADER}1\t2.0\n17\n`))).message).toMatch(/line 5: expected 2 numeric fields .* got "17"/);
    expect(err(() => readSpikeFile(tmp('j2.dat', `${NEST_ASCII_HEADER}1\t2.0\t5\n`))).message).toMatch(/line 4: expected 2 numeric fields/);
    expect(err(() => readSpikeFile(tmp('j3.dat', `${NEST_ASCII_HEADER}1\tabc\n`))).message).toMatch(/line 4: expected 2 numeric fields \(sender, time_ms\), got "1\\tabc" \(time "abc" is not a number\)/);
    expect(err(() => readSpikeFile(tmp('j4.gdf', `1 2.0\nfoo bar\n`))).message).toMatch(/line 2: expected 2 numeric fields \(sender, time_ms\), got "foo bar"/);
    expect(err(() => readSpikeFile(tmp('j5.dat', `hello there\n1\t2.0\n`))).message).toMatch(/line 1: expected a spike row \(gid, time\) or the column line/);
    expect(err(() => readSpikeFile(tmp('j6.dat', `# RecordingBackendASCII version: 2\n1\t2.0\n`))).message).toMatch(/line 2: NEST ASCII header without its column line/);
    expect(err(() => readSpikeFile(tmp('mm.dat', `# x\nsender\ttime_ms\tV_m\n1\t2.0\t-70\n`))).message).toMatch(/line 2: columns sender, time_ms, V_m: a recorder file with values/);
    expect(err(() => readSpikeFile(tmp('c.dat', `# only a comment\n`))).message).toMatch(/no spike rows and no column line/);
  });

  it('negative or non-integer senders, non-finite times', () => {
    expect(err(() => readSpikeFile(tmp('neg.dat', `${NEST_ASCII_HEADER}-3\t1.0\n`))).message).toMatch(/line 4: sender -3 is not a node id/);
    expect(err(() => readSpikeFile(tmp('frac.dat', `${NEST_ASCII_HEADER}1.5\t1.0\n`))).message).toMatch(/line 4: sender 1.5 is not a node id/);
    for (const t of ['nan', 'inf', '-Infinity', '1e400']) {
      expect(err(() => readSpikeFile(tmp('nf.dat', `${NEST_ASCII_HEADER}2\t1.0\n3\t${t}\n`))).message).toMatch(new RegExp(`line 5: time ${t.replace('+', '\\+')} is not finite`));
    }
    const b = new Uint8Array(32 + 16);
    b.set(binaryHeader(9, 0.1));
    new DataView(b.buffer).setInt32(40, -1, true);
    expect(err(() => readSpikeFile(tmp('neg.bin', b))).message).toMatch(/, byte 40: sender -1 of record 1 is negative/);
    const t = tableFromArrays({ sender: Int32Array.of(4, -5), time_ms: Float64Array.of(1.5, 2.5) });
    expect(err(() => readSpikeFile(tmp('neg.arrow', tableToIPC(t, 'stream')))).message).toMatch(/sender -5 of row 1 is not a node id/);
    const u = tableFromArrays({ sender: Int32Array.of(4), time_ms: Float64Array.of(NaN) });
    expect(err(() => readSpikeFile(tmp('nan.arrow', tableToIPC(u, 'stream')))).message).toMatch(/time NaN of row 0 is not finite/);
    const v = tableFromArrays({ gid: Int32Array.of(4), t: Float64Array.of(1) });
    expect(err(() => readSpikeFile(tmp('cols.arrow', tableToIPC(v, 'stream')))).message).toMatch(/the Arrow schema has columns gid, t, expected sender and time_ms/);
  });

  it('random bytes: neither text nor a known binary format', () => {
    let x = 12345;
    const bytes = Uint8Array.from({ length: 4096 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    for (const ext of ['dat', 'gdf', 'txt']) {
      const e = err(() => readSpikeFile(tmp(`rnd.${ext}`, bytes)));
      expect(e.message).toMatch(/line 1: byte 0x[0-9a-f]{2} is not text: not a spike file/);
    }
    expect(err(() => readSpikeFile(tmp('rnd.bin', bytes))).message).toMatch(/byte 0: not a spikeworks binary spike file \(magic/);
    expect(err(() => readSpikeFile(tmp('rnd.arrow', Uint8Array.of(0xff, 0xff, 0xff, 0xff, 16, 0, 0, 0, ...bytes.subarray(0, 100))))).message).toMatch(/corrupt Arrow IPC message/);
  });

  it('truncation: a text file whose last line has no newline (several byte offsets of a real file)', () => {
    const full = readFileSync(files.ascii);
    const headerEnd = NEST_ASCII_HEADER.length;
    const offsets = [1, 10, headerEnd - 1, headerEnd + 1, headerEnd + 5, full.length - 1];
    for (let o = headerEnd + 7; o < full.length; o += 997) offsets.push(o);
    let refused = 0;
    for (const o of offsets) {
      const p = tmp('cut.dat', full.subarray(0, o));
      if (full[o - 1] === 10) {
        // Cut right after a newline: a valid, shorter file.
        const r = readSpikeFile(p);
        expect(Array.from(r.senders)).toEqual(Array.from(ref.senders.subarray(0, r.senders.length)));
        continue;
      }
      const e = err(() => readSpikeFile(p, { chunkBytes: 256 }));
      const line = full.subarray(0, o).toString('latin1').split('\n').length;
      expect(e.message).toMatch(new RegExp(`, line ${line}: the file ends in the middle of (a record|its header): last line ".*" has no newline \\(truncated`));
      refused++;
    }
    expect(refused).toBeGreaterThan(offsets.length - 3);
    expect(() => parseNestAscii('12\t3.4\n15 7.2')).toThrow(/line 2: the file ends in the middle of a record: last line "15 7.2" has no newline/);
  });

  it('truncation: a binary file whose size is not header + 8·k', () => {
    const full = readFileSync(files.binary);
    for (const o of [3, 8, 31]) expect(err(() => readSpikeFile(tmp('cut.bin', full.subarray(0, o)))).message).toMatch(new RegExp(`byte ${o}: truncated spikeworks binary file: ${o} of the 32 header bytes`));
    for (const o of [33, 39, 32 + 8 * 100 + 5, full.length - 1]) {
      const k = Math.floor((o - 32) / 8);
      const e = err(() => readSpikeFile(tmp('cut.bin', full.subarray(0, o))));
      expect(e.message).toContain(`byte ${32 + 8 * k}: the file ends in the middle of a record: ${o} bytes is not 32 + 8·k (${k} whole records, then ${(o - 32) % 8} of 8 bytes)`);
    }
    const r = readSpikeFile(tmp('cut.bin', full.subarray(0, 32 + 8 * 100)));
    expect(Array.from(r.senders)).toEqual(Array.from(ref.senders.subarray(0, 100)));
  });

  it('truncation: an Arrow stream that ends inside a message; cut between batches it still reads', () => {
    const full = readFileSync(files.arrowBatches);
    // Message boundaries: walk the stream's framing.
    const v = new DataView(full.buffer, full.byteOffset, full.byteLength);
    const bounds: number[] = [];
    for (let o = 0; o < full.length; ) {
      const len = v.getInt32(o + 4, true);
      if (len === 0) break;
      // Body length: read the message with the reader itself (schema: 0; batches: rows · 12 bytes, padded).
      let body = 0;
      const meta = full.subarray(o + 8, o + 8 + len);
      body = Number(Message.decode(meta).bodyLength);
      o += 8 + len + body;
      bounds.push(o);
    }
    expect(bounds.length).toBeGreaterThan(5);
    const offsets = [2, 6, 50, bounds[0] - 1, bounds[0] + 3, bounds[0] + 12, bounds[1] + 100, bounds[3] - 1, full.length - 4, full.length - 1];
    for (const o of offsets) {
      const e = err(() => readSpikeFile(tmp('cut.arrow', full.subarray(0, o))));
      expect(e.message).toMatch(/byte \d+: the Arrow stream ends in the middle of (a message prefix|message \d+'s metadata|record batch \d+|a message) \(\d+ bytes; truncated/);
    }
    // Cut at a batch boundary (an interrupted run without the end marker): the whole batches.
    const r = readSpikeFile(tmp('cut.arrow', full.subarray(0, bounds[3])));
    expect(r.senders.length).toBeGreaterThan(0);
    expect(Array.from(r.senders)).toEqual(Array.from(ref.senders.subarray(0, r.senders.length)));
  });
});

describe('dropTruncatedEnd: an interrupted run\'s partial last record left out', () => {
  it('text, binary and Arrow: the whole records before the cut, and how many bytes were dropped', () => {
    const asc = readFileSync(files.ascii);
    const cutAt = asc.indexOf(10, 5000) + 4; // 3 bytes into a record
    const a = readSpikeFile(tmp('d.dat', asc.subarray(0, cutAt)), { dropTruncatedEnd: true, chunkBytes: 300 });
    expect(a.droppedBytes).toBe(3);
    expect(Array.from(a.senders)).toEqual(Array.from(ref.senders.subarray(0, a.senders.length)));
    expect(a.senders.length).toBe(asc.subarray(0, cutAt).toString('latin1').split('\n').length - 4);
    const bin = readFileSync(files.binary);
    const b = readSpikeFile(tmp('d.bin', bin.subarray(0, 32 + 8 * 50 + 5)), { dropTruncatedEnd: true });
    expect(b.droppedBytes).toBe(5);
    expect(Array.from(b.senders)).toEqual(Array.from(ref.senders.subarray(0, 50)));
    const arr = readFileSync(files.arrowBatches);
    const c = readSpikeFile(tmp('d.arrow', arr.subarray(0, Math.floor(arr.length / 2))), { dropTruncatedEnd: true });
    expect(c.droppedBytes).toBeGreaterThan(0);
    expect(c.senders.length % 300).toBe(0);
    expect(Array.from(c.senders)).toEqual(Array.from(ref.senders.subarray(0, c.senders.length)));
    // Still strict about everything else: junk, a cut header, a cut schema.
    expect(() => readSpikeFile(tmp('d2.dat', `${NEST_ASCII_HEADER}1\t2.0\nx y\n3\t4`), { dropTruncatedEnd: true })).toThrow(/line 5: expected 2 numeric fields/);
    expect(() => readSpikeFile(tmp('d3.dat', '# NEST version: spikeworks\n# Recor'), { dropTruncatedEnd: true })).toThrow(/ends in the middle of its header/);
    expect(() => readSpikeFile(tmp('d4.arrow', arr.subarray(0, 40)), { dropTruncatedEnd: true })).toThrow(/ends in the middle of message 1's metadata/);
    expect(readSpikeFile(files.ascii, { dropTruncatedEnd: true }).droppedBytes).toBeUndefined();
  });
});

describe('readColumnFileChunks (multimeter files)', () => {
  it('reads NEST ASCII multimeter columns and refuses truncation', () => {
    const text = '# NEST version: spikeworks\nsender\ttime_ms\tV_m\n1\t0.1\t-70\n2\t0.1\t-65.5\n';
    const got: number[] = [];
    const r = readColumnFileChunks(tmp('mm.dat', text), (c) => got.push(...c.columns[2]));
    expect(r).toEqual({ count: 2, names: ['sender', 'time_ms', 'V_m'] });
    expect(got).toEqual([-70, -65.5]);
    expect(() => readColumnFileChunks(tmp('mm.dat', text.slice(0, -2)), () => {})).toThrow(/line 4: the file ends in the middle of a record/);
    expect(() => readColumnFileChunks(tmp('mm.dat', text + '3\t0.1\n'), () => {})).toThrow(/line 5: expected 3 fields/);
  });
});
