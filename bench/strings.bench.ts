/**
 * Null-terminated string reads and writes against (a) the raw path — `indexOf(0)` +
 * `TextDecoder.decode`, `TextEncoder.encodeInto` — (b) Emscripten's own helpers
 * (`UTF8ToString`, `stringToUTF8`, `UTF16ToString`, `stringToUTF16`) from the
 * Emscripten-built fixture and (c) the published wasm-heap-manager 0.5.1, when it is
 * unpacked in `.tmp/` (it is not a dependency; see bench/published.ts), all on the same heap.
 *
 * Goals (issue 11): every case at least Emscripten's helper and 0.5.1; at least 0.95x raw
 * from 4 KiB on, exact-room writes included; UTF-8 reads of mixed text from 4 KiB on at
 * least 1.3x raw (a one-shot `TextDecoder.decode`).
 *
 * Two regimes, each in a process of its own (run.ts): `pristine`, and `realistic`, where
 * before anything is timed the module's memory has grown once and every error path of
 * the string methods has been taken once (see `enterRealisticRegime`). `npm run
 * bench:browser` runs the pristine regime only, on a plain and a shared memory.
 *
 * The published 0.5.1 as a baseline:
 *   mkdir -p .tmp/wasm-heap-manager-0.5.1 && cd .tmp && npm pack wasm-heap-manager@0.5.1 &&
 *   tar xzf wasm-heap-manager-0.5.1.tgz -C wasm-heap-manager-0.5.1 --strip-components 1
 * or BENCH_PUBLISHED=/folder/of/the/unpacked/package.
 */
import type * as Library from '../src/index.js'
import type { BenchCase } from './harness.js'
import { operationScale } from './runtime.js'
import { textCoders, type BenchHeapSource } from './heapSource.js'
import { blockFor, onHeap, stringGridCases, utf16Cases, type PublishedHeap, type StringGoals } from './stringGrid.js'

export type StringRegime = 'pristine' | 'realistic'

/** What the string cases need of a build of the library (bench/compare-builds.ts wraps the fixture's heap with each build). */
export type StringLibrary = Pick<typeof Library, 'wrapEmscriptenModuleHeap'>

export interface StringOptions {
	readonly regime?: StringRegime
	/** The suite name of the cases (default `strings`, or `strings realistic`). */
	readonly suite?: string
	/**
	 * The published 0.5.1's manager over the source's module, the `0.5.1` baseline
	 * (bench/published.ts loads it on Node when it is unpacked in `.tmp/`; never in a browser).
	 */
	readonly published?: PublishedHeap
}

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
	return Math.max(1, Math.floor((200_000 * operationScale()) / (length + 20)))
}

/** The goals of a case moving `bytes` bytes (issue 11); `mixedRead`: a UTF-8 read of non-ASCII text. */
export function stringGoals(bytes: number, mixedRead = false): StringGoals {
	// A goal whose baseline a run lacks (0.5.1 not unpacked, emscripten on a shared memory) is dropped by the harness.
	const goals: Record<string, number> = { emscripten: 1, '0.5.1': 1 }
	if (bytes >= 4096) goals.raw = mixedRead ? 1.3 : 0.95
	return goals
}

/**
 * The realistic regime: the module's memory grows once while the manager is in use (V8's
 * ArrayBufferDetaching protector goes: every typed-array access then carries a detach
 * test, the baselines' too), and every error path of the string methods runs once, so
 * that V8 compiles the cold paths as calls instead of deoptimisation exits.
 */
function enterRealisticRegime(source: BenchHeapSource): void {
	const { module, heap } = source
	if (!source.emscripten) throw new Error('bench: the realistic string regime grows the memory: it needs the Emscripten heap, not a fixed shared memory')
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

/**
 * The string cases on `source`'s heap, in the given regime: the Emscripten fixture's
 * (Node, and Chromium's plain run), or a shared memory (Chromium's shared run: pristine
 * only, no `emscripten` baselines, and raw coders that copy where the engine refuses
 * shared views; see heapSource.ts). Every case's block comes from `blockFor`, so that
 * builds compared on one module (compare-builds.ts) share addresses.
 */
export function createStringCases(source: BenchHeapSource, options: StringOptions = {}): BenchCase[] {
	const regime = options.regime ?? 'pristine'
	const suite = options.suite ?? (regime === 'pristine' ? 'strings' : 'strings realistic')
	const { published } = options
	const { module, heap } = source
	const { decoder, encoder: rawEncoder } = textCoders(source.memory)
	// In use before the regime changes, as in a program: the manager has cached its views.
	const scratch = module._malloc(16)
	heap.writeNullTerminatedUtf8String(scratch, 'warm')
	heap.readNullTerminatedUtf8String(scratch)
	module._free(scratch)
	if (regime === 'realistic') enterRealisticRegime(source)

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
				let used = 0
				for (let i = 0; i < operations; i++) used += (text = heap.readNullTerminatedUtf8String(address)).charCodeAt(text.length >> 1)
				// Each string read once, as any use does: a string joined from pieces is flattened here.
				return used === -1 ? '' : text
			},
			baselines: onHeap(source, {
				raw: () => {
					let text = ''
					let used = 0
					for (let i = 0; i < operations; i++) {
						const bytes = module.HEAPU8
						text = decoder.decode(bytes.subarray(address, bytes.indexOf(0, address)))
						used += text.charCodeAt(text.length >> 1)
					}
					// Each string read once, as any use does: a string joined from pieces is flattened here.
					return used === -1 ? '' : text
				},
				emscripten: () => {
					let text = ''
					let used = 0
					for (let i = 0; i < operations; i++) used += (text = module.UTF8ToString(address)).charCodeAt(text.length >> 1)
					// Each string read once, as any use does: a string joined from pieces is flattened here.
					return used === -1 ? '' : text
				},
				...(published === undefined
					? {}
					: {
							'0.5.1': () => {
								let text = ''
								let used = 0
								for (let i = 0; i < operations; i++) used += (text = published.readNullTerminatedUtf8String(address)).charCodeAt(text.length >> 1)
								// Each string read once, as any use does: a string joined from pieces is flattened here.
								return used === -1 ? '' : text
							},
						}),
			}),
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
				baselines: onHeap(source, {
					raw: exact
						? () => {
								let written = 0
								for (let i = 0; i < operations; i++) {
									const bytes = module.HEAPU8
									written = rawEncoder.encodeInto(value, bytes.subarray(address, address + room - 1)).written
									bytes[address + written] = 0
								}
								return written
							}
						: () => {
								let written = 0
								for (let i = 0; i < operations; i++) {
									const bytes = module.HEAPU8
									written = rawEncoder.encodeInto(value, bytes.subarray(address)).written
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
				}),
			})
		}
	}

	for (const [label, value] of utf16Strings) {
		cases.push(...utf16Cases(source, published, suite, label, value, stringGoals(value.length * 2)))
	}

	// UTF-16, UTF-32 and ASCII at 5 B, 64 B, 4 KiB and 1 MiB (bench/stringGrid.ts), on the same
	// module and manager.
	cases.push(...stringGridCases(source, published, suite, stringGoals))
	return cases
}
