/**
 * Atomic read-modify-write, wait and notify in one thread, for every row of the element
 * table and every operation it has (the operations table decides which): each result and
 * each stored value checked against the same operation done with plain reads and writes,
 * through the manager, value refs and array refs; every error by class and exact message
 * with the heap unchanged. Threads contending for the same addresses are in
 * atomics-threads.test.ts, C doing the same in atomics-c.test.ts.
 */
import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import type { NormalizedAtomicOperation, NormalizedElement } from '../codegen/normalize.js'
import { atomicOperationRows, elementRows } from '../descriptors/elements.js'
import { normalizeElements } from '../codegen/normalize.js'
import type { WasmHeapManager } from '../src/index.js'
import {
	callMethod,
	conversionInputs,
	convertAsStored,
	elements,
	exactSamples,
	expectAddressRangeError,
	expectSameBytes,
	expectThrow,
	referenceRead,
	referenceWrite,
	wrongTypeValueOf,
	zeroOf,
	type Value,
} from './support/dynamic.js'
import { badAddresses, createTestHeap, snapshot, type TestHeap } from './support/heaps.js'

const maxPointer53 = 2n ** 53n - 1n

/** The row whose functions an alias row shares (errors name it), or the row itself. */
function canonical(element: NormalizedElement): NormalizedElement {
	return element.aliasOf === undefined ? element : elements.find((row) => row.name === element.aliasOf)!
}

/** The manager method name errors report for `operation` of `element` (an alias reports its row's). */
function reportedName(element: NormalizedElement, operation: NormalizedAtomicOperation): string {
	return `${operation.name}${canonical(element).name}Atomic`
}

/** The row's stored bytes for `value`, as a plain write stores them. */
function bytesOf(element: NormalizedElement, value: Value): string {
	const dataView = new DataView(new ArrayBuffer(8))
	referenceWrite(dataView, element, 0, convertAsStored(element, value))
	return [...new Uint8Array(dataView.buffer, 0, element.byteSize)].join(',')
}

type Outcome = { readonly stored: Value } | { readonly rangeError: true }

/**
 * What the operation must store, computed without atomics from values converted as a
 * plain write converts them: the reference the generated code is held to.
 */
function referenceOutcome(element: NormalizedElement, operation: NormalizedAtomicOperation, old: Value, args: readonly Value[]): Outcome {
	const convert = (value: Value): Value => convertAsStored(element, value)
	switch (operation.shape) {
		case 'exchange':
			return { stored: convert(args[0]!) }
		case 'compareExchange':
			// Bit patterns, as C compares: -0 is not 0, a NaN is a NaN with the same bits.
			return { stored: bytesOf(element, old) === bytesOf(element, args[0]!) ? convert(args[1]!) : old }
		case 'combine': {
			const operator = operation.operator!
			if (element.kind === 'pointer53') {
				const result = combineBigints(operator, BigInt(old), BigInt(args[0]!))
				return result < 0n || result > maxPointer53 ? { rangeError: true } : { stored: Number(result) }
			}
			if (typeof old === 'bigint') return { stored: convert(combineBigints(operator, old, convert(args[0]!) as bigint)) }
			const operand = convert(args[0]!) as number
			const combined = { '+': old + operand, '-': old - operand, '&': old & operand, '|': old | operand, '^': old ^ operand }[operator]
			return { stored: convert(combined) }
		}
	}
}

function combineBigints(operator: string, a: bigint, b: bigint): bigint {
	switch (operator) {
		case '+':
			return a + b
		case '-':
			return a - b
		case '&':
			return a & b
		case '|':
			return a | b
		default:
			return a ^ b
	}
}

/** Values held before an operation: zero, exact samples and, for floats, -0, NaN and infinity. */
function storedSamples(element: NormalizedElement): Value[] {
	const samples = [zeroOf(element), ...exactSamples(element)]
	if (element.kind === 'float') samples.push(-0, Number.NaN, Number.POSITIVE_INFINITY)
	if (element.kind === 'clampedInt') samples.push(255)
	return samples
}

/** Argument lists for an operation on a cell holding `old`. */
function argumentSets(element: NormalizedElement, operation: NormalizedAtomicOperation, old: Value): Value[][] {
	const inputs = conversionInputs(element)
	if (operation.shape !== 'compareExchange') return inputs.map((input) => [input])
	const replacement = exactSamples(element)[0]!
	// `expected` equal to the old value, converting to it (wrapped, clamped, rounded) or not.
	const expectedValues: Value[] = [old, ...inputs]
	if (typeof old === 'bigint') expectedValues.push(old + 2n ** 64n)
	else if (element.kind === 'int') expectedValues.push(old + 2 ** (8 * element.byteSize))
	else if (element.kind === 'clampedInt') expectedValues.push(old === 255 ? 300 : old + 0.25)
	return expectedValues.map((expected) => [expected, replacement])
}

