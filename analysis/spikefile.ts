import { readFileSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';

/**
 * NEST's ASCII recording backend format for spike_recorder (NEST 3.x): two comment lines, a header line,
 * then one `sender<TAB>time_ms` row per spike, times with 3 decimals (the same lines spike_recorder's
 * record_to 'ascii' writes). Files are named `<label>-<device id>-<virtual process>.dat`, the device id
 * zero-padded to the digits of the node count as NEST does.
 */
export const NEST_ASCII_HEADER = '# NEST version: spikeworks\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n';

export function nestAsciiFileName(label: string, deviceGid: number, nodeCount = deviceGid, vp = 0): string {
  return `${label}-${String(deviceGid).padStart(String(Math.max(nodeCount, deviceGid)).length, '0')}-${vp}.dat`;
}

/** Write spikes in NEST ASCII format, in chunks so millions of spikes never build one giant string. */
export function writeNestAscii(path: string, senders: ArrayLike<number>, times: ArrayLike<number>, precision = 3): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, NEST_ASCII_HEADER);
    const chunk = 65536;
    for (let i = 0; i < senders.length; i += chunk) {
      const end = Math.min(senders.length, i + chunk);
      let s = '';
      for (let k = i; k < end; k++) s += `${senders[k]}\t${times[k].toFixed(precision)}\n`;
      writeSync(fd, s);
    }
  } finally {
    closeSync(fd);
  }
}

export interface SpikeRecord {
  senders: Int32Array;
  times: Float64Array;
}

/**
 * Read a spike file written by NEST (3.x ASCII backend; also NEST 2.x `.gdf` files, which have no header:
 * `gid time` rows separated by whitespace) or by spikeworks.
 */
export function readNestAscii(path: string): SpikeRecord {
  return parseNestAscii(readFileSync(path, 'utf8'));
}

export function parseNestAscii(text: string): SpikeRecord {
  const senders: number[] = [];
  const times: number[] = [];
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    const line = text.slice(pos, end).trim();
    pos = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    const gid = Number(parts[0]);
    const t = Number(parts[1]);
    // The column header (sender, time_ms) and anything else that is not numeric.
    if (!Number.isFinite(gid) || !Number.isFinite(t)) continue;
    senders.push(gid);
    times.push(t);
  }
  return { senders: Int32Array.from(senders), times: Float64Array.from(times) };
}

export function writeText(path: string, text: string): void {
  writeFileSync(path, text);
}
