/**
 * Null-terminated string reads and writes against (a) the raw path — `indexOf(0)` +
 * `TextDecoder.decode`, `TextEncoder.encodeInto` — (b) Emscripten's own helpers
 * (`UTF8ToString`, `stringToUTF8`, `UTF16ToString`, `stringToUTF16`) from the
 * Emscripten-built fixture and (c) the published wasm-heap-manager 0.5.1, when it is
 * unpacked in `.tmp/` (it is not a dependency; see `loadPublished`), all on the same heap.
 *
 * Goals (issue 11): every case at least Emscripten's helper and 0.5.1; at least 0.95x raw
 * from 4 KiB on, exact-room writes included; UTF-8 reads of mixed text from 4 KiB on at
 * least 1.3x raw (a one-shot `TextDecoder.decode`).
 *
 * Two regimes, each in a process of its own (run.ts): `pristine`, and `realistic`, where
 * before anything is timed the module's memory has grown once and every error path of
 * the string methods has been taken once (see `enterRealisticRegime`).
 *
 * The published 0.5.1 as a baseline:
 *   mkdir -p .tmp/wasm-heap-manager-0.5.1 && cd .tmp && npm pack wasm-heap-manager@0.5.1 &&
 *   tar xzf wasm-heap-manager-0.5.1.tgz -C wasm-heap-manager-0.5.1 --strip-components 1
 * or BENCH_PUBLISHED=/folder/of/the/unpacked/package.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type * as Library from '../src/index.js'
import type { BenchCase } from './harness.js'
import { loadEmscriptenHeaplib, type EmscriptenHeaplib } from './emscriptenFixture.js'
import { blockFor, stringGridCases, utf16Cases, type PublishedHeap, type StringGoals } from './stringGrid.js'

export type StringRegime = 'pristine' | 'realistic'

/** What the string cases need of a build of the library. */
export type StringLibrary = Pick<typeof Library, 'wrapEmscriptenModuleHeap'>

export interface StringOptions {
	readonly regime?: StringRegime
	/** The suite name of the cases (default `strings`, or `strings realistic`). */
	readonly suite?: string
}

const root = fileURLToPath(new URL('..', import.meta.url))

/** One fixture instance per process: every build compared in the process works on its heap. */
const module: EmscriptenHeaplib = await loadEmscriptenHeaplib()

/** The published 0.5.1's manager over the same module, if the package is unpacked where `BENCH_PUBLISHED` or `.tmp/` says. */
async function loadPublished(): Promise<PublishedHeap | undefined> {
	const folder = resolve(process.env.BENCH_PUBLISHED ?? join(root, '.tmp/wasm-heap-manager-0.5.1'))
	const entry = join(folder, 'dist/exports/Exports.js')
	if (!existsSync(entry)) return undefined
	const { version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }
	if (version !== '0.5.1') throw new Error(`bench: ${folder} holds wasm-heap-manager ${version}, not 0.5.1`)
	const published = (await import(pathToFileURL(entry).href)) as { wrapEmscriptenModuleHeap(module: unknown): PublishedHeap }
	return published.wrapEmscriptenModuleHeap(module)
}

const published = await loadPublished()

/** Whether the cases carry the 0.5.1 baseline (for the report's header). */
export const publishedLoaded = published !== undefined

const decoder = new TextDecoder()
const encoder = new TextEncoder()

/** Builds a flat string of exactly `bytes` UTF-8 bytes by repeating `pattern` and padding with ASCII. */
function utf8OfLength(pattern: string, bytes: number): string {
	const parts: string[] = []
	let length = 0
	for (const character of pattern.repeat(Math.ceil(bytes / pattern.length) + 1)) {
		const size = encoder.encode(character).length
		if (length + size > bytes) break
		parts.push(character)
		length += size
	}
	// Round-tripped through JSON: a flat sequential string, as strings from JSON, the DOM or
	// a decoder are (the concatenation would be a rope).
	return JSON.parse(JSON.stringify(parts.join('') + 'x'.repeat(bytes - length))) as string
}

