import { describe, it, expect } from 'vitest';
import { defineState, allocateState, stateBytes, viewOf, type Arena } from '../../index.js';

describe('state components', () => {
  const decl = defineState('test/state', {
    V: { unit: 'mV', initial: (p) => p.E_L },
    r: { type: 'i32' },
    g: { type: 'f32', initial: 0.5 },
    h: { initial: (_p, dt) => dt },
  });

  it('are allocated from their declaration: element types, initial values from the parameters and dt', () => {
    const s = allocateState(decl, 4, { E_L: -65 }, 0.25);
    expect(s.V).toBeInstanceOf(Float64Array);
    expect(s.r).toBeInstanceOf(Int32Array);
    expect(s.g).toBeInstanceOf(Float32Array);
    expect(Array.from(s.V)).toEqual([-65, -65, -65, -65]);
    expect(Array.from(s.g)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(s.h)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(stateBytes(s)).toBe(4 * (8 + 4 + 4 + 8));
  });

  it('live in an arena when one is given, in declaration order (a kernel\'s memory)', () => {
    const buffer = new ArrayBuffer(1024);
    const at: number[] = [];
    const arena: Arena = {
      allocate(type, length) {
        const offset = 128 * at.length;
        at.push(offset);
        return viewOf(type, buffer, offset, length);
      },
    };
    const s = allocateState(decl, 3, { E_L: -70 }, 0.1, arena);
    expect(at).toEqual([0, 128, 256, 384]);
    expect(s.V.buffer).toBe(buffer);
    expect(new Float64Array(buffer, 0, 3)).toEqual(Float64Array.of(-70, -70, -70));
    const short: Arena = { allocate: (type) => viewOf(type, new ArrayBuffer(64), 0, 1) };
    expect(() => allocateState(decl, 3, { E_L: 0 }, 0.1, short)).toThrow(/the arena gave 1 elements for 'V', 3 asked/);
  });
});
