/**
 * One benchmark task in its own process: `node --import tsx/esm bench/task.ts <task> '<json options>'`.
 * The result is the last stdout line, prefixed by RESULT_MARK, so that the tasks' own prints do not disturb it.
 */
import { floorsTask, neuronUpdateTask, propagationTask, presetTask, helperTask } from './tasks.js';
import { RESULT_MARK } from './mark.js';

const tasks: Record<string, (opts: never) => unknown> = {
  floors: floorsTask,
  'neuron-update': neuronUpdateTask,
  propagation: propagationTask,
  preset: presetTask,
  helper: helperTask,
};

const [name, json] = process.argv.slice(2);
const task = tasks[name];
if (!task) {
  console.error(`unknown task '${name}': one of ${Object.keys(tasks).join(', ')}`);
  process.exit(2);
}
const result = await task(JSON.parse(json ?? '{}') as never);
process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(result)}\n`);