function sameValue(actual: Value, expected: Value): boolean {
	return Object.is(actual, expected)
}

describe('atomic read-modify-write: every operation of every row', () => {
	it('gives each row the operations its atomic strategy lists (table-driven)', () => {
		const expected: Record<string, string[]> = {
			Int8: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
			Uint8: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
			ClampedUint8: ['exchange', 'compareExchange'],
			Int16: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
			Uint16: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
			Int32: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
			Uint32: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
			BigInt64: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
			BigUint64: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
			Float16: ['add', 'exchange', 'compareExchange'],
			Float32: ['add', 'exchange', 'compareExchange'],
			Float64: ['add', 'exchange', 'compareExchange'],
			Pointer32: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
			Pointer53: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
			Pointer64: ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'],
		}
		expect(Object.fromEntries(elements.map((element) => [element.name, element.atomicOperations.map((op) => op.name)]))).to.deep.equal(expected)
		const waits = Object.fromEntries(elements.filter((element) => element.wait).map((element) => [element.name, element.wait!.viewConstructor]))
		expect(waits).to.deep.equal({
			Int32: 'Int32Array',
			Uint32: 'Int32Array',
			BigInt64: 'BigInt64Array',
			BigUint64: 'BigInt64Array',
			Pointer32: 'Int32Array',
			Pointer64: 'BigInt64Array',
		})
		const int32 = elements.find((element) => element.name === 'Int32')!
		expect(int32.atomicOperations[6]).to.deep.include({
			method: 'compareExchangeInt32Atomic',
			refMethod: 'compareExchangeAtomic',
			arrayRefMethod: 'compareExchangeAtomicAt',
			cFunction: 'atomic_compare_exchange_strong',
		})
	})

	describe('the operations table is validated, naming the bad operation', () => {
		const add = atomicOperationRows[0]!
		const cases: [string, typeof atomicOperationRows, string][] = [
			['a combining operation on a clamped row', [{ ...add, strategies: ['clampThenUint8'] }], `'atomic operation add': 'clampThenUint8' rows cannot combine values`],
			['a bitwise operation on floats', [{ ...add, name: 'and', operator: '&', strategies: ['viaBits'] }], `'atomic operation and': 'viaBits' rows hold floats: '&' has no meaning for them`],
			['an exchange with an operator', [{ ...add, name: 'exchange' }], `'atomic operation exchange': exchanges take no operator`],
			['an operation listed twice', [add, add], `'atomic operation add': the operation is listed more than once`],
			['an unknown strategy', [{ ...add, strategies: ['viaMagic' as never] }], `'atomic operation add': unknown atomic strategy 'viaMagic'`],
			['an unknown operation', [{ ...add, name: 'mul' as never }], `'atomic operation mul': unknown operation`],
		]
		for (const [title, operations, message] of cases) {
			it(`rejects ${title}`, () => {
				expect(() => normalizeElements(elementRows, operations)).to.throw(`descriptor row ${message}`)
			})
		}
	})

	for (const element of elements) {
		if (element.atomicOperations.length === 0) continue
		const { byteSize } = element
		describe(element.name, () => {
			let t: TestHeap
			beforeEach(() => {
				t = createTestHeap({ shared: true })
			})
			const dataView = (): DataView => new DataView(t.memory.buffer)

			for (const operation of element.atomicOperations) {
				const { method, refMethod, arrayRefMethod } = operation
				it(`${method} returns the old value and stores what plain reads and writes compute, for every sample`, () => {
					const address = 64
					let checked = 0
					for (const old of storedSamples(element)) {
						for (const args of argumentSets(element, operation, old)) {
							referenceWrite(dataView(), element, address, old)
							const before = referenceRead(dataView(), element, address)
							const outcome = referenceOutcome(element, operation, before, args)
							const context = `${method}(${address}, ${args.map(String).join(', ')}) on ${String(before)}`
							if ('rangeError' in outcome) {
								const bytes = snapshot(t.memory)
								expectThrow(() => callMethod(t.heap, method, address, ...args), RangeError, /is not a valid pointer53 value: it must be an integer from 0 to 2\^53 - 1; nothing was written$/)
								expectSameBytes(snapshot(t.memory), bytes)
								continue
							}
							const result = callMethod<Value>(t.heap, method, address, ...args)
							expect(sameValue(result, before), `${context} returned ${String(result)}`).to.equal(true)
							const after = referenceRead(dataView(), element, address)
							expect(bytesOf(element, after), `${context} stored ${String(after)}, expected ${String(outcome.stored)}`).to.equal(bytesOf(element, outcome.stored))
							checked++
						}
					}
					expect(checked).to.be.above(element.kind === 'pointer53' ? 10 : 20)
				})

				it(`${method} touches only its ${byteSize} bytes`, () => {
					const address = 64
					new Uint8Array(t.memory.buffer, address - 8, byteSize + 16).fill(0x5a)
					const [first, second] = exactSamples(element)
					referenceWrite(dataView(), element, address, first!)
					const before = snapshot(t.memory)
					callMethod(t.heap, method, address, ...(operation.shape === 'compareExchange' ? [first!, second!] : [operation.name === 'sub' ? first! : second!]))
					const after = snapshot(t.memory)
					expect(bytesOf(element, referenceRead(dataView(), element, address)), 'the cell changed').to.not.equal(bytesOf(element, first!))
					after.set(before.subarray(address, address + byteSize), address)
					expectSameBytes(after, before)
				})

				it(`ref.${refMethod} and arrayRef.${arrayRefMethod} do what ${method} does on their element`, () => {
					const [first, second] = exactSamples(element)
					// (Pointer53: 1 - 1, a result that is a valid pointer53.)
					const args = operation.shape === 'compareExchange' ? [first!, second!] : [operation.name === 'sub' ? first! : second!]
					const ref = callMethod<Record<string, (...args: unknown[]) => Value> & { address: number; free(): void }>(t.heap, element.methods.alloc)
					ref.writeAtomic!(first!)
					const expected = referenceOutcome(element, operation, first!, args) as { stored: Value }
					expect(sameValue(ref[refMethod]!(...args), first!), `${refMethod} result`).to.equal(true)
					expect(bytesOf(element, ref.readAtomic!())).to.equal(bytesOf(element, expected.stored))

					const array = callMethod<Record<string, (...args: unknown[]) => Value> & { address: number }>(t.heap, element.methods.allocArray, 3)
					array.writeAtomicAt!(1, first!)
					expect(sameValue(array[arrayRefMethod]!(1, ...args), first!), `${arrayRefMethod} result`).to.equal(true)
					expect(bytesOf(element, array.readAtomicAt!(1))).to.equal(bytesOf(element, expected.stored))
					for (const index of [0, 2]) expect(sameValue(array.readAtomicAt!(index), zeroOf(element)), `element ${index}`).to.equal(true)

					expectThrow(() => array[arrayRefMethod]!(3, ...args), RangeError, `${element.arrayRefClass}.${arrayRefMethod}: index 3 is out of range: it must be an integer from 0 to 2 (the array has 3 elements)`)
					expectThrow(() => array[arrayRefMethod]!(-1, ...args), RangeError, /index -1 is out of range/)
					ref.free()
					expectThrow(() => ref[refMethod]!(...args), Error, `${element.refClass}.${refMethod}: the reference to address ${ref.address} has been freed`)
				})

				it(`${method} rejects bad addresses, misaligned ones and values of the wrong kind, changing nothing`, () => {
					const name = reportedName(element, operation)
					const heapSize = t.memory.buffer.byteLength
					const sample = exactSamples(element)[0]!
					const args = operation.shape === 'compareExchange' ? [sample, sample] : [sample]
					const before = snapshot(t.memory)
					for (const address of badAddresses(heapSize)) {
						expectAddressRangeError(() => callMethod(t.heap, method, address, ...args), name, address, byteSize, heapSize)
					}
					expectThrow(() => callMethod(t.heap, method, '8', ...args), TypeError, new RegExp(`^${name}: address must be a number, received "8"`))
					if (byteSize > 1) {
						expectThrow(
							() => callMethod(t.heap, method, 64 + byteSize / 2, ...args),
							RangeError,
							`${name}: address ${64 + byteSize / 2} is not aligned to ${byteSize} bytes, which this access requires (heap of ${heapSize} bytes)`,
						)
					}
					const wrong = wrongTypeValueOf(element)
					// the parameter is named: `value`, or compareExchange's `expected` and `replacement`
					const parameters = operation.shape === 'compareExchange' ? ['expected', 'replacement'] : ['value']
					for (let position = 0; position < args.length; position++) {
						const bad = args.map((arg, index) => (index === position ? wrong : arg))
						const message =
							element.kind === 'pointer53'
								? `${name}: a pointer53 value must be a number, received 1n; pass a bigint pointer as Number(value), or use Pointer64`
								: element.valueType === 'bigint'
									? `${name}: ${parameters[position]} must be a bigint, received 1`
									: `${name}: ${parameters[position]} must be a number, received 1n`
						expectThrow(() => callMethod(t.heap, method, 64, ...bad), TypeError, message)
					}
					if (element.kind === 'pointer53') {
						for (const value of [-1, 1.5, 2 ** 53]) {
							expectThrow(() => callMethod(t.heap, method, 64, ...args.map(() => value)), RangeError, `${name}: ${value} is not a valid pointer53 value: it must be an integer from 0 to 2^53 - 1`)
						}
					}
					expectSameBytes(snapshot(t.memory), before)
				})

				it(`${method} converts an object value through its valueOf before touching the heap, as a write does`, () => {
					const name = reportedName(element, operation)
					const sample = exactSamples(element)[0]!
					const boxed = { valueOf: () => sample }
					const args = operation.shape === 'compareExchange' ? [zeroOf(element), boxed] : [boxed]
					if (element.kind === 'pointer53' || element.valueType === 'bigint') {
						// Pointer53 values are validated, never converted; bigint rows take only bigints.
						const message = element.kind === 'pointer53' ? 'a pointer53 value must be a number' : `${operation.shape === 'compareExchange' ? 'replacement' : 'value'} must be a bigint`
						expectThrow(() => callMethod(t.heap, method, 64, ...args), TypeError, `${name}: ${message}, received an object (Object)`)
						return
					}
					callMethod(t.heap, method, 64, ...args)
					const expected = referenceOutcome(element, operation, zeroOf(element), operation.shape === 'compareExchange' ? [zeroOf(element), sample] : [sample])
					expect(bytesOf(element, referenceRead(dataView(), element, 64))).to.equal(bytesOf(element, (expected as { stored: Value }).stored))
				})

				if (element.kind !== 'pointer53' && element.valueType !== 'bigint') {
					it(`${method} whose value's valueOf grows a non-shared memory (detaching the buffer) works on the new buffer`, () => {
						const grown = createTestHeap()
						grown.heap.readInt32(0) // the manager caches the first buffer
						const sample = exactSamples(element)[0]!
						const growing = {
							valueOf: () => {
								grown.memory.grow(1)
								return sample
							},
						}
						const args = operation.shape === 'compareExchange' ? [zeroOf(element), growing] : [growing]
						const old = callMethod<Value>(grown.heap, method, 64, ...args)
						expect(sameValue(old, zeroOf(element)), `${method} returned ${String(old)}`).to.equal(true)
						const expected = referenceOutcome(element, operation, zeroOf(element), operation.shape === 'compareExchange' ? [zeroOf(element), sample] : [sample])
						expect(grown.memory.buffer.byteLength, 'the memory grew').to.equal(2 * 65536)
						expect(bytesOf(element, referenceRead(new DataView(grown.memory.buffer), element, 64))).to.equal(bytesOf(element, (expected as { stored: Value }).stored))
					})
				}
			}

			if (element.kind === 'pointer53') {
				it('every operation refuses a stored uint64 above 2^53 - 1, naming it, and writes nothing', () => {
					const address = 64
					dataView().setBigUint64(address, 2n ** 60n + 7n, true)
					const before = snapshot(t.memory)
					for (const operation of element.atomicOperations) {
						const args = operation.shape === 'compareExchange' ? [1, 2] : [1]
						expectThrow(
							() => callMethod(t.heap, operation.method, address, ...args),
							RangeError,
							`${operation.method}: the uint64 at address ${address} holds ${2n ** 60n + 7n}, which is above the largest pointer53 value 2^53 - 1`,
						)
					}
					expectSameBytes(snapshot(t.memory), before)
				})

				it('addPointer53Atomic and subPointer53Atomic refuse a result outside 0..2^53 - 1, naming it', () => {
					t.heap.writePointer53(64, 2 ** 53 - 2)
					expectThrow(() => t.heap.addPointer53Atomic(64, 2), RangeError, `addPointer53Atomic: the result ${2n ** 53n} for the uint64 ${2n ** 53n - 2n} at address 64 is not a valid pointer53 value: it must be an integer from 0 to 2^53 - 1; nothing was written`)
					expect(t.heap.addPointer53Atomic(64, 1)).to.equal(2 ** 53 - 2)
					t.heap.writePointer53(64, 3)
					expectThrow(() => t.heap.subPointer53Atomic(64, 4), RangeError, 'subPointer53Atomic: the result -1 for the uint64 3 at address 64 is not a valid pointer53 value: it must be an integer from 0 to 2^53 - 1; nothing was written')
					expect(t.heap.readPointer53(64)).to.equal(3)
				})
			}
		})
	}

	describe('floats compare bit patterns, as C does', () => {
		for (const [name, bitsOf] of [
			['Float32', (heap: WasmHeapManager, address: number): Value => heap.readUint32(address)],
			['Float64', (heap: WasmHeapManager, address: number): Value => heap.readBigUint64(address)],
		] as const) {
			it(`compareExchange${name}Atomic: -0 does not match 0, NaN matches NaN, and the old value comes back`, () => {
				const { heap } = createTestHeap({ shared: true })
				const compareExchange = (address: number, expected: number, replacement: number): number =>
					callMethod(heap, `compareExchange${name}Atomic`, address, expected, replacement)
				const write = (address: number, value: number): void => callMethod(heap, `write${name}Atomic`, address, value)
				write(16, -0)
				expect(Object.is(compareExchange(16, 0, 1), -0)).to.equal(true)
				expect(Object.is(callMethod(heap, `read${name}Atomic`, 16), -0), 'not replaced').to.equal(true)
				expect(compareExchange(16, -0, 1)).to.satisfy((old: number) => Object.is(old, -0))
				expect(callMethod(heap, `read${name}Atomic`, 16)).to.equal(1)
				write(16, Number.NaN)
				expect(compareExchange(16, Number.NaN, 2.5)).to.be.NaN
				expect(callMethod(heap, `read${name}Atomic`, 16)).to.equal(2.5)
				// A NaN with other bits (a payload) is not the NaN JavaScript compares with.
				write(16, 0)
				if (name === 'Float32') heap.writeUint32(16, 0x7fc0_0001)
				else heap.writeBigUint64(16, 0x7ff8_0000_0000_0001n)
				const payload = bitsOf(heap, 16)
				expect(compareExchange(16, Number.NaN, 3)).to.be.NaN
				expect(bitsOf(heap, 16), 'the NaN with a payload stays').to.equal(payload)
			})
		}

		it('addFloat32Atomic rounds the operand and the sum to float, as C float arithmetic does', () => {
			const { heap } = createTestHeap({ shared: true })
			heap.writeFloat32(8, 1)
			expect(heap.addFloat32Atomic(8, 2 ** -24)).to.equal(1)
			expect(heap.readFloat32(8), '1 + 2^-24 rounds to 1 (ties to even)').to.equal(1)
			expect(heap.addFloat32Atomic(8, 0.1)).to.equal(1)
			expect(heap.readFloat32(8)).to.equal(Math.fround(1 + Math.fround(0.1)))
			heap.writeFloat16(16, 2048)
			expect(heap.addFloat16Atomic(16, 1)).to.equal(2048)
			expect(heap.readFloat16(16), 'half precision: 2049 rounds to 2048').to.equal(2048)
			expect(heap.addFloat16Atomic(16, 3)).to.equal(2048)
			expect(heap.readFloat16(16)).to.equal(2052)
		})
	})
})

