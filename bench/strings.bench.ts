/**
 * Null-terminated string reads and writes against (a) the raw path — `indexOf(0)` +
 * `TextDecoder.decode`, `TextEncoder.encodeInto` — and (b) Emscripten's own helpers
 * (`UTF8ToString`, `stringToUTF8`, `UTF16ToString`, `stringToUTF16`) from the
 * Emscripten-built fixture, all on the same heap.
 * Goals (issue 3): at least Emscripten's speed everywhere; at least 0.9x raw for long strings.
 */
import type { BenchCase } from './harness.js'
import { operationScale } from './runtime.js'
import { textCoders, type BenchHeapSource } from './heapSource.js'
import { onHeap, stringGridCases, utf16Cases } from './stringGrid.js'

const encoder = new TextEncoder()

/** Builds a string of exactly `bytes` UTF-8 bytes by repeating `pattern` and padding with ASCII. */
function utf8OfLength(pattern: string, bytes: number): string {
	const parts: string[] = []
	let length = 0
	for (const character of pattern.repeat(Math.ceil(bytes / pattern.length) + 1)) {
		const size = encoder.encode(character).length
		if (length + size > bytes) break
		parts.push(character)
		length += size
	}
	return parts.join('') + 'x'.repeat(bytes - length)
}

const mixed = 'Grüße, 世界! 😀 naïve café — ĀāĒē ⅓ ✓ '
const utf8Strings: [string, string][] = [
	['5 B ASCII', 'hello'],
	['64 B ASCII', utf8OfLength('The quick brown fox jumps over the lazy dog. ', 64)],
	['60 B mixed', utf8OfLength(mixed, 60)],
	['4 KiB mixed', utf8OfLength(mixed, 4096)],
	['1 MiB ASCII', utf8OfLength('The quick brown fox jumps over the lazy dog. ', 1 << 20)],
]
const utf16Strings: [string, string][] = [
	['8 chars', 'Grüße 😀'.padEnd(8, '!')],
	['1,000 chars', mixed.repeat(40).slice(0, 1000)],
]

function operationsFor(length: number): number {
	return Math.max(1, Math.floor((200_000 * operationScale()) / (length + 20)))
}

/**
 * The cases on `source`'s heap: the Emscripten fixture's (Node, and Chromium's plain
 * run), or a shared memory (Chromium's shared run: no `emscripten` baselines, and raw
 * coders that copy where the engine refuses shared views; see heapSource.ts).
 */
export function createStringCases(source: BenchHeapSource): BenchCase[] {
	const { module, heap } = source
	const { decoder, encoder: rawEncoder } = textCoders(source.memory)
	const stringCases: BenchCase[] = []

	for (const [label, value] of utf8Strings) {
		const byteLength = encoder.encode(value).length
		const room = byteLength + 1
		const address = module._malloc(room)
		module.stringToUTF8(value, address, room)
		const operations = operationsFor(byteLength)
		const long = byteLength >= 4096
		stringCases.push({
			suite: 'strings',
			name: `UTF-8 read ${label}`,
			operations,
			bytesPerOperation: byteLength,
			goals: long ? { raw: 0.9, emscripten: 1 } : { emscripten: 1 },
			library: () => {
				let text = ''
				for (let i = 0; i < operations; i++) text = heap.readNullTerminatedUtf8String(address)
				return text
			},
			baselines: onHeap(source, {
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
			}),
		})
		// Each write is measured twice. As usually written: the library's room defaults to the
		// heap's end and raw encodeInto gets the heap from the address on. And into an exact
		// room (the string's size + 1): there the library guarantees that a string that does
		// not fit leaves memory as it was, which raw encodeInto does not (it truncates), so
		// for long strings that may not fit it backs the room up first; reported, no raw goal.
		for (const exact of [false, true]) {
			stringCases.push({
				suite: 'strings',
				name: `UTF-8 write ${label}${exact ? ', exact room' : ''}`,
				operations,
				bytesPerOperation: byteLength,
				goals: long && !exact ? { raw: 0.9, emscripten: 1 } : { emscripten: 1 },
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
				}),
			})
		}
	}

	for (const [label, value] of utf16Strings) {
		stringCases.push(...utf16Cases(source, label, value, value.length >= 1000 ? { raw: 0.9, emscripten: 1 } : { emscripten: 1 }))
	}

	// UTF-16, UTF-32 and ASCII at 5 B, 64 B, 4 KiB and 1 MiB (bench/stringGrid.ts), on the same
	// module and manager: one manager per process.
	stringCases.push(...stringGridCases(source))
	return stringCases
}
