#!/usr/bin/env node
// Measures what each entry point costs a bundle: its ESM file (dist/<entry>.js) bundled
// with the chunks it imports by esbuild, every export kept, minified, then gzipped with
// node:zlib at level 9; and checks each against its budget. Builds dist/ first if it is
// missing or stale.
//
//   node scripts/bundle-size.mjs                  print the sizes; exit 1 if one is over budget
//   node scripts/bundle-size.mjs --update-readme  rewrite README.md's bundle-size region
//   node scripts/bundle-size.mjs --check          exit 1 if README.md states other sizes
//   --readme <path>                               another README (used by the tests)
//
// The region is everything between the `<!-- bundle-size -->` and `<!-- /bundle-size -->`
// markers; both must be present exactly once.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build, transform } from 'esbuild'
import { ensureBuild, root } from './ensure-build.mjs'

export const startMarker = '<!-- bundle-size -->'
export const endMarker = '<!-- /bundle-size -->'

/** Minified and gzipped sizes, in bytes, of the given ESM source. */
export async function measure(source) {
	const { code } = await transform(source, { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' })
	const minified = Buffer.byteLength(code)
	const gzipped = gzipSync(code, { level: 9 }).length
	return { minified, gzipped }
}

/**
 * The entry points and their budgets in bytes (minified, and minified and gzipped). Raise
 * a budget only with a reason in the commit message; split an entry where that is what
 * it takes to stay under it.
 */
export const entryBudgets = [
	{ entry: 'index', label: 'everything (`wasm-heap-manager`)', minified: 306.8 * 1024, gzipped: 57.25 * 1024 },
	{ entry: 'allocator', label: '`createHeapAllocator` alone (`wasm-heap-manager/allocator`)', minified: 23.71 * 1024, gzipped: 8.59 * 1024 },
	{ entry: 'structs', label: '`defineStruct` and the layouts alone (`wasm-heap-manager/structs`)', minified: 20 * 1024, gzipped: 7 * 1024 },
]

/** Sizes of dist/<entry>.js bundled with the chunks it imports. */
export async function measureEntry(entry) {
	const result = await build({
		entryPoints: [join(root, 'dist', `${entry}.js`)],
		bundle: true,
		write: false,
		format: 'esm',
		target: 'es2022',
		logLevel: 'silent',
	})
	return measure(result.outputFiles[0].text)
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`

/** The README text between the markers (its own lines, so the markers stay on theirs). */
export function regionText(measured) {
	const rows = measured.map(
		({ label, minified, gzipped, budget }) =>
			`| ${label} | ${kib(minified)} | ${kib(gzipped)} | ${kib(budget.minified)} / ${kib(budget.gzipped)} |`,
	)
	return [
		'What each entry point adds to a bundle, every export kept (esbuild, minified; gzip level 9; measured by `npm run size`, which fails over a budget):',
		'',
		'| entry point | minified | minified and gzipped | budget |',
		'| --- | ---: | ---: | ---: |',
		...rows,
	].join('\n')
}

/** Splits `readme` around the region; throws an Error naming the problem when the markers are wrong. */
export function findRegion(readme, readmePath) {
	const count = (marker) => readme.split(marker).length - 1
	for (const marker of [startMarker, endMarker]) {
		if (count(marker) !== 1) {
			throw new Error(
				`${readmePath}: expected the marker ${marker} exactly once, found it ${count(marker)} times. ` +
					`Put the bundle-size region in the README as:\n${startMarker}\n${endMarker}`,
			)
		}
	}
	const start = readme.indexOf(startMarker) + startMarker.length
	const end = readme.indexOf(endMarker)
	if (end < start) throw new Error(`${readmePath}: ${endMarker} comes before ${startMarker}`)
	return { before: readme.slice(0, start), content: readme.slice(start, end), after: readme.slice(end) }
}

async function main(args) {
	const update = args.includes('--update-readme')
	const check = args.includes('--check')
	const readmeIndex = args.indexOf('--readme')
	const readmePath = readmeIndex === -1 ? join(root, 'README.md') : resolve(args[readmeIndex + 1] ?? '')
	const known = new Set(['--update-readme', '--check', '--readme'])
	const unknown = args.filter((arg, index) => !known.has(arg) && (readmeIndex === -1 || index !== readmeIndex + 1))
	if (unknown.length > 0 || (update && check) || (readmeIndex !== -1 && !args[readmeIndex + 1])) {
		console.error('usage: node scripts/bundle-size.mjs [--update-readme | --check] [--readme <path>]')
		return 2
	}

	// The README's markers are checked first, so a missing one fails before any build.
	const shownPath = relative(process.cwd(), readmePath).startsWith('..') ? readmePath : relative(process.cwd(), readmePath)
	const readme = update || check ? readFileSync(readmePath, 'utf8') : ''
	const region = update || check ? findRegion(readme, shownPath) : undefined

	ensureBuild()
	const measured = []
	let overBudget = false
	for (const budget of entryBudgets) {
		const sizes = await measureEntry(budget.entry)
		measured.push({ ...sizes, label: budget.label, budget })
		const over = sizes.minified > budget.minified || sizes.gzipped > budget.gzipped
		overBudget ||= over
		console.log(
			`${budget.entry}: ${kib(sizes.minified)} minified, ${kib(sizes.gzipped)} gzipped (${sizes.minified} and ${sizes.gzipped} bytes; ` +
				`budget ${kib(budget.minified)} and ${kib(budget.gzipped)})${over ? ' OVER BUDGET' : ''}`,
		)
	}
	if (overBudget) {
		console.error('an entry point is over its budget (scripts/bundle-size.mjs entryBudgets)')
		return 1
	}
	if (region === undefined) return 0

	const expected = `\n${regionText(measured)}\n`
	if (region.content === expected) {
		console.log(`${shownPath} states these sizes`)
		return 0
	}
	if (check) {
		console.error(
			`${shownPath} states other bundle sizes than measured; run \`npm run size -- --update-readme\`.\n` +
				`  stated:   ${region.content.trim() || '(nothing)'}\n  measured: ${regionText(measured)}`,
		)
		return 1
	}
	writeFileSync(readmePath, region.before + expected + region.after)
	console.log(`updated ${shownPath}`)
	return 0
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code
		},
		(error) => {
			console.error(error instanceof Error ? error.message : error)
			process.exitCode = 1
		},
	)
}
