/**
 * The size grid of the strings suite for the encodings beyond UTF-8: UTF-16, UTF-32 and
 * ASCII reads and writes at 5 B, 64 B, 4 KiB and 1 MiB (the encoded size, terminator
 * excluded; a whole number of elements, so the 5 B row is 6 B of UTF-16 and 8 B of
 * UTF-32). UTF-8 has the same grid in strings.bench.ts (5 B, 64 B, 1 MiB of ASCII,
 * 4 KiB of mixed text), whose cases call `stringGridCases` for these.
 *
 * Baselines, on the same heap and the same addresses:
 * - raw: the engine's coders where they exist — `indexOf(0)` + `TextDecoder`
 *   (`'utf-16le'` for UTF-16; for UTF-32, code points converted to code units in a
 *   scratch array, then `'utf-16le'`: `String.fromCodePoint.apply` is 3-6x slower at
 *   1 MiB), `TextEncoder.encodeInto` for ASCII; a plain `charCodeAt`/`codePointAt`
 *   loop for UTF-16 and UTF-32 writes, which have no native encoder. No validation.
 * - emscripten: the fixture's `UTF16ToString`/`stringToUTF16`,
 *   `UTF32ToString`/`stringToUTF32`, and for ASCII `UTF8ToString`/`stringToUTF8` (the
 *   fixture exports no `AsciiToString`; Emscripten code reads ASCII with the UTF-8 helpers).
 *
 * - 0.5.1: the published wasm-heap-manager 0.5.1, when strings.bench.ts could load it
 *   (writes get the same room as the library's).
 *
 * Goals (issue 11, `stringGoals` in strings.bench.ts): every read and write at least
 * Emscripten's and 0.5.1's speed; at least 0.95x raw from 4 KiB on.
 */
import type { EmscriptenHeaplib } from './emscriptenFixture.js'
import type { BenchCase } from './harness.js'
import { operationScale } from './runtime.js'
import { textCoders, type BenchHeapSource } from './heapSource.js'

/** The string methods of the published 0.5.1's manager that the cases call (its rooms are required). */
export interface PublishedHeap {
	readNullTerminatedUtf8String(address: number): string
	writeNullTerminatedUtf8String(address: number, value: string, byteCapacity: number): number
	readNullTerminatedAsciiString(address: number): string
	writeNullTerminatedAsciiString(address: number, value: string, elementCapacity: number): number
	readNullTerminatedUtf16String(address: number): string
	writeNullTerminatedUtf16String(address: number, value: string, elementCapacity: number): number
	readNullTerminatedUtf32String(address: number): string
	writeNullTerminatedUtf32String(address: number, value: string, elementCapacity: number): number
}

const addresses = new WeakMap<EmscriptenHeaplib, Map<string, number>>()

/**
 * The block of `key` (e.g. `UTF-32 read 64 B`) on `module`'s heap, allocated on first
 * use (one map per module): every build compared in one process (bench/compare-builds.ts) works on the same
 * addresses as the baselines, so that no build's strings sit in colder memory.
 */
export function blockFor(module: EmscriptenHeaplib, key: string, byteSize: number): number {
	let blocks = addresses.get(module)
	if (blocks === undefined) addresses.set(module, (blocks = new Map()))
	let address = blocks.get(key)
	if (address === undefined) {
		address = module._malloc(byteSize)
		if (address === 0) throw new Error(`bench: malloc(${byteSize}) failed`)
		blocks.set(key, address)
	}
	return address
}

/** Goals by baseline name. */
export type StringGoals = Record<string, number>

/** `{ '0.5.1': batch }` when 0.5.1 is loaded, else nothing. */
function publishedBaseline(published: PublishedHeap | undefined, batch: (published: PublishedHeap) => unknown): Record<string, () => unknown> {
	return published === undefined ? {} : { '0.5.1': () => batch(published) }
}

const sizes: [string, number][] = [
	['5 B', 5],
	['64 B', 64],
	['4 KiB', 4096],
	['1 MiB', 1 << 20],
]

