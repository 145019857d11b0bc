/**
 * The published wasm-heap-manager 0.5.1 as the strings suite's `0.5.1` baseline, on Node
 * only (it reads the file system; the browser bench never imports this file). The
 * package is not a dependency: it is used only when unpacked where `BENCH_PUBLISHED` or
 * `.tmp/wasm-heap-manager-0.5.1` says (see bench/strings.bench.ts for the commands).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { EmscriptenHeaplib } from './emscriptenFixture.js'
import type { PublishedHeap } from './stringGrid.js'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The published 0.5.1's manager over `module`, or `undefined` when the package is not unpacked. */
export async function loadPublished(module: EmscriptenHeaplib): Promise<PublishedHeap | undefined> {
	const folder = resolve(process.env.BENCH_PUBLISHED ?? join(root, '.tmp/wasm-heap-manager-0.5.1'))
	const entry = join(folder, 'dist/exports/Exports.js')
	if (!existsSync(entry)) return undefined
	const { version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }
	if (version !== '0.5.1') throw new Error(`bench: ${folder} holds wasm-heap-manager ${version}, not 0.5.1`)
	const published = (await import(pathToFileURL(entry).href)) as { wrapEmscriptenModuleHeap(module: unknown): PublishedHeap }
	return published.wrapEmscriptenModuleHeap(module)
}
