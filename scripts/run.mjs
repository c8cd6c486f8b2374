// `npm start` and the other run commands: build dist/ if a source changed, then run one of its
// programs in this very process, e.g. `node scripts/run.mjs src/main.js all`.
//
// package.json runs this with `exec node scripts/run.mjs ...`, so the process npm starts is this one
// (without `exec`, sh stays between npm and node and a SIGTERM sent to npm never reaches the service).
// npm forwards SIGTERM and SIGINT to it, and the program sees the usual process.argv.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfNeeded, ROOT } from './build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('Usage: node scripts/run.mjs <program under dist/, e.g. src/main.js> [arguments]\n');
  process.exit(2);
}

buildIfNeeded();
const program = resolve(ROOT, 'dist', entry);
process.argv = [process.argv[0], program, ...args];
ignoreRepeatedSignals();
await import(pathToFileURL(program).href);

/**
 * Ctrl-C in a terminal reaches this process twice: from the terminal (the whole process group) and
 * from npm, which forwards SIGINT to its script. A program that handles the first (the service then
 * shuts down gracefully, within its own deadline) would be killed mid-shutdown by the second, since
 * Node's default for a signal nobody listens to is to exit at once. So once the program has handled a
 * signal, repeats of it are ignored; a signal the program does not handle exits as before (now with
 * the process's 'exit' handlers run).
 */
function ignoreRepeatedSignals() {
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15]]) {
    let handedOver = false;
    process.on(signal, () => {
      if (handedOver) return;
      if (process.listenerCount(signal) > 1) {
        handedOver = true; // the program's own listener runs next
        return;
      }
      process.exit(128 + number);
    });
  }
}
