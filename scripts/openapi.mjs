// The OpenAPI document, built in-process (no database, Redis or server needed), and its checks.
//   npm run openapi          writes dist/openapi.json (what GET /api/docs-json serves)
//   npm run openapi:lint     ... and lints it: Redocly CLI, redocly.yaml (recommended rules, warnings
//                            count as errors; .redocly.lint-ignore.yaml lists what is ignored and why)
//   npm run openapi:check    ... and generates TypeScript types from it with openapi-typescript
//                            (test/openapi-client/generated, not committed) and compiles
//                            test/openapi-client/client-check.ts against them (tsc, no emit); npm test runs it
// Offline: Redocly's telemetry and update notice are off, and every reference is inside the document.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfNeeded, ROOT } from './build.mjs';

const OUT = join(ROOT, 'dist', 'openapi.json');
const TYPES = join(ROOT, 'test', 'openapi-client', 'generated', 'api.d.ts');
const bin = (pkg, file) => join(ROOT, 'node_modules', pkg, file);

function run(label, args) {
  const started = Date.now();
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: ROOT, env });
  if (result.status !== 0) {
    process.stderr.write(`openapi: ${label} failed\n`);
    process.exit(result.status ?? 1);
  }
  process.stderr.write(`openapi: ${label} ok (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

const started = Date.now();
buildIfNeeded();
const { buildApiDocument } = await import(join(ROOT, 'dist', 'src', 'openapi-document.js'));
const document = await buildApiDocument();
mkdirSync(join(ROOT, 'dist'), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(document, null, 2)}\n`);
const count = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length, 0);
process.stderr.write(`openapi: wrote dist/openapi.json (${count} operations)\n`);

const check = process.argv.includes('--check');
if (check || process.argv.includes('--lint')) {
  run('redocly lint', [bin('@redocly/cli', 'bin/cli.js'), 'lint', '--config', join(ROOT, 'redocly.yaml'), OUT]);
}
if (check) {
  mkdirSync(join(ROOT, 'test', 'openapi-client', 'generated'), { recursive: true });
  run('openapi-typescript', [bin('openapi-typescript', 'bin/cli.js'), OUT, '--output', TYPES, '--redocly', join(ROOT, 'test', 'openapi-client', 'redocly.yaml'), '--silent']);
  run('tsc (test/openapi-client)', [bin('typescript', 'bin/tsc'), '-p', join(ROOT, 'test', 'openapi-client', 'tsconfig.json')]);
}
process.stderr.write(`openapi: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
