/**
 * `findTerminator` for each element width: the number of elements before the first 0
 * in `elements[start .. start + limit)`, or -1 if there is none.
 *
 * Most strings are short, so a plain loop looks at the first elements; the native
 * `indexOf` (a memchr-like scan, ~25 ns fixed cost) takes over after that. When the
 * scan may run to the end of `elements` (a read without `maxElementCount`) it is
 * `elements.indexOf(0, from)`; otherwise a `subarray` bounds it by `limit`, which costs
 * ~25 ns more but never scans past the limit.
 * One function per TypedArray type keeps every element access monomorphic.
 */
import { byHost } from './host.js'

/**
 * Elements scanned by the JS loop before the native `indexOf` takes over (see host.ts).
 * Node 20.20, `npx tsx bench/crossover.bench.ts` ("findTerminator" rows): `indexOf(0,
 * from)`, the common case, is faster from 16 elements on (`subarray().indexOf(0)` from
 * 48). Chromium 156, `npx tsx bench/crossover-browser.ts`: the loop is as fast or faster
 * up to 128 elements (88-120 against 89-176 ns there; two runs), `indexOf` from 256.
 */
const LOOP_ELEMENTS = byHost(16, 128)

export function findZeroUint8(elements: Uint8Array, start: number, limit: number): number {
	const end = start + limit
	const loopEnd = limit < LOOP_ELEMENTS ? end : start + LOOP_ELEMENTS
	for (let i = start; i < loopEnd; i++) {
		if (elements[i] === 0) return i - start
	}
	if (loopEnd === end) return -1
	if (end === elements.length) {
		const found = elements.indexOf(0, loopEnd)
		return found === -1 ? -1 : found - start
	}
	const found = elements.subarray(loopEnd, end).indexOf(0)
	return found === -1 ? -1 : found + LOOP_ELEMENTS
}

export function findZeroUint16(elements: Uint16Array, start: number, limit: number): number {
	const end = start + limit
	const loopEnd = limit < LOOP_ELEMENTS ? end : start + LOOP_ELEMENTS
	for (let i = start; i < loopEnd; i++) {
		if (elements[i] === 0) return i - start
	}
	if (loopEnd === end) return -1
	if (end === elements.length) {
		const found = elements.indexOf(0, loopEnd)
		return found === -1 ? -1 : found - start
	}
	const found = elements.subarray(loopEnd, end).indexOf(0)
	return found === -1 ? -1 : found + LOOP_ELEMENTS
}

export function findZeroUint32(elements: Uint32Array, start: number, limit: number): number {
	const end = start + limit
	const loopEnd = limit < LOOP_ELEMENTS ? end : start + LOOP_ELEMENTS
	for (let i = start; i < loopEnd; i++) {
		if (elements[i] === 0) return i - start
	}
	if (loopEnd === end) return -1
	if (end === elements.length) {
		const found = elements.indexOf(0, loopEnd)
		return found === -1 ? -1 : found - start
	}
	const found = elements.subarray(loopEnd, end).indexOf(0)
	return found === -1 ? -1 : found + LOOP_ELEMENTS
}
