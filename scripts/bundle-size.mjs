#!/usr/bin/env node
// Measures the ESM build (dist/index.js, every export kept): minified with esbuild, then
// gzipped with node:zlib at level 9. Builds dist/ first if it is missing or stale.
//
//   node scripts/bundle-size.mjs                  print the sizes
//   node scripts/bundle-size.mjs --update-readme  rewrite README.md's bundle-size region
//   node scripts/bundle-size.mjs --check          exit 1 if README.md states other sizes
//   --readme <path>                               another README (used by the tests)
//
// The region is everything between the `<!-- bundle-size -->` and `<!-- /bundle-size -->`
// markers; both must be present exactly once.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { transform } from 'esbuild'
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

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`

/** The README text between the markers (its own lines, so the markers stay on theirs). */
export function regionText({ minified, gzipped }) {
	return (
		`The ESM build (\`dist/index.js\`, every export) is **${kib(minified)} minified** and ` +
		`**${kib(gzipped)} minified and gzipped** (esbuild, gzip level 9; measured by \`npm run size\`).`
	)
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
	const sizes = await measure(readFileSync(join(root, 'dist/index.js'), 'utf8'))
	console.log(`ESM bundle: ${kib(sizes.minified)} minified, ${kib(sizes.gzipped)} gzipped (${sizes.minified} and ${sizes.gzipped} bytes)`)
	if (region === undefined) return 0

	const expected = `\n${regionText(sizes)}\n`
	if (region.content === expected) {
		console.log(`${shownPath} states these sizes`)
		return 0
	}
	if (check) {
		console.error(
			`${shownPath} states other bundle sizes than measured; run \`npm run size -- --update-readme\`.\n` +
				`  stated:   ${region.content.trim() || '(nothing)'}\n  measured: ${regionText(sizes)}`,
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