describe('wait<T>, wait<T>Async and notify', () => {
	const waitable = elements.filter((element) => element.wait !== undefined)

	it('are generated for exactly the 4-byte int and 8-byte bigint rows, aliases sharing them', () => {
		const { heap } = createTestHeap({ shared: true })
		expect(waitable.map((element) => element.wait!.method)).to.deep.equal(['waitInt32', 'waitUint32', 'waitBigInt64', 'waitBigUint64', 'waitPointer32', 'waitPointer64'])
		// Shared by prototype assignment in the generated class (compared as text: the
		// whole-suite run wraps each prototype member to record calls).
		const generated = readFileSync(new URL('../generated/WasmHeapManager.generated.ts', import.meta.url), 'utf8')
		expect(generated).to.contain('WasmHeapManager.prototype.waitPointer32 = WasmHeapManager.prototype.waitUint32\n')
		expect(generated).to.contain('WasmHeapManager.prototype.waitPointer64Async = WasmHeapManager.prototype.waitBigUint64Async\n')
		expect(heap.waitPointer32(16, 1, 0)).to.equal(heap.waitUint32(16, 1, 0))
	})

	for (const element of waitable) {
		const { method, asyncMethod } = element.wait!
		const reported = canonical(element).wait!
		// The bits 0xff…fe: -2 for the signed rows, 2^n - 2 for the unsigned ones; and the
		// same bits read with the other signedness, which waits for the same value.
		const held = convertAsStored(element, element.valueType === 'bigint' ? -2n : -2)
		const sameBits: Value = typeof held === 'bigint' ? (held < 0n ? held + 2n ** 64n : held - 2n ** 64n) : held < 0 ? held + 2 ** 32 : held - 2 ** 32
		const other: Value = element.valueType === 'bigint' ? 5n : 5

		describe(`${method} / ${asyncMethod}`, () => {
			let t: TestHeap
			beforeEach(() => {
				t = createTestHeap({ shared: true })
				callMethod(t.heap, element.methods.writeAtomic, 64, held)
			})

			it(`${method} answers 'not-equal' at once, and 'timed-out' after its timeout, for expected values converted as writes convert`, () => {
				expect(callMethod(t.heap, method, 64, other)).to.equal('not-equal')
				expect(callMethod(t.heap, method, 64, held, 0)).to.equal('timed-out')
				// The same bits through the other signedness (Uint32 0xfffffffe is Int32 -2).
				expect(callMethod(t.heap, method, 64, sameBits, 0)).to.equal('timed-out')
				const started = performance.now()
				expect(callMethod(t.heap, method, 64, held, 30)).to.equal('timed-out')
				expect(performance.now() - started, 'slept for the timeout').to.be.at.least(25)
			})

			it(`${asyncMethod} resolves to 'not-equal', 'timed-out', or 'ok' when notify wakes it`, async () => {
				// Settled at once by Atomics.waitAsync ({ async: false }), still a promise: `.then` works.
				const notEqual = callMethod<Promise<string>>(t.heap, asyncMethod, 64, other)
				const timedOut = callMethod<Promise<string>>(t.heap, asyncMethod, 64, held, 0)
				expect(notEqual, "'not-equal' comes as a promise").to.be.an.instanceOf(Promise)
				expect(timedOut, "an immediate 'timed-out' comes as a promise").to.be.an.instanceOf(Promise)
				expect(await notEqual).to.equal('not-equal')
				expect(await timedOut).to.equal('timed-out')
				expect(await callMethod<Promise<string>>(t.heap, asyncMethod, 64, held, 20)).to.equal('timed-out')
				const woken = callMethod<Promise<string>>(t.heap, asyncMethod, 64, sameBits)
				expect(t.heap.notify(64 + 4, 1), 'a notify elsewhere wakes nobody').to.equal(0)
				expect(t.heap.notify(64), 'notify wakes the one waiter').to.equal(1)
				expect(await woken).to.equal('ok')
			})

			it(`${method} and ${asyncMethod} reject bad addresses, misaligned ones, a wrong expected value and a bad timeout`, () => {
				const heapSize = t.memory.buffer.byteLength
				for (const name of [method, asyncMethod]) {
					const shown = name === method ? reported.method : reported.asyncMethod
					for (const address of badAddresses(heapSize)) {
						expectAddressRangeError(() => callMethod(t.heap, name, address, held, 0), shown, address, element.byteSize, heapSize)
					}
					expectThrow(() => callMethod(t.heap, name, 66, held, 0), RangeError, `${shown}: address 66 is not aligned to ${element.byteSize} bytes, which this access requires (heap of ${heapSize} bytes)`)
					expectThrow(
						() => callMethod(t.heap, name, 64, wrongTypeValueOf(element), 0),
						TypeError,
						element.valueType === 'bigint' ? `${shown}: expected must be a bigint, received 1` : `${shown}: expected must be a number, received 1n`,
					)
					expectThrow(() => callMethod(t.heap, name, 64, held, '5'), TypeError, `${shown}: timeoutMs must be a number of milliseconds, received "5"`)
					for (const timeout of [-1, Number.NaN]) {
						expectThrow(() => callMethod(t.heap, name, 64, held, timeout), RangeError, `${shown}: timeoutMs ${timeout} is not a non-negative number of milliseconds (or Infinity)`)
					}
				}
			})

			it(`${method} and ${asyncMethod} on a heap that is not shared are a TypeError saying so`, () => {
				const { heap } = createTestHeap()
				for (const [name, shown] of [
					[method, reported.method],
					[asyncMethod, reported.asyncMethod],
				]) {
					expectThrow(
						() => callMethod(heap, name!, 64, zeroOf(element), 0),
						TypeError,
						`${shown}: the heap is an ArrayBuffer, not a SharedArrayBuffer: only a shared memory can be waited on (a WebAssembly.Memory created with shared: true)`,
					)
				}
			})
		})
	}

	it('waitInt32Async is an Error naming the missing Atomics.waitAsync on an engine without it', () => {
		const { heap } = createTestHeap({ shared: true })
		const atomics = Atomics as unknown as { waitAsync?: unknown }
		const saved = atomics.waitAsync
		delete atomics.waitAsync
		try {
			expectThrow(() => heap.waitInt32Async(0, 0), Error, 'waitInt32Async: this engine has no Atomics.waitAsync; call waitInt32 in a worker instead')
		} finally {
			atomics.waitAsync = saved
		}
	})

	it("wait<T> on a thread that may not block (Atomics.wait's TypeError, as on a browser's main thread) is a TypeError naming the reason, the engine's error as its cause; other errors pass unchanged", () => {
		const { heap } = createTestHeap({ shared: true })
		const atomics = Atomics as unknown as { wait: unknown }
		const saved = atomics.wait
		const refusal = new TypeError('Atomics.wait cannot be called in this context')
		const other = new RangeError('not a refusal')
		let thrown: Error = refusal
		atomics.wait = () => {
			throw thrown
		}
		try {
			for (const [name, expected] of [
				['waitInt32', 0],
				['waitBigUint64', 0n],
			] as const) {
				const error = expectThrow(
					() => callMethod(heap, name, 8, expected, 0),
					TypeError,
					`${name}: this thread may not block (Atomics.wait is refused here, as on a browser's main thread); use ${name}Async, or wait in a worker`,
				)
				expect(error.cause, 'the engine error is the cause').to.equal(refusal)
				expect((error as { code?: string }).code).to.equal('ERR_HEAP_INVALID_ARGUMENT')
			}
			thrown = other
			expect(() => heap.waitInt32(8, 0, 0)).to.throw(RangeError, /^not a refusal$/)
		} finally {
			atomics.wait = saved
		}
		expect(heap.waitInt32(8, 0, 0), 'Atomics.wait restored').to.equal('timed-out')
	})

	it('notify checks its address and count, wakes waiters of either width at the address, and wakes nobody on a non-shared heap', async () => {
		const { heap, memory } = createTestHeap({ shared: true })
		const heapSize = memory.buffer.byteLength
		for (const address of badAddresses(heapSize)) expectAddressRangeError(() => heap.notify(address), 'notify', address, 4, heapSize)
		expectThrow(() => heap.notify(6), RangeError, `notify: address 6 is not aligned to 4 bytes, which this access requires (heap of ${heapSize} bytes)`)
		// A string or null is not coerced (to address 8, or a count of 0): a TypeError, as for every other method.
		for (const [address, shown] of [['8', '"8"'], [null, 'null'], [8n, '8n']] as const) {
			expectThrow(() => heap.notify(address as never), TypeError, new RegExp(`^notify: address must be a number, received ${shown} `))
		}
		for (const [count, shown] of [['1', '"1"'], [null, 'null'], [true, 'boolean'], [1n, '1n']] as const) {
			expectThrow(() => heap.notify(8, count as never), TypeError, `notify: count must be a number, received ${shown}`)
		}
		for (const count of [-1, 1.5, Number.NaN]) expectThrow(() => heap.notify(8, count), RangeError, `notify: count ${count} is not a non-negative integer or Infinity`)

		const narrow = [heap.waitInt32Async(8, 0), heap.waitInt32Async(8, 0)]
		const wide = heap.waitBigInt64Async(8, 0n)
		expect(heap.notify(8, 0)).to.equal(0)
		expect(heap.notify(8, 1)).to.equal(1)
		expect(heap.notify(8)).to.equal(2)
		expect(await Promise.all([...narrow, wide])).to.deep.equal(['ok', 'ok', 'ok'])

		expect(createTestHeap().heap.notify(8)).to.equal(0)
	})
})

