/** Prefix of the result line a bench task prints (bench/task.ts writes it, bench/run.ts reads it). */
export const RESULT_MARK = '@@bench-result@@';
