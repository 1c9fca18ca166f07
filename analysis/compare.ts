import { SpikeworksError } from '../core/errors.js';
import { ks2samp, type KsResult } from './ks.js';
import { loadOutputFolder, type LoadedGroup, type LoadOptions } from './folder.js';

export type { LoadedGroup, LoadOptions } from './folder.js';

export interface GroupComparison {
  labelA: string;
  labelB: string;
  rate: KsResult;
  isi: KsResult;
  cv_isi: KsResult;
  means: { a: { rate: number; isi: number; cv: number }; b: { rate: number; isi: number; cv: number } };
}

/** Strip the prefix spikeworks puts on spike file labels, so `spikes_E` pairs with a NEST file labelled `E`. */
function plainLabel(l: string): string {
  return l.replace(/^spikes_/, '');
}

function fmt(t: number): string {
  return String(Math.round(t * 1000) / 1000);
}

/** A group with no neurons, or no spike in its window, has no distribution to compare: refuse it. */
function checkComparable(g: LoadedGroup): void {
  const s = g.stats;
  const [t0, t1] = s.windowMs;
  if (!(t1 > t0)) throw new SpikeworksError(`group ${g.label} (${g.source}): empty window (${fmt(t0)}, ${fmt(t1)}] ms`);
  if (s.gids.length === 0) throw new SpikeworksError(`group ${g.label} (${g.source}): no neurons: nothing to compare`);
  let spikes = 0;
  for (let k = 0; k < s.counts.length; k++) spikes += s.counts[k];
  if (spikes === 0) {
    throw new SpikeworksError(`group ${g.label} (${g.source}): no spikes in the window (${fmt(t0)}, ${fmt(t1)}] ms among its ${s.gids.length} neurons: nothing to compare (check --t-start/--t-stop)`);
  }
}

/**
 * K-S comparison of two output folders, group by group: groups with the same label are paired; when no
 * label matches, groups are paired in order (the first with the first, ...). A paired group without neurons
 * or without spikes in its window is refused (its K-S test would say D = 0, p = 1).
 */
export function compareGroups(a: LoadedGroup[], b: LoadedGroup[]): GroupComparison[] {
  const pairs: [LoadedGroup, LoadedGroup][] = [];
  for (const ga of a) {
    const gb = b.find((x) => plainLabel(x.label) === plainLabel(ga.label));
    if (gb) pairs.push([ga, gb]);
  }
  if (!pairs.length) for (let i = 0; i < Math.min(a.length, b.length); i++) pairs.push([a[i], b[i]]);
  for (const [ga, gb] of pairs) {
    checkComparable(ga);
    checkComparable(gb);
  }
  return pairs.map(([ga, gb]) => ({
    labelA: ga.label,
    labelB: gb.label,
    rate: ks2samp(ga.stats.rates, gb.stats.rates),
    isi: ks2samp(ga.stats.isis, gb.stats.isis),
    cv_isi: ks2samp(ga.stats.cvs, gb.stats.cvs),
    means: {
      a: { rate: ga.stats.rateMean, isi: ga.stats.isiMean, cv: ga.stats.cvMean },
      b: { rate: gb.stats.rateMean, isi: gb.stats.isiMean, cv: gb.stats.cvMean },
    },
  }));
}

/**
 * Compare two output folders (loadOutputFolder: spikeworks folders, whose run must be complete unless
 * `allowIncomplete`, or folders of NEST spike files).
 */
export function compareFolders(dirA: string, dirB: string, optsA: LoadOptions = {}, optsB: LoadOptions = optsA): GroupComparison[] {
  return compareGroups(loadOutputFolder(dirA, optsA), loadOutputFolder(dirB, optsB));
}
