// Builds dist/ from the TypeScript sources.
//   node scripts/build.mjs              always builds (npm run build)
//   node scripts/build.mjs --if-needed  builds only when dist/ is missing or older than a source
// scripts/run.mjs (npm start and the other commands) builds only when needed: tsc's own incremental
// check takes seconds even when nothing changed. A stamp written after each build records when.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
const SOURCES = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/** Whether a source changed since the last build (or nothing was built yet). */
export function buildIsStale() {
  return !existsSync(STAMP) || Math.max(...SOURCES.map((source) => newest(join(ROOT, source)))) > statSync(STAMP).mtimeMs;
}

/** Runs tsc and returns how long it took; exits the process with tsc's status when it fails. */
export function build() {
  const started = Date.now();
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`Build failed${result.signal ? ` (${result.signal})` : ''}\n`);
    process.exit(result.status ?? 1);
  }
  writeFileSync(STAMP, new Date().toISOString());
  return Date.now() - started;
}

export function buildIfNeeded() {
  if (!buildIsStale()) return;
  process.stderr.write('Building (first start, or a source changed since the last build)...\n');
  const ms = build();
  process.stderr.write(`Built in ${(ms / 1000).toFixed(1)} s\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--if-needed')) buildIfNeeded();
  else build();
}
