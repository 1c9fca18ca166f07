import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Sha256, toHex } from '../../core/sha256.js';
import { platform as browserPlatform } from '../../core/platform-browser.js';

/** A deterministic byte source (xorshift32), so a failure names a reproducible input. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('pure SHA-256 (the browser platform)', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    const hex = (s: string) => toHex(new Sha256().update(new TextEncoder().encode(s)).digest());
    expect(hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('equals node:crypto on random inputs fed in random pieces, every length around the block edges', () => {
    const lengths = [...Array.from({ length: 140 }, (_, i) => i), 1000, 4095, 65536, 100_003];
    for (const [k, n] of lengths.entries()) {
      const data = bytes(n, 7 + k);
      const ours = browserPlatform.sha256();
      // Pieces of varying size, some empty, some crossing block boundaries.
      for (let at = 0, step = 1; at < n; step = (step * 7 + 3) % 97) {
        ours.update(data.subarray(at, Math.min(n, at + step)));
        at += step;
      }
      expect(toHex(ours.digest()), `length ${n}`).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('refuses to be updated after its digest', () => {
    const h = new Sha256();
    h.digest();
    expect(() => h.update(new Uint8Array(1))).toThrow(/update after digest/);
  });
});
