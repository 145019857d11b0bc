/**
 * A ref's atomic members name themselves in their errors (`Int32Ref.readAtomic: ...`), as
 * every other member does, although they run through the manager's atomic methods, whose
 * errors name the method (`readInt32Atomic: ...`): for every row and every atomic member of
 * its value ref and array ref, a misaligned wrap, an access after the memory grew under
 * pollingMode 'never' (its buffer detached) and, for Pointer53, a stored value above
 * 2^53 - 1 and a result outside 0..2^53 - 1, on a plain and a shared memory. Each error is
 * checked by class, code and exact message (the manager's message with the member's name in
 * place of the method's), and the heap unchanged.
 */
import { expect } from 'chai'
import type { NormalizedElement } from '../codegen/normalize.js'
import { callMethod, elements, exactSamples, expectSameBytes, expectThrow, type Value } from './support/dynamic.js'
import { createTestHeap, snapshot } from './support/heaps.js'
import { createWasmHeapManager } from '../src/index.js'

type Member = { readonly member: string; readonly args: readonly Value[] }
type AnyRef = Record<string, (...args: unknown[]) => unknown> & { readonly address: number }

/** Every atomic member of `element`'s value ref (`array`: array ref, element index 0), with arguments that are valid values. */
function atomicMembers(element: NormalizedElement, array: boolean): Member[] {
	const [first, second] = exactSamples(element)
	const index = array ? [0] : []
	const at = array ? 'At' : ''
	return [
		{ member: `readAtomic${at}`, args: index },
		{ member: `writeAtomic${at}`, args: [...index, first!] },
		...element.atomicOperations.map((operation) => ({
			member: array ? operation.arrayRefMethod : operation.refMethod,
			args: [...index, ...(operation.shape === 'compareExchange' ? [first!, second!] : [first!])],
		})),
	]
}

/** Calls `member` on `ref` and checks its error: class, code, exact message, and the heap unchanged. */
function expectMemberError(memory: WebAssembly.Memory, ref: AnyRef, member: string, args: readonly Value[], Class: typeof RangeError, code: string, message: string): void {
	const before = snapshot(memory)
	const error = expectThrow(() => callMethod(ref, member, ...args), Class, message) as Error & { code?: string }
	expect(error.code, message).to.equal(code)
	expectSameBytes(snapshot(memory), before)
}