const asciiText = 'The quick brown fox jumps over the lazy dog. '
/** BMP non-ASCII (2 and 3 bytes of UTF-8), CJK and an astral character (a surrogate pair in UTF-16). */
const mixedText = 'Grüße, 世界! 😀 naïve café — ĀāĒē ⅓ ✓ '

/**
 * A flat string of exactly `units` UTF-16 code units (or, with `codePoints`, that many
 * code points) from `pattern`, never splitting a surrogate pair, padded with 'x'.
 */
function textOf(pattern: string, count: number, codePoints: boolean): string {
	const parts: string[] = []
	let size = 0
	const characters = [...pattern]
	for (let i = 0; ; i++) {
		const character = characters[i % characters.length]!
		const cost = codePoints ? 1 : character.length
		if (size + cost > count) break
		parts.push(character)
		size += cost
	}
	// Joined, then round-tripped through JSON: a flat sequential string, as strings from
	// JSON, the DOM or a decoder are (a concatenation would be a rope).
	return JSON.parse(JSON.stringify(parts.join('') + 'x'.repeat(count - size))) as string
}

function operationsFor(byteLength: number): number {
	return Math.max(1, Math.floor((200_000 * operationScale()) / (byteLength + 20)))
}

/** `baselines` without `emscripten` when `source`'s heap is not Emscripten's (a shared memory). */
export function onHeap(source: BenchHeapSource, baselines: Record<string, () => unknown>): Record<string, () => unknown> {
	if (source.emscripten) return baselines
	const { emscripten: _emscripten, ...others } = baselines
	return others
}

/**
 * A UTF-16 read and write case for `value` (shared with strings.bench.ts): the library
 * against `TextDecoder('utf-16le')` / a `charCodeAt` loop, and `UTF16ToString` /
 * `stringToUTF16`, into an exact room.
 */
export function utf16Cases(
	source: BenchHeapSource,
	published: PublishedHeap | undefined,
	suite: string,
	label: string,
	value: string,
	goals: StringGoals,
): BenchCase[] {
	const { module, heap } = source
	const utf16Decoder = textCoders(source.memory, 'utf-16le').decoder
	const room = value.length + 1
	const address = blockFor(module, `UTF-16 ${label}`, room * 2)
	module.stringToUTF16(value, address, room * 2)
	const operations = operationsFor(value.length * 2)
	return [
		{
			suite,
			name: `UTF-16 read ${label}`,
			operations,
			bytesPerOperation: value.length * 2,
			goals,
			library: () => {
				let text = ''
				let used = 0
				for (let i = 0; i < operations; i++) used += (text = heap.readNullTerminatedUtf16String(address)).charCodeAt(text.length >> 1)
				// Each string read once, as any use does: a string joined from pieces is flattened here.
				return used === -1 ? '' : text
			},
			baselines: onHeap(source, {
				raw: () => {
					let text = ''
					let used = 0
					for (let i = 0; i < operations; i++) {
						const units = module.HEAPU16
						const start = address / 2
						text = utf16Decoder.decode(units.subarray(start, units.indexOf(0, start)))
						used += text.charCodeAt(text.length >> 1)
					}
					// Each string read once, as any use does: a string joined from pieces is flattened here.
					return used === -1 ? '' : text
				},
				emscripten: () => {
					let text = ''
					let used = 0
					for (let i = 0; i < operations; i++) used += (text = module.UTF16ToString(address)).charCodeAt(text.length >> 1)
					// Each string read once, as any use does: a string joined from pieces is flattened here.
					return used === -1 ? '' : text
				},
				...publishedBaseline(published, (p) => {
					let text = ''
					let used = 0
					for (let i = 0; i < operations; i++) used += (text = p.readNullTerminatedUtf16String(address)).charCodeAt(text.length >> 1)
					// Each string read once, as any use does: a string joined from pieces is flattened here.
					return used === -1 ? '' : text
				}),
			}),
		},
		{
			suite,
			name: `UTF-16 write ${label}`,
			operations,
			bytesPerOperation: value.length * 2,
			goals,
			library: () => {
				let written = 0
				for (let i = 0; i < operations; i++) written = heap.writeNullTerminatedUtf16String(address, value, room)
				return written
			},
			baselines: onHeap(source, {
				raw: () => {
					for (let i = 0; i < operations; i++) {
						const units = module.HEAPU16
						const start = address / 2
						for (let j = 0; j < value.length; j++) units[start + j] = value.charCodeAt(j)
						units[start + value.length] = 0
					}
					return 0
				},
				emscripten: () => {
					let written = 0
					for (let i = 0; i < operations; i++) written = module.stringToUTF16(value, address, room * 2)
					return written
				},
				...publishedBaseline(published, (p) => {
					let written = 0
					for (let i = 0; i < operations; i++) written = p.writeNullTerminatedUtf16String(address, value, room)
					return written
				}),
			}),
		},
	]
}

