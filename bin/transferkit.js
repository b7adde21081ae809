#!/usr/bin/env node
// The transferkit CLI: the compiled JavaScript in dist/ (built by `npm run build`, which
// `npm ci`, `npm test` and `npm pack` run).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('transferkit: the compiled CLI (dist/) is missing; run `npm run build` in the transferkit folder.\n');
  process.exit(1);
}
await import(main.href);
