#!/usr/bin/env node
// `npm run demo`: builds dist/ if it is missing or older than its sources, then runs
// examples/emscripten-demo.mjs (or the examples named on the command line).
//
//   node examples/run-demo.mjs                       the Emscripten demo
//   node examples/run-demo.mjs plain-wasm worker-threads
//   node examples/run-demo.mjs --all                 every Node example
//
// Exits with the first failing example's exit code (1 if the build fails).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const examplesDir = dirname(fileURLToPath(import.meta.url))
const root = dirname(examplesDir)
const nodeExamples = ['emscripten-demo', 'plain-wasm', 'worker-threads']

/** Newest modification time (ms) of the files under `path`, or 0 if it does not exist. */
function newestMtime(path) {
	if (!existsSync(path)) return 0
	const stats = statSync(path)
	if (!stats.isDirectory()) return stats.mtimeMs
	let newest = 0
	for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
	return newest
}

/** Oldest modification time of the build outputs, or 0 if one is missing. */
function oldestOutput() {
	const outputs = ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts'].map((file) => join(root, file))
	return outputs.every((file) => existsSync(file)) ? Math.min(...outputs.map((file) => statSync(file).mtimeMs)) : 0
}

function buildIfStale() {
	const inputs = ['src', 'generated', 'rollup.config.mjs', 'tsconfig.build.json', 'package.json']
	const newestInput = Math.max(...inputs.map((path) => newestMtime(join(root, path))))
	if (oldestOutput() > newestInput) return

	console.log('demo: building dist/ (npm run build) ...')
	// Under `npm run`, npm_execpath is npm's own CLI script: run it with this node, no shell needed.
	const npmCli = process.env.npm_execpath
	const [command, args] = npmCli && /npm-cli\.c?js$/.test(npmCli)
		? [process.execPath, [npmCli, 'run', 'build']]
		: [process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']]
	const result = spawnSync(command, args, {
		cwd: root,
		encoding: 'utf8',
		shell: process.platform === 'win32' && command === 'npm.cmd',
	})
	if (result.status !== 0) {
		// Show the build's own output only when it failed.
		process.stdout.write(result.stdout ?? '')
		process.stderr.write(result.stderr ?? '')
		console.error(`demo: the build failed (${result.error?.message ?? `exit code ${result.status}`})`)
		process.exit(1)
	}
}

function selectedExamples() {
	const args = process.argv.slice(2)
	if (args.includes('--all')) return nodeExamples
	if (args.length === 0) return ['emscripten-demo']
	for (const name of args) {
		if (!nodeExamples.includes(name.replace(/\.mjs$/, ''))) {
			console.error(`demo: unknown example "${name}"; choose from ${nodeExamples.join(', ')} or --all`)
			process.exit(2)
		}
	}
	return args.map((name) => name.replace(/\.mjs$/, ''))
}

const examples = selectedExamples()
buildIfStale()
for (const name of examples) {
	const file = join(examplesDir, `${name}.mjs`)
	if (examples.length > 1) console.log(`\n$ node ${relative(root, file)}`)
	const { status, signal } = spawnSync(process.execPath, [file], { cwd: root, stdio: 'inherit' })
	if (status !== 0) {
		console.error(`demo: ${name} failed (${signal ?? `exit code ${status}`})`)
		process.exit(status || 1)
	}
}