/** UTF-16, UTF-32 and ASCII cases on `heap`, the one manager of the strings process. */
export function stringGridCases(
	source: BenchHeapSource,
	published: PublishedHeap | undefined,
	suite: string,
	goalsFor: (bytes: number) => StringGoals,
): BenchCase[] {
	const cases: BenchCase[] = []
	const { module, heap } = source
	const { decoder: utf8Decoder, encoder } = textCoders(source.memory)
	const utf16Decoder = textCoders(source.memory, 'utf-16le').decoder
	// Scratch for the raw UTF-32 decode: 32 Ki code points become at most 64 Ki units.
	const chunkElements = 32768
	const scratchUnits = new Uint16Array(chunkElements * 2)

	for (const [label, bytes] of sizes) {
		const goals = goalsFor(bytes)

		// ---- UTF-16: mixed text, bytes / 2 code units (rounded up) ----------------
		cases.push(...utf16Cases(source, published, suite, bytes === 5 ? '6 B' : label, textOf(mixedText, Math.ceil(bytes / 2), false), goals))

		// ---- UTF-32: mixed text, bytes / 4 code points (rounded up) ---------------
		{
			const count = Math.ceil(bytes / 4)
			const value = textOf(mixedText, count, true)
			const room = count + 1
			const address = blockFor(module, `UTF-32 ${label}`, room * 4)
			module.stringToUTF32(value, address, room * 4)
			const operations = operationsFor(count * 4)
			const sizeLabel = bytes === 5 ? '8 B' : label
			cases.push({
				suite,
				name: `UTF-32 read ${sizeLabel}`,
				operations,
				bytesPerOperation: count * 4,
				goals,
				library: () => {
					let text = ''
					let used = 0
					for (let i = 0; i < operations; i++) used += (text = heap.readNullTerminatedUtf32String(address)).charCodeAt(text.length >> 1)
					// Each string read once, as any use does: a string joined from pieces is flattened here.
					return used === -1 ? '' : text
				},
				baselines: onHeap(source, {
					raw: () => {
						let text = ''
						let used = 0
						for (let i = 0; i < operations; i++) {
							const elements = module.HEAPU32
							const start = address / 4
							const end = elements.indexOf(0, start)
							text = ''
							for (let from = start; from < end; from += chunkElements) {
								const to = Math.min(end, from + chunkElements)
								let units = 0
								for (let k = from; k < to; k++) {
									const codePoint = elements[k]!
									if (codePoint <= 0xffff) {
										scratchUnits[units++] = codePoint
									} else {
										scratchUnits[units++] = 0xd7c0 + (codePoint >> 10)
										scratchUnits[units++] = 0xdc00 | (codePoint & 0x3ff)
									}
								}
								text += utf16Decoder.decode(scratchUnits.subarray(0, units))
							}
							used += text.charCodeAt(text.length >> 1)
						}
						// Each string read once, as any use does: a string joined from pieces is flattened here.
						return used === -1 ? '' : text
					},
					emscripten: () => {
						let text = ''
						let used = 0
						for (let i = 0; i < operations; i++) used += (text = module.UTF32ToString(address)).charCodeAt(text.length >> 1)
						// Each string read once, as any use does: a string joined from pieces is flattened here.
						return used === -1 ? '' : text
					},
					...publishedBaseline(published, (p) => {
						let text = ''
						let used = 0
						for (let i = 0; i < operations; i++) used += (text = p.readNullTerminatedUtf32String(address)).charCodeAt(text.length >> 1)
						// Each string read once, as any use does: a string joined from pieces is flattened here.
						return used === -1 ? '' : text
					}),
				}),
			})
			cases.push({
				suite,
				name: `UTF-32 write ${sizeLabel}`,
				operations,
				bytesPerOperation: count * 4,
				goals,
				library: () => {
					let written = 0
					for (let i = 0; i < operations; i++) written = heap.writeNullTerminatedUtf32String(address, value, room)
					return written
				},
				baselines: onHeap(source, {
					raw: () => {
						for (let i = 0; i < operations; i++) {
							const elements = module.HEAPU32
							let k = address / 4
							for (let j = 0; j < value.length; j++) {
								const codePoint = value.codePointAt(j)!
								elements[k++] = codePoint
								if (codePoint > 0xffff) j++
							}
							elements[k] = 0
						}
						return 0
					},
					emscripten: () => {
						let written = 0
						for (let i = 0; i < operations; i++) written = module.stringToUTF32(value, address, room * 4)
						return written
					},
					...publishedBaseline(published, (p) => {
						let written = 0
						for (let i = 0; i < operations; i++) written = p.writeNullTerminatedUtf32String(address, value, room)
						return written
					}),
				}),
			})
		}

		// ---- ASCII: ASCII text, `bytes` characters ------------------------------------
		{
			const value = textOf(asciiText, bytes, false)
			const room = bytes + 1
			const address = blockFor(module, `ASCII ${label}`, room)
			module.stringToUTF8(value, address, room)
			const operations = operationsFor(bytes)
			cases.push({
				suite,
				name: `ASCII read ${label}`,
				operations,
				bytesPerOperation: bytes,
				goals,
				library: () => {
					let text = ''
					let used = 0
					for (let i = 0; i < operations; i++) used += (text = heap.readNullTerminatedAsciiString(address)).charCodeAt(text.length >> 1)
					// Each string read once, as any use does: a string joined from pieces is flattened here.
					return used === -1 ? '' : text
				},
				baselines: onHeap(source, {
					raw: () => {
						let text = ''
						let used = 0
						for (let i = 0; i < operations; i++) {
							const heapBytes = module.HEAPU8
							text = utf8Decoder.decode(heapBytes.subarray(address, heapBytes.indexOf(0, address)))
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
					...publishedBaseline(published, (p) => {
						let text = ''
						let used = 0
						for (let i = 0; i < operations; i++) used += (text = p.readNullTerminatedAsciiString(address)).charCodeAt(text.length >> 1)
						// Each string read once, as any use does: a string joined from pieces is flattened here.
						return used === -1 ? '' : text
					}),
				}),
			})
			cases.push({
				suite,
				name: `ASCII write ${label}`,
				operations,
				bytesPerOperation: bytes,
				goals,
				library: () => {
					let written = 0
					for (let i = 0; i < operations; i++) written = heap.writeNullTerminatedAsciiString(address, value, room)
					return written
				},
				baselines: onHeap(source, {
					raw: () => {
						let written = 0
						for (let i = 0; i < operations; i++) {
							const heapBytes = module.HEAPU8
							written = encoder.encodeInto(value, heapBytes.subarray(address, address + room - 1)).written
							heapBytes[address + written] = 0
						}
						return written
					},
					emscripten: () => {
						for (let i = 0; i < operations; i++) module.stringToUTF8(value, address, room)
						return 0
					},
					...publishedBaseline(published, (p) => {
						let written = 0
						for (let i = 0; i < operations; i++) written = p.writeNullTerminatedAsciiString(address, value, room)
						return written
					}),
				}),
			})
		}
	}
	// Grouped by encoding, then size, then read before write.
	const order = (name: string): number => ['UTF-16', 'UTF-32', 'ASCII'].findIndex((prefix) => name.startsWith(prefix))
	return cases
		.map((benchCase, index) => ({ benchCase, index }))
		.sort((a, b) => order(a.benchCase.name) - order(b.benchCase.name) || a.index - b.index)
		.map(({ benchCase }) => benchCase)
}
