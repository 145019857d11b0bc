#!/usr/bin/env node
// Builds dist/ with `npm run build` unless it is already newer than everything it is
// built from (src/, generated/, the rollup and TypeScript configs, package.json).
//
//   node scripts/ensure-build.mjs          build if stale, print what was done
//   import { ensureBuild } from './ensure-build.mjs'
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const inputs = ['src', 'generated', 'rollup.config.mjs', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.generator.json', 'package.json']
const outputs = ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/codegen.js', 'dist/codegen.cjs', 'dist/codegen.d.ts', 'dist/codegen.d.cts', 'dist/cli.js']

function newestMtime(path) {
	const stats = statSync(path)
	if (!stats.isDirectory()) return stats.mtimeMs
	let newest = stats.mtimeMs
	for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
	return newest
}

/** Whether every dist/ output exists and is newer than every build input. */
export function isBuildFresh() {
	let oldestOutput = Infinity
	for (const output of outputs) {
		try {
			oldestOutput = Math.min(oldestOutput, statSync(join(root, output)).mtimeMs)
		} catch {
			return false
		}
	}
	const newestInput = Math.max(...inputs.map((input) => newestMtime(join(root, input))))
	return oldestOutput >= newestInput
}

/** Runs `npm run build` if dist/ is missing or older than its inputs; returns whether it built. */
export function ensureBuild() {
	if (isBuildFresh()) return false
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
	execFileSync(npm, ['run', '-s', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' })
	return true
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	console.log(ensureBuild() ? 'dist/ rebuilt' : 'dist/ is up to date')
}