const mixed = 'Grüße, 世界! 😀 naïve café — ĀāĒē ⅓ ✓ '
const sentence = 'The quick brown fox jumps over the lazy dog. '
const utf8Strings: [string, string][] = [
	['5 B ASCII', 'hello'],
	['64 B ASCII', utf8OfLength(sentence, 64)],
	['60 B mixed', utf8OfLength(mixed, 60)],
	['4 KiB mixed', utf8OfLength(mixed, 4096)],
	['1 MiB ASCII', utf8OfLength(sentence, 1 << 20)],
	['1 MiB mixed', utf8OfLength(mixed, 1 << 20)],
]
const utf16Strings: [string, string][] = [
	['8 chars', 'Grüße 😀'.padEnd(8, '!')],
	['1,000 chars', mixed.repeat(40).slice(0, 1000)],
]

function operationsFor(length: number): number {
	return Math.max(1, Math.floor(200_000 / (length + 20)))
}

/** The goals of a case moving `bytes` bytes (issue 11); `mixedRead`: a UTF-8 read of non-ASCII text. */
export function stringGoals(bytes: number, mixedRead = false): StringGoals {
	const goals: Record<string, number> = { emscripten: 1 }
	if (published !== undefined) goals['0.5.1'] = 1
	if (bytes >= 4096) goals.raw = mixedRead ? 1.3 : 0.95
	return goals
}

/**
 * The realistic regime: the module's memory grows once while the manager is in use (V8's
 * ArrayBufferDetaching protector goes: every typed-array access then carries a detach
 * test, the baselines' too), and every error path of the string methods runs once, so
 * that V8 compiles the cold paths as calls instead of deoptimisation exits.
 */
function enterRealisticRegime(heap: ReturnType<StringLibrary['wrapEmscriptenModuleHeap']>): void {
	const attempt = (action: () => unknown): void => {
		try {
			action()
		} catch {
			return
		}
		throw new Error('bench: an error path did not throw')
	}
	const before = module.HEAPU8.buffer.byteLength
	const block = module._malloc(before)
	if (block === 0 || module.HEAPU8.buffer.byteLength === before) throw new Error('bench: the memory did not grow')
	module._free(block)

	const address = module._malloc(64)
	const end = module.HEAPU8.length
	// An unterminated run at the heap's very end.
	module.HEAPU8.fill(0x41, end - 8, end)
	const long = mixed.repeat(4)
	for (const room of [4, 40]) {
		attempt(() => heap.writeNullTerminatedUtf8String(address, long, room))
		attempt(() => heap.writeNullTerminatedUtf8String(address, 'too long for the room', room >> 2))
		attempt(() => heap.writeNullTerminatedAsciiString(address, long.slice(0, room), 64))
		attempt(() => heap.writeNullTerminatedAsciiString(address, 'too long for the room', room >> 2))
		attempt(() => heap.writeNullTerminatedUtf16String(address, long, room >> 1))
		attempt(() => heap.writeNullTerminatedUtf32String(address, long, room >> 2))
	}
	attempt(() => heap.writeNullTerminatedUtf8String(-1, 'x'))
	attempt(() => heap.writeNullTerminatedUtf16String(address + 1, 'x'))
	attempt(() => heap.writeNullTerminatedUtf32String(address + 2, 'x'))
	attempt(() => heap.writeNullTerminatedAsciiString(end, 'x'))
	attempt(() => heap.readNullTerminatedUtf8String(end - 8))
	attempt(() => heap.readNullTerminatedAsciiString(end - 8))
	attempt(() => heap.readNullTerminatedUtf16String(end - 8))
	attempt(() => heap.readNullTerminatedUtf32String(end - 8))
	attempt(() => heap.readNullTerminatedUtf8String(-1))
	attempt(() => heap.readNullTerminatedUtf16String(address + 1))
	attempt(() => heap.readNullTerminatedUtf32String(address + 2, -1))
	module._free(address)
}

