import type { Plugin } from '../../core/plugin.js';
import { fixedIndegree } from './fixed_indegree.js';
import { fixedOutdegree } from './fixed_outdegree.js';
import { fixedTotalNumber } from './fixed_total_number.js';
import { allToAll } from './all_to_all.js';
import { oneToOne } from './one_to_one.js';
import { pairwiseBernoulli } from './pairwise_bernoulli.js';

export { fixedIndegree, fixedOutdegree, fixedTotalNumber, allToAll, oneToOne, pairwiseBernoulli };
export const connectionPlugins: readonly Plugin[] = [allToAll, oneToOne, fixedIndegree, fixedOutdegree, fixedTotalNumber, pairwiseBernoulli];