/**
 * The step a row's strategy must take with `Atomics` for an operation: the function whose
 * absence would leave a plain read and write in its place.
 */
function atomicStepOf(element: NormalizedElement, operation: NormalizedAtomicOperation): string {
	switch (element.atomicStrategy) {
		case 'native':
			return operation.shape === 'combine' ? operation.name : operation.shape
		case 'clampThenUint8':
			return operation.shape
		case 'viaBits':
			// Floats combine in a compare-exchange loop.
			return operation.shape === 'exchange' ? 'exchange' : 'compareExchange'
		case 'viaBigUint64':
			// Pointer53 checks the stored value before it changes anything: a compare-exchange loop.
			return 'compareExchange'
	}
}

describe('every atomic member runs on Atomics (a plain read or write in its place fails here)', () => {
	/** Runs `body` with `globalThis.Atomics` replaced by a recorder; returns `<function>:<view constructor>` per call. */
	function recordAtomics(body: () => unknown): string[] {
		const calls: string[] = []
		const real = Atomics
		const recorder = new Proxy(real, {
			get(target, key) {
				const value = Reflect.get(target, key) as unknown
				if (typeof value !== 'function') return value
				return (...args: unknown[]) => {
					calls.push(`${String(key)}:${(args[0] as object | undefined)?.constructor?.name}`)
					return Reflect.apply(value, target, args) as unknown
				}
			},
		})
		const global = globalThis as { Atomics: typeof Atomics }
		global.Atomics = recorder
		try {
			body()
		} finally {
			global.Atomics = real
		}
		return calls
	}

	for (const element of elements) {
		const { methods, atomicViewConstructor } = element
		const one: Value = element.valueType === 'bigint' ? 1n : 1
		it(`${element.name}: ${methods.readAtomic}, ${methods.writeAtomic} and every read-modify-write call Atomics on a ${atomicViewConstructor}`, () => {
			const { heap } = createTestHeap({ shared: true })
			expect(recordAtomics(() => callMethod(heap, methods.readAtomic, 64)), methods.readAtomic).to.include(`load:${atomicViewConstructor}`)
			expect(recordAtomics(() => callMethod(heap, methods.writeAtomic, 64, one)), methods.writeAtomic).to.include(`store:${atomicViewConstructor}`)
			for (const operation of element.atomicOperations) {
				const args = operation.shape === 'compareExchange' ? [one, zeroOf(element)] : [one]
				const calls = recordAtomics(() => callMethod(heap, operation.method, 64, ...args))
				expect(calls, operation.method).to.include(`${atomicStepOf(element, operation)}:${atomicViewConstructor}`)
			}
		})
		if (element.wait === undefined) continue
		const { method, asyncMethod, viewConstructor } = element.wait
		it(`${element.name}: ${method} and ${asyncMethod} call Atomics.wait and Atomics.waitAsync on a ${viewConstructor}`, async () => {
			const { heap } = createTestHeap({ shared: true })
			expect(recordAtomics(() => expect(callMethod(heap, method, 64, one, 0)).to.equal('not-equal'))).to.deep.equal([`wait:${viewConstructor}`])
			let pending: Promise<string> | undefined
			expect(recordAtomics(() => (pending = callMethod<Promise<string>>(heap, asyncMethod, 64, one, 0)))).to.deep.equal([`waitAsync:${viewConstructor}`])
			expect(await pending).to.equal('not-equal')
		})
	}

	it('notify calls Atomics.notify on an Int32Array', () => {
		const { heap } = createTestHeap({ shared: true })
		expect(recordAtomics(() => heap.notify(64, 1))).to.deep.equal(['notify:Int32Array'])
	})

	it('the golden table pins the generated text of every atomic strategy, for loads, stores and each operation shape', () => {
		// test/codegen.test.ts compares these files with the generator's exact output.
		const golden = readFileSync(new URL('./golden/WasmHeapManager.generated.ts.golden', import.meta.url), 'utf8')
		const covered = new Set<string>()
		for (const element of elements) {
			const body = (name: string): string | undefined => new RegExp(`\\n\\t${name}\\([^)]*\\)[^{]*\\{\\n([\\s\\S]*?)\\n\\t\\}\\n`).exec(golden)?.[1]
			const load = body(element.methods.readAtomic)
			if (load === undefined) continue
			expect(load, element.methods.readAtomic).to.contain('Atomics.load(view, index)')
			expect(body(element.methods.writeAtomic), element.methods.writeAtomic).to.contain('Atomics.store(view, index, ')
			covered.add(`${element.atomicStrategy} load/store`)
			for (const operation of element.atomicOperations) {
				expect(body(operation.method), operation.method).to.contain(`Atomics.${atomicStepOf(element, operation)}(view, index, `)
				covered.add(`${element.atomicStrategy} ${operation.shape}`)
			}
		}
		const wanted = new Set<string>()
		for (const element of elements) {
			wanted.add(`${element.atomicStrategy} load/store`)
			for (const operation of element.atomicOperations) wanted.add(`${element.atomicStrategy} ${operation.shape}`)
		}
		expect([...covered].sort()).to.deep.equal([...wanted].sort())
	})
})
