#!/usr/bin/env node
// The CLI is compiled TypeScript; `npm ci` builds it through the `prepare` script.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "dvbench: the compiled CLI is missing (dist/). Run 'npm ci' or 'npm run build' in the dvbench folder.\n",
  );
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
// The command is done: a stray socket or timer (e.g. a dead target's retries) must not keep
// the process alive. The timer is unref'd, so a clean exit happens at once without it.
setTimeout(() => process.exit(), 2000).unref();
