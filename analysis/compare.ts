import { ks2samp, type KsResult } from './ks.js';
import { loadOutputFolder, type LoadedGroup, type LoadOptions } from './output.js';

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

/**
 * K-S comparison of two output folders, group by group: groups with the same label are paired; when no
 * label matches, groups are paired in order (the first with the first, ...).
 */
export function compareGroups(a: LoadedGroup[], b: LoadedGroup[]): GroupComparison[] {
  const pairs: [LoadedGroup, LoadedGroup][] = [];
  for (const ga of a) {
    const gb = b.find((x) => plainLabel(x.label) === plainLabel(ga.label));
    if (gb) pairs.push([ga, gb]);
  }
  if (!pairs.length) for (let i = 0; i < Math.min(a.length, b.length); i++) pairs.push([a[i], b[i]]);
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

export function compareFolders(dirA: string, dirB: string, optsA: LoadOptions = {}, optsB: LoadOptions = {}): GroupComparison[] {
  return compareGroups(loadOutputFolder(dirA, optsA), loadOutputFolder(dirB, optsB));
}
