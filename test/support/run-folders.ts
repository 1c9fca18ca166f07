import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An output folder's run.json, or null while there is none (or it is being replaced). */
export function manifest(dir: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Poll until `what` holds (every 20 ms), or fail after `ms`. */
export async function until(what: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!what()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