for (const shared of [false, true]) {
	describe(`a ref's atomic members name themselves in their errors (${shared ? 'shared' : 'plain'} memory)`, () => {
		for (const element of elements) {
			const { byteSize, refClass, arrayRefClass, methods } = element
			describe(element.name, () => {
				if (byteSize > 1) {
					it(`${refClass} wrapped at a misaligned address: every atomic member's alignment error names the member`, () => {
						const t = createTestHeap({ shared, maximum: 4 })
						const address = 64 + byteSize / 2
						const ref = callMethod<AnyRef>(t.heap, methods.wrap, address)
						const heapSize = t.memory.buffer.byteLength
						for (const { member, args } of atomicMembers(element, false)) {
							expectMemberError(
								t.memory,
								ref,
								member,
								args,
								RangeError,
								'ERR_HEAP_MISALIGNED',
								`${refClass}.${member}: address ${address} is not aligned to ${byteSize} bytes, which this access requires (heap of ${heapSize} bytes)`,
							)
						}
					})
				}

				if (!shared) {
					it(`${refClass} and ${arrayRefClass} after the memory grew under pollingMode 'never': every atomic member's error names the member`, () => {
						const t = createTestHeap({ pollingMode: 'never', maximum: 4 })
						const ref = callMethod<AnyRef>(t.heap, methods.alloc)
						const array = callMethod<AnyRef>(t.heap, methods.allocArray, 2)
						t.memory.grow(1)
						const detached = (name: string, address: number): string =>
							`${name}: address ${address} is out of range: the heap's buffer was detached (its memory grew), and ` +
							"pollingMode 'never' does not fetch the new one; for a memory that grows, use 'whenEmpty' (the default)"
						for (const [target, className, array_] of [[ref, refClass, false], [array, arrayRefClass, true]] as const) {
							for (const { member, args } of atomicMembers(element, array_)) {
								expectMemberError(t.memory, target, member, args, RangeError, 'ERR_HEAP_OUT_OF_RANGE', detached(`${className}.${member}`, target.address))
							}
						}
					})
				}

				if (element.kind === 'pointer53') {
					it(`${refClass} and ${arrayRefClass}: a stored uint64 above 2^53 - 1, and a result outside 0..2^53 - 1, name the member`, () => {
						const t = createTestHeap({ shared, maximum: 4 })
						const ref = callMethod<AnyRef>(t.heap, methods.alloc)
						const array = callMethod<AnyRef>(t.heap, methods.allocArray, 2)
						const view = new DataView(t.memory.buffer)
						const stored = 2n ** 60n + 7n
						for (const [target, className, isArray] of [[ref, refClass, false], [array, arrayRefClass, true]] as const) {
							const address = target.address
							view.setBigUint64(address, stored, true)
							const reading = atomicMembers(element, isArray).filter(({ member }) => !member.startsWith('write'))
							expect(reading.length).to.equal(1 + element.atomicOperations.length)
							for (const { member, args } of reading) {
								expectMemberError(
									t.memory,
									target,
									member,
									args.map((arg) => (arg === exactSamples(element)[1] ? 2 : arg === exactSamples(element)[0] ? 1 : arg)),
									RangeError,
									'ERR_HEAP_INVALID_VALUE',
									`${className}.${member}: the uint64 at address ${address} holds ${stored}, which is above the largest pointer53 value 2^53 - 1`,
								)
							}
							const index = isArray ? [0] : []
							const at = isArray ? 'At' : ''
							view.setBigUint64(address, 2n ** 53n - 2n, true)
							expectMemberError(
								t.memory,
								target,
								`addAtomic${at}`,
								[...index, 2],
								RangeError,
								'ERR_HEAP_INVALID_VALUE',
								`${className}.addAtomic${at}: the result ${2n ** 53n} for the uint64 ${2n ** 53n - 2n} at address ${address} is not a valid pointer53 value: it must be an integer from 0 to 2^53 - 1; nothing was written`,
							)
							view.setBigUint64(address, 3n, true)
							expectMemberError(
								t.memory,
								target,
								`subAtomic${at}`,
								[...index, 4],
								RangeError,
								'ERR_HEAP_INVALID_VALUE',
								`${className}.subAtomic${at}: the result -1 for the uint64 3 at address ${address} is not a valid pointer53 value: it must be an integer from 0 to 2^53 - 1; nothing was written`,
							)
						}
					})
				}
			})
		}
	})
}

describe("a ref's atomic members pass on an error that is not the library's as it was thrown", () => {
	it("a heap source's own error, thrown while the member's call polls the heap, reaches the caller unchanged", () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 })
		const thrown = Object.assign(new Error('readInt32Atomic: not the library'), { code: 'E_SOURCE' })
		let fail = false
		const source = (): ArrayBuffer => {
			if (fail) throw thrown
			return memory.buffer
		}
		let bump = 64
		const heap = createWasmHeapManager(source, (size: number) => {
			const address = bump
			bump += Math.ceil(size / 16) * 16
			return address
		}, () => {})
		const ref = heap.allocInt32()
		const array = heap.allocInt32Array(2)
		memory.grow(1) // the cached buffer is detached: the next access polls the source
		fail = true
		for (const call of [() => ref.readAtomic(), () => ref.addAtomic(1), () => array.writeAtomicAt(0, 1)]) {
			let caught: unknown
			try {
				call()
			} catch (error) {
				caught = error
			}
			expect(caught).to.equal(thrown)
		}
	})
})
