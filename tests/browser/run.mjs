// Runs the browser tests of the web console (CTest: browser_console_test) when what they need is
// here, and otherwise says what is missing and exits 77, which CTest reports as skipped.
// scripts/test.sh installs chromium, node and the node packages, so there they always run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const skip = 77;
const here = path.dirname(fileURLToPath(import.meta.url));
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

function skip_because(why, remedy) {
  console.log(`SKIPPED: ${why}\n  remedy: ${remedy}`);
  process.exit(skip);
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 18) skip_because(`node ${process.versions.node} is too old for the browser tests (18 or newer)`, 'install node 18+ (Debian 12: apt-get install nodejs npm), or run scripts/test.sh');
try {
  accessSync(chromium, constants.X_OK);
} catch {
  skip_because(`no chromium at ${chromium}`, 'apt-get install -y --no-install-recommends chromium (or set CHROMIUM to its path), or run scripts/test.sh');
}
if (!existsSync(path.join(here, 'node_modules', 'playwright-core', 'package.json'))) {
  skip_because(`playwright-core is not installed in ${path.join(here, 'node_modules')}`, `cd ${here} && npm ci --no-audit --no-fund (or run scripts/test.sh)`);
}

const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', path.join(here, 'console.test.mjs')], { stdio: 'inherit' });
process.exit(result.status ?? 1);