/** The string cases on `library`'s manager over the fixture's heap, in the given regime. */
export function createStringCases(library: StringLibrary, options: StringOptions = {}): BenchCase[] {
	const regime = options.regime ?? 'pristine'
	const suite = options.suite ?? (regime === 'pristine' ? 'strings' : 'strings realistic')
	const heap = library.wrapEmscriptenModuleHeap(module)
	// In use before the regime changes, as in a program: the manager has cached its views.
	const scratch = module._malloc(16)
	heap.writeNullTerminatedUtf8String(scratch, 'warm')
	heap.readNullTerminatedUtf8String(scratch)
	module._free(scratch)
	if (regime === 'realistic') enterRealisticRegime(heap)

	const cases: BenchCase[] = []
	for (const [label, value] of utf8Strings) {
		const byteLength = encoder.encode(value).length
		const room = byteLength + 1
		const address = blockFor(module, `UTF-8 ${label}`, room)
		module.stringToUTF8(value, address, room)
		const operations = operationsFor(byteLength)
		const isMixed = label.includes('mixed')
		cases.push({
			suite,
			name: `UTF-8 read ${label}`,
			operations,
			bytesPerOperation: byteLength,
			goals: stringGoals(byteLength, isMixed),
			library: () => {
				let text = ''
				for (let i = 0; i < operations; i++) text = heap.readNullTerminatedUtf8String(address)
				return text
			},
			baselines: {
				raw: () => {
					let text = ''
					for (let i = 0; i < operations; i++) {
						const bytes = module.HEAPU8
						text = decoder.decode(bytes.subarray(address, bytes.indexOf(0, address)))
					}
					return text
				},
				emscripten: () => {
					let text = ''
					for (let i = 0; i < operations; i++) text = module.UTF8ToString(address)
					return text
				},
				...(published === undefined
					? {}
					: {
							'0.5.1': () => {
								let text = ''
								for (let i = 0; i < operations; i++) text = published.readNullTerminatedUtf8String(address)
								return text
							},
						}),
			},
		})
		// Each write is measured twice. As usually written: the library's room defaults to the
		// heap's end, raw encodeInto gets the heap from the address on, and 0.5.1 (whose room
		// is required) the room to the heap's end. And into an exact room (the string's size +
		// 1), where the library guarantees that a string that does not fit leaves memory as
		// it was, which raw encodeInto and 0.5.1 do not (they truncate).
		for (const exact of [false, true]) {
			cases.push({
				suite,
				name: `UTF-8 write ${label}${exact ? ', exact room' : ''}`,
				operations,
				bytesPerOperation: byteLength,
				goals: stringGoals(byteLength),
				library: exact
					? () => {
							let written = 0
							for (let i = 0; i < operations; i++) written = heap.writeNullTerminatedUtf8String(address, value, room)
							return written
						}
					: () => {
							let written = 0
							for (let i = 0; i < operations; i++) written = heap.writeNullTerminatedUtf8String(address, value)
							return written
						},
				baselines: {
					raw: exact
						? () => {
								let written = 0
								for (let i = 0; i < operations; i++) {
									const bytes = module.HEAPU8
									written = encoder.encodeInto(value, bytes.subarray(address, address + room - 1)).written
									bytes[address + written] = 0
								}
								return written
							}
						: () => {
								let written = 0
								for (let i = 0; i < operations; i++) {
									const bytes = module.HEAPU8
									written = encoder.encodeInto(value, bytes.subarray(address)).written
									bytes[address + written] = 0
								}
								return written
							},
					emscripten: () => {
						for (let i = 0; i < operations; i++) module.stringToUTF8(value, address, room)
						return 0
					},
					...(published === undefined
						? {}
						: {
								'0.5.1': exact
									? () => {
											let written = 0
											for (let i = 0; i < operations; i++) written = published.writeNullTerminatedUtf8String(address, value, room)
											return written
										}
									: () => {
											let written = 0
											for (let i = 0; i < operations; i++) written = published.writeNullTerminatedUtf8String(address, value, module.HEAPU8.length - address)
											return written
										},
							}),
				},
			})
		}
	}

	for (const [label, value] of utf16Strings) {
		cases.push(...utf16Cases(module, heap, published, suite, label, value, stringGoals(value.length * 2)))
	}

	// UTF-16, UTF-32 and ASCII at 5 B, 64 B, 4 KiB and 1 MiB (bench/stringGrid.ts), on the same
	// module and manager.
	cases.push(...stringGridCases(module, heap, published, suite, stringGoals))
	return cases
}
