/**
 * The allocator contract (size and alignment travel with every call), ownership
 * (`heap.free(ref)`, `release()`, `WrapOptions.deallocator`, the raw `allocate` /
 * `deallocate`) and scopes (`withScope`, `openScope`, `keep`).
 */
import { expect } from 'chai'
import { createWasmHeapManager, defineStruct, type HeapRef, type Int32Ref, type StructRef, type StructType, type Utf8StringSliceRef, type WasmHeapManager, type WasmHeapManagerOptions } from '../src/index.js'
import { expectThrow, expectSameBytes } from './support/dynamic.js'
import { snapshot } from './support/heaps.js'

/**
 * An allocator as strict as Rust's: `alloc(size, align)` needs both (it traps otherwise,
 * as `__wbindgen_malloc` does), and `dealloc(ptr, size, align)` must get back exactly
 * what `alloc` was given, or it throws. Counts live bytes as Rust's accounting would.
 */
function strictAllocator(memory: WebAssembly.Memory) {
	let next = 64
	const live = new Map<number, { size: number; align: number }>()
	const calls: string[] = []
	return {
		live,
		calls,
		get liveBytes() {
			let total = 0
			for (const { size } of live.values()) total += size
			return total
		},
		alloc: (size: number, align: number): number => {
			calls.push(`alloc(${size}, ${align})`)
			if (!(Number.isInteger(size) && size > 0 && Number.isInteger(align) && align > 0)) throw new WebAssembly.RuntimeError('unreachable')
			next = Math.ceil(next / align) * align
			const address = next
			next += size
			if (next > memory.buffer.byteLength) memory.grow(Math.ceil((next - memory.buffer.byteLength) / 65536))
			live.set(address, { size, align })
			return address
		},
		dealloc: (address: number, size?: number, align?: number): void => {
			calls.push(`dealloc(${address}, ${size}, ${align})`)
			const region = live.get(address)
			if (region === undefined || region.size !== size || region.align !== align) {
				throw new WebAssembly.RuntimeError(`unreachable (dealloc(${address}, ${size}, ${align}) does not match an allocation)`)
			}
			live.delete(address)
		},
	}
}

/** A manager over a memory of its own whose allocator hands out `step` bytes at a time upwards from 64 (nothing reused), and whose deallocator is `free`. */
function bumpHeap(step: number, free: (address: number) => void, options?: WasmHeapManagerOptions): WasmHeapManager {
	const memory = new WebAssembly.Memory({ initial: 1 })
	let next = 64
	return createWasmHeapManager(() => memory.buffer, () => (next += step), free, options)
}

function strictHeap(options?: WasmHeapManagerOptions) {
	const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 })
	const rust = strictAllocator(memory)
	const heap = createWasmHeapManager(() => memory.buffer, rust.alloc, rust.dealloc, options)
	return { memory, rust, heap }
}

describe('allocator contract: size and alignment travel with every call', () => {
	it('alloc gets (byteSize, alignment) and free gets back exactly the same, for every kind of allocation', () => {
		const { heap, rust } = strictHeap()
		const refs: HeapRef[] = [
			heap.allocInt8(),
			heap.allocInt16(),
			heap.allocFloat64(),
			heap.allocBigInt64Array(3),
			heap.allocUint16Array(0),
			heap.allocNullTerminatedUtf8String('héllo'),
			heap.allocNullTerminatedUtf16String(4),
			heap.allocNullTerminatedUtf32String('x'),
		]
		expect(rust.calls).to.deep.equal([
			'alloc(1, 1)',
			'alloc(2, 2)',
			'alloc(8, 8)',
			'alloc(24, 8)',
			'alloc(1, 2)', // a zero-length array still gets a unique address
			'alloc(7, 1)',
			'alloc(10, 2)',
			'alloc(8, 4)',
		])
		rust.calls.length = 0
		for (const ref of refs) ref.free()
		expect(rust.calls.every((call) => call.startsWith('dealloc('))).to.equal(true)
		expect(rust.live.size).to.equal(0)
	})

	it('1,000 alloc/free cycles of every shape leak nothing and free nothing twice', () => {
		const { heap, rust } = strictHeap()
		for (let i = 0; i < 1000; i++) {
			heap.allocInt32(i).free()
			heap.allocNullTerminatedUtf8String('cycle ' + i).free()
			heap.allocFloat64Array([i, i + 1]).free()
		}
		expect(rust.liveBytes).to.equal(0)
	})

	it('a memory64 allocator gets bigints for every argument', () => {
		const memory = new WebAssembly.Memory({ initial: 1 })
		const calls: unknown[][] = []
		let next = 64n
		const heap = createWasmHeapManager(
			() => memory.buffer,
			(size: bigint, align: bigint): bigint => {
				if (typeof size !== 'bigint' || typeof align !== 'bigint') throw new TypeError('Cannot convert 4 to a BigInt')
				calls.push(['alloc', size, align])
				const address = next
				next += 64n
				return address
			},
			(address: bigint, size?: bigint, align?: bigint) => {
				calls.push(['free', address, size, align])
			},
		)
		heap.allocInt32().free()
		heap.wrapFloat64(512).free()
		expect(calls).to.deep.equal([
			['alloc', 4n, 4n],
			['free', 64n, 4n, 4n],
			['free', 512n, 8n, 8n],
		])
	})

	it('an allocator that traps is a failed allocation naming the method and size, with the trap as cause', () => {
		const memory = new WebAssembly.Memory({ initial: 1 })
		const trap = new WebAssembly.RuntimeError('unreachable')
		const heap = createWasmHeapManager(() => memory.buffer, () => {
			throw trap
		}, () => {})
		const error = expectThrow(() => heap.allocFloat64Array(4), Error, /^allocFloat64Array: allocating 32 bytes failed: the allocator threw RuntimeError: unreachable$/)
		expect(error.cause).to.equal(trap)
		expect(heap.allocatedRefs).to.deep.equal([])
	})

	it('a first call that throws a TypeError not about BigInt is a failed allocation: the allocator is not called again with bigints', () => {
		const memory = new WebAssembly.Memory({ initial: 1 })
		const calls: unknown[][] = []
		const bug = new TypeError("Cannot read properties of undefined (reading 'next')")
		const heap = createWasmHeapManager(
			() => memory.buffer,
			(size: number, align: number) => {
				calls.push([size, align])
				throw bug
			},
			() => {},
		)
		const error = expectThrow(() => heap.allocInt32(), Error, /^allocInt32: allocating 4 bytes failed: the allocator threw TypeError: Cannot read properties/)
		expect(error.cause).to.equal(bug)
		// One call, with numbers: a retry with bigints is only for an i64 export's own conversion error.
		expect(calls).to.deep.equal([[4, 4]])
	})

	it('a deallocator that throws leaves the ref freed and untracked, and rethrows with the cause', () => {
		const memory = new WebAssembly.Memory({ initial: 1 })
		const failure = new Error('free failed')
		const heap = createWasmHeapManager(() => memory.buffer, () => 64, () => {
			throw failure
		})
		const ref = heap.allocInt32()
		const error = expectThrow(() => ref.free(), Error, /^Int32Ref\.free: the deallocator threw Error: free failed \(the ref is freed all the same\)$/)
		expect(error.cause).to.equal(failure)
		expect(ref.isFreed).to.equal(true)
		expect(heap.allocatedRefs).to.deep.equal([])
		ref.free() // a second call does nothing
	})
})

describe('the raw allocator: allocate and deallocate', () => {
	it('allocate(byteSize, alignment = 8) returns a checked, zeroed, untracked address; deallocate passes size and alignment on', () => {
		const { heap, rust, memory } = strictHeap()
		new Uint8Array(memory.buffer).fill(0xee, 0, 4096)
		const address = heap.allocate(24)
		expect(rust.calls.at(-1)).to.equal('alloc(24, 8)')
		expect([...new Uint8Array(memory.buffer, address, 24)].every((byte) => byte === 0)).to.equal(true)
		expect(heap.allocatedRefs).to.deep.equal([])
		heap.deallocate(address, 24, 8)
		expect(rust.live.size).to.equal(0)
		const aligned = heap.allocate(100, 64)
		expect(aligned % 64).to.equal(0)
		heap.deallocate(aligned, 100, 64)
	})

	it('bad arguments are refused before the allocator or deallocator is called', () => {
		const { heap, rust } = strictHeap()
		const tracked = heap.allocInt32()
		const calls = rust.calls.length
		expectThrow(() => heap.allocate(-1), RangeError, /^allocate: byteSize -1 is not a non-negative safe integer$/)
		expectThrow(() => heap.allocate('8' as unknown as number), TypeError, /^allocate: byteSize must be a number, received "8"$/)
		expectThrow(() => heap.allocate(8, 3), RangeError, /^allocate: alignment 3 is not a power of two/)
		expectThrow(() => heap.allocate(8, 1n as unknown as number), TypeError, /^allocate: alignment must be a number/)
		expectThrow(() => heap.deallocate(0), RangeError, /^deallocate: address must be a positive safe integer, received 0/)
		expectThrow(() => heap.deallocate({} as unknown as number), TypeError, /^deallocate: address must be/)
		expectThrow(() => heap.deallocate(64, -4), RangeError, /^deallocate: byteSize -4 is not a non-negative safe integer$/)
		expectThrow(() => heap.deallocate(tracked.address, 4, 4), RangeError, /^deallocate: address \d+ belongs to a live ref .*free\(ref\)/)
		expect(rust.calls.length).to.equal(calls)
		expect(tracked.isFreed).to.equal(false)
	})

	it('a deallocator that throws (a trap) is an Error naming deallocate, with a code and the thrown error as cause', () => {
		const { heap, rust } = strictHeap()
		const address = heap.allocate(24, 8)
		// The strict deallocator traps for a size or alignment other than the allocation's.
		const error = expectThrow(() => heap.deallocate(address, 16, 8), Error, /^deallocate: the deallocator threw RuntimeError: unreachable \(dealloc\(\d+, 16, 8\) does not match an allocation\)$/)
		expect((error as Error & { code?: string }).code).to.equal('ERR_HEAP_ALLOCATION_FAILED')
		expect(error.cause).to.be.instanceOf(WebAssembly.RuntimeError)
		heap.deallocate(address, 24, 8)
		expect(rust.live.size).to.equal(0)
	})
})

describe('ownership', () => {
	it('heap.free(ref) frees as ref.free() does; a ref of another manager is a RangeError', () => {
		const { heap, rust } = strictHeap()
		const ref = heap.allocFloat32Array(2)
		heap.free(ref)
		expect([ref.isFreed, rust.live.size]).to.deep.equal([true, 0])
		const other = strictHeap().heap.allocInt8()
		expectThrow(() => heap.free(other), RangeError, 'free: the ref belongs to another manager')
		expect(other.isFreed).to.equal(false)
	})

	it('release() gives up ownership: untracked, every use throws saying so, freeAll leaves it alone', () => {
		const { heap, rust, memory } = strictHeap()
		const ref = heap.allocInt32(7)
		const before = snapshot(memory)
		const address = ref.release()
		expect(address).to.equal(ref.address)
		expect(heap.allocatedRefs).to.deep.equal([])
		expect(ref.isFreed).to.equal(true)
		for (const use of [() => ref.value, () => ref.write(1), () => ref.free(), () => ref.release(), () => ref.allocatedBytesView]) {
			expectThrow(use, Error, /^Int32Ref\.\w+: the reference to address \d+ was released/)
		}
		heap.freeAll()
		expect(rust.live.has(address)).to.equal(true)
		expectSameBytes(snapshot(memory), before)
		// Freeing it is now the business of the code it went to.
		heap.deallocate(address, 4, 4)
		expect(rust.live.size).to.equal(0)
	})

	it('a freed ref cannot be released', () => {
		const { heap } = strictHeap()
		const ref = heap.allocInt16()
		ref.free()
		expectThrow(() => ref.release(), Error, /^Int16Ref\.release: the reference to address \d+ has been freed$/)
	})

	it('WrapOptions.deallocator: a function frees the wrapped region instead of the manager, null borrows it', () => {
		const { heap, rust } = strictHeap()
		const sqliteFreed: unknown[][] = []
		const sqlite3_free = (...args: unknown[]) => void sqliteFreed.push(args)
		heap.wrapUint32Array(128, 4, { deallocator: sqlite3_free }).free()
		heap.wrapNullTerminatedAsciiString(256, 8, { deallocator: sqlite3_free }).free()
		heap.wrapFloat64(512, { deallocator: sqlite3_free }).free()
		expect(sqliteFreed).to.deep.equal([
			[128, 16, 4],
			[256, 8, 1],
			[512, 8, 8],
		])
		const borrowed = heap.wrapInt32(1024, { deallocator: null })
		borrowed.free()
		expect(borrowed.isFreed).to.equal(true)
		expect(rust.calls).to.deep.equal([]) // the manager's deallocator was never called
		expectThrow(() => borrowed.value, Error, /has been freed/)
	})

	it('freeing a wrap of a live tracked ref’s address frees that ref too: neither its free() nor freeAll() frees the region again', () => {
		const freed: number[] = []
		const heap = bumpHeap(64, (address: number) => void freed.push(address))
		const kept = heap.allocInt32()
		// A pointer C handed back (the manager allocated it), wrapped and freed: C's free(ptr) frees the allocation.
		const buffer = heap.allocUint8Array(16)
		heap.wrapUint8Array(buffer.address, 16).free()
		expect(buffer.isFreed).to.equal(true)
		expect(heap.allocatedRefs).to.deep.equal([kept])
		buffer.free()
		heap.freeAll()
		expect(freed).to.deep.equal([buffer.address, kept.address])
		// In a scope too: closing it does not free the region again.
		freed.length = 0
		const inScope = heap.withScope(() => {
			const temporary = heap.allocFloat64()
			heap.wrapFloat64(temporary.address).free()
			return temporary
		})
		expect([inScope.isFreed, freed]).to.deep.equal([true, [inScope.address]])
		// A borrowed wrap frees nothing, so the tracked ref stays live.
		const shared = heap.allocInt16()
		heap.wrapInt16(shared.address, { deallocator: null }).free()
		expect(shared.isFreed).to.equal(false)
		shared.free()
		expect(freed).to.deep.equal([inScope.address, shared.address])
	})

	it('bad WrapOptions are a TypeError and make no ref', () => {
		const { heap } = strictHeap()
		expectThrow(() => heap.wrapInt32(64, 5 as never), TypeError, /^wrapInt32: options must be an object/)
		expectThrow(() => heap.wrapInt32Array(64, 1, { deallocator: 'free' as never }), TypeError, /^wrapInt32Array: options\.deallocator must be a function or null, received "free"$/)
		expectThrow(() => heap.wrapNullTerminatedUtf8String(64, 4, null as never), TypeError, /^wrapNullTerminatedUtf8String: options must be an object/)
	})

	it('a misspelt WrapOptions key is a TypeError, not a wrap whose free() calls the manager\'s deallocator on borrowed memory', () => {
		const { heap, rust } = strictHeap()
		expectThrow(() => heap.wrapInt32(64, { dealocator: null } as never), TypeError, "wrapInt32: unknown option 'dealocator': the options are deallocator")
		expectThrow(() => heap.wrapUtf8StringSlice(64, 4, { deallocater: null } as never), TypeError, "wrapUtf8StringSlice: unknown option 'deallocater': the options are deallocator, capacity")
		const Pair = defineStruct('Pair', { a: 'Int32', b: 'Int32' })
		expectThrow(() => heap.wrapStruct(Pair, 64, { stride: 16 } as never), TypeError, "wrapStruct: unknown option 'stride': the options are deallocator")
		expectThrow(() => heap.wrapStructArray(Pair, 64, 2, { strde: 16 } as never), TypeError, "wrapStructArray: unknown option 'strde': the options are deallocator, stride")
		expect(heap.wrapStructArray(Pair, 64, 2, { stride: 16, deallocator: null }).stride).to.equal(16)
		expect(rust.calls).to.deep.equal([])
	})
})

describe('scopes', () => {
	it('withScope frees what was allocated while it ran, returns fn’s value, and frees on a throw too', () => {
		const { heap, rust } = strictHeap()
		const kept = heap.allocInt32()
		const result = heap.withScope(() => {
			const a = heap.allocNullTerminatedUtf8String('temporary')
			const b = heap.allocFloat64Array([1, 2])
			return a.address + b.address
		})
		expect(result).to.be.greaterThan(0)
		expect(heap.allocatedRefs).to.deep.equal([kept])
		const failure = new Error('inside')
		expect(() =>
			heap.withScope(() => {
				heap.allocInt8()
				throw failure
			}),
		).to.throw(failure)
		expect(heap.allocatedRefs).to.deep.equal([kept])
		expect(rust.live.size).to.equal(1)
	})

	it('[Symbol.dispose] closes the scope, and does nothing once it is closed (a using block that called close() itself); close() twice still throws', () => {
		const { heap, rust } = strictHeap()
		const scope = heap.openScope()
		heap.allocInt32()
		scope.close()
		expect(() => scope[Symbol.dispose]()).not.to.throw()
		expect(() => scope.close()).to.throw(Error, /already closed/)
		const disposed = heap.openScope()
		const ref = heap.allocFloat64()
		disposed[Symbol.dispose]()
		expect(disposed.isClosed).to.equal(true)
		expect(ref.isFreed).to.equal(true)
		expect(rust.live.size).to.equal(0)
	})

	it("a ref its scope's end freed says so when used; one freed before, kept, or freed by freeAll does not", () => {
		const { heap } = strictHeap()
		const byScope = / has been freed by its scope's end$/
		const Point = defineStruct('Point', { x: 'Int32' })
		let value!: Int32Ref
		let freedFirst!: Int32Ref
		let slice!: Utf8StringSliceRef
		let point!: StructRef
		let nested!: Int32Ref
		heap.withScope(() => {
			value = heap.allocInt32(1)
			freedFirst = heap.allocInt32(2)
			freedFirst.free()
			slice = heap.allocUtf8StringSlice('x')
			point = heap.allocStruct(Point, { x: 3 })
			heap.withScope(() => {
				nested = heap.allocInt32(4)
			})
		})
		expectThrow(() => value.value, Error, /^Int32Ref\.value: the reference to address \d+ has been freed by its scope's end/)
		expectThrow(() => nested.value, Error, byScope)
		expectThrow(() => slice.write('y'), Error, byScope)
		expectThrow(() => (point as unknown as { x: number }).x, Error, byScope)
		expectThrow(() => freedFirst.value, Error, /has been freed$/)
		// a scope whose deallocator throws frees its refs all the same, and says so
		const failing = createWasmHeapManager(() => new ArrayBuffer(65536), () => 1024, () => {
			throw new Error('deallocator')
		})
		let orphan!: Int32Ref
		expect(() => failing.withScope(() => void (orphan = failing.allocInt32()))).to.throw(Error, /deallocator threw/)
		expectThrow(() => orphan.value, Error, byScope)
		// kept, then freed by freeAll: not its scope
		let kept!: Int32Ref
		{
			using scope = heap.openScope()
			kept = scope.keep(heap.allocInt32(5))
		}
		heap.freeAll()
		expectThrow(() => kept.value, Error, /has been freed$/)
	})

	it("a struct's pointer field given a ref its scope's end freed says so, and writes nothing", () => {
		const { heap, memory } = strictHeap()
		const Node = defineStruct('Node', {
			value: 'Int32',
			next: { pointer: (): StructType => Node },
			count: { pointer: 'Int32' },
			name: { pointer: 'Utf8' },
		})
		const list = heap.allocStruct(Node, { value: 1 })
		const fields = list as unknown as Record<'next' | 'count' | 'name', unknown>
		let node!: StructRef
		let element!: StructRef
		let count!: Int32Ref
		let name!: HeapRef
		let freedFirst!: Int32Ref
		heap.withScope(() => {
			node = heap.allocStruct(Node)
			element = heap.allocStructArray(Node, 2).at(1) // a sub-ref: its scope is its array's
			count = heap.allocInt32()
			name = heap.allocNullTerminatedUtf8String('n')
			freedFirst = heap.allocInt32()
			freedFirst.free()
		})
		const before = snapshot(memory)
		const cases: [string, () => unknown, HeapRef][] = [
			['Node.next', () => (fields.next = node), node],
			['Node.next', () => (fields.next = element), element],
			['Node.count', () => (fields.count = count), count],
			['Node.name', () => (fields.name = name), name],
			['Node.write.next', () => list.write({ next: node } as never), node],
		]
		for (const [where, assign, ref] of cases) {
			const error = expectThrow(assign, Error, `${where}: the ref to address ${ref.address} has been freed by its scope's end`)
			expect((error as { code?: string }).code).to.equal('ERR_HEAP_REF_FREED')
		}
		// freed before its scope ended: the scope did not free it, and the message does not say so
		expectThrow(() => (fields.count = freedFirst), Error, `Node.count: the ref to address ${freedFirst.address} has been freed`)
		expectSameBytes(snapshot(memory), before)
		expect(list.read()).to.deep.equal({ value: 1, next: 0, count: 0, name: 0 })
	})

	it("a struct's pointer field given a released ref says it was released (ERR_HEAP_REF_RELEASED), and writes nothing", () => {
		const { heap, memory } = strictHeap()
		const Node = defineStruct('Node', { value: 'Int32', next: { pointer: (): StructType => Node }, count: { pointer: 'Int32' } })
		const list = heap.allocStruct(Node, { value: 1 })
		const fields = list as unknown as Record<'next' | 'count', unknown>
		const node = heap.allocStruct(Node)
		const array = heap.allocStructArray(Node, 2)
		const element = array.at(1) // released with its array
		const count = heap.allocInt32()
		const freed = heap.allocInt32()
		node.release()
		array.release()
		count.release()
		freed.free()
		const before = snapshot(memory)
		for (const [where, assign, ref] of [
			['Node.next', () => (fields.next = node), node],
			['Node.next', () => (fields.next = element), element],
			['Node.count', () => (fields.count = count), count],
			['Node.write.next', () => list.write({ next: node } as never), node],
		] as [string, () => unknown, HeapRef][]) {
			const error = expectThrow(assign, Error, `${where}: the ref to address ${ref.address} was released (its region now belongs to the code it was handed to)`)
			expect((error as { code?: string }).code).to.equal('ERR_HEAP_REF_RELEASED')
		}
		// a freed one still says freed
		const error = expectThrow(() => (fields.count = freed), Error, `Node.count: the ref to address ${freed.address} has been freed`)
		expect((error as { code?: string }).code).to.equal('ERR_HEAP_REF_FREED')
		expectSameBytes(snapshot(memory), before)
		expect(list.read()).to.deep.equal({ value: 1, next: 0, count: 0 })
	})

	it('nested scopes free their own, innermost first; keep() and release() take a ref out', () => {
		const { heap, rust } = strictHeap()
		let innerAddress = 0
		let released = 0
		const kept = heap.withScope(() => {
			const outer = heap.allocInt32()
			const keep = heap.allocInt16()
			heap.withScope(() => {
				innerAddress = heap.allocFloat64().address
				released = heap.allocInt8().release()
			})
			// The inner scope freed its own ref, not the outer scope's.
			expect(rust.live.has(innerAddress)).to.equal(false)
			expect(heap.allocatedRefs).to.have.members([outer, keep])
			return keep
		})
		expect(heap.allocatedRefs).to.deep.equal([])
		expect(rust.live.has(released)).to.equal(true) // released: not freed by either scope
		const scope = heap.openScope()
		const survivor = scope.keep(heap.allocInt32())
		const temporary = heap.allocInt32()
		scope.close()
		expect([survivor.isFreed, temporary.isFreed, kept.isFreed]).to.deep.equal([false, true, true])
		expect(heap.allocatedRefs).to.deep.equal([survivor])
		const freeOrder: string[] = []
		heap.withScope(() => {
			for (const ref of [heap.allocInt8(), heap.allocInt8(), heap.allocInt8()]) freeOrder.unshift(`dealloc(${ref.address}, 1, 1)`)
			rust.calls.length = 0
		})
		expect(rust.calls).to.deep.equal(freeOrder) // newest first
	})

	it('openScope with using closes at the end of the block; closing an outer scope first is an Error', () => {
		const { heap, rust } = strictHeap()
		{
			using scope = heap.openScope()
			heap.allocInt32()
			const inner = heap.openScope()
			heap.allocInt8()
			expectThrow(() => scope.close(), Error, 'HeapScope.close: an inner scope (opened after this one) is still open; close scopes innermost first')
			inner.close()
			expect(rust.live.size).to.equal(1)
			expectThrow(() => inner.close(), Error, 'HeapScope.close: this scope is already closed')
		}
		expect(rust.live.size).to.equal(0)
	})

	it('an async fn or a returned promise is a TypeError', async () => {
		const { heap } = strictHeap()
		// TypeScript refuses both too (npm run typecheck fails on an unused @ts-expect-error): withScope was typed to return a Promise<number> here
		// @ts-expect-error -- an async fn: scopes are synchronous
		expectThrow(() => heap.withScope(async () => 1), TypeError, /^withScope: fn is an async function/)
		// @ts-expect-error -- a fn returning a promise
		expectThrow(() => heap.withScope(() => Promise.resolve(1)), TypeError, /^withScope: fn returned a promise/)
		// @ts-expect-error -- one that may return a promise
		expectThrow(() => heap.withScope(() => (heap.abi === 'wasm32' ? Promise.resolve(1) : 1)), TypeError, /^withScope: fn returned a promise/)
		// what a synchronous fn returns keeps its type
		const sum: number = heap.withScope(() => {
			const pair = heap.allocInt32Array([1, 2])
			return pair.readAt(0) + pair.readAt(1)
		})
		const nothing: void = heap.withScope(() => {})
		const text: string | undefined = heap.withScope((): string | undefined => 'x')
		expect([sum, nothing, text]).to.deep.equal([3, undefined, 'x'])
		expectThrow(() => heap.withScope(5 as never), TypeError, /^withScope: expected a function, received 5$/)
	})

	it('scopes work with tracking off, and a deallocator that throws does not stop the others', () => {
		const freed: number[] = []
		const heap = bumpHeap(
			16,
			(address: number) => {
				freed.push(address)
				if (freed.length === 2) throw new Error('second free failed')
			},
			{ trackAllocations: false },
		)
		const scope = heap.openScope()
		const refs = [heap.allocInt32(), heap.allocInt32(), heap.allocInt32()]
		expectThrow(() => scope.close(), Error, /^Int32Ref\.free: the deallocator threw Error: second free failed/)
		expect(freed).to.deep.equal(refs.map((ref) => ref.address).reverse())
		expect(refs.every((ref) => ref.isFreed)).to.equal(true)
		expect(scope.isClosed).to.equal(true)
	})

	it('withScope: when fn throws and a deallocator throws while the scope closes, neither error is lost', () => {
		const freed: number[] = []
		let refuse = 0
		const heap = bumpHeap(
			16,
			(address: number) => {
				if (address === refuse) throw new Error('free failed')
				freed.push(address)
			},
		)
		const failure = new Error('inside')
		const refs: HeapRef[] = []
		const error = expectThrow(
			() =>
				heap.withScope(() => {
					refs.push(heap.allocInt32(), heap.allocFloat64(), heap.allocUint8())
					refuse = refs[1]!.address
					throw failure
				}),
			AggregateError,
			/^withScope: fn threw, and closing its scope threw too/,
		)
		expect((error as AggregateError & { code: string }).code).to.equal('ERR_HEAP_SCOPE')
		const [first, second] = (error as AggregateError).errors as Error[]
		expect(first).to.equal(failure)
		expect(second!.message).to.match(/^Float64Ref\.free: the deallocator threw Error: free failed/)
		expect(refs.every((ref) => ref.isFreed)).to.equal(true)
		expect(freed).to.deep.equal([refs[2]!.address, refs[0]!.address])
		expect(heap.allocatedRefs).to.deep.equal([])
		// fn's error alone when the scope closes cleanly; the deallocator's alone when fn returned.
		refuse = 0
		expect(() => heap.withScope(() => {
			heap.allocInt32()
			throw failure
		})).to.throw(failure)
		expectThrow(() => heap.withScope(() => (refuse = heap.allocInt16().address)), Error, /^Int16Ref\.free: the deallocator threw/)
	})

	it('withScope closes the scopes fn opened and left open, innermost first: an exception unwinding through fn leaves no scope open', () => {
		const { heap, rust } = strictHeap()
		const kept = heap.allocInt32()
		const failure = new Error('inside')
		let inner: ReturnType<WasmHeapManager['openScope']> | undefined
		let deepest: ReturnType<WasmHeapManager['openScope']> | undefined
		const refs: HeapRef[] = []
		expect(() =>
			heap.withScope(() => {
				refs.push(heap.allocInt8())
				inner = heap.openScope() // closed by a scope.close() that the throw skips
				refs.push(heap.allocFloat64Array(2))
				deepest = heap.openScope()
				refs.push(heap.allocUint16())
				throw failure
			}),
		).to.throw(failure)
		expect([inner!.isClosed, deepest!.isClosed]).to.deep.equal([true, true])
		expect(refs.every((ref) => ref.isFreed)).to.equal(true)
		expect(heap.allocatedRefs).to.deep.equal([kept])
		expect(rust.live.size).to.equal(1)
		// No scope is left open: a ref allocated now is adopted by nothing, and a new scope is the outermost.
		const after = heap.allocInt32()
		const scope = heap.openScope()
		scope.close()
		expect(after.isFreed).to.equal(false)

		// fn returning normally with a scope still open is a bug in fn: an Error, with everything closed and freed.
		const error = expectThrow(
			() =>
				heap.withScope(() => {
					refs.push(heap.allocInt32())
					inner = heap.openScope()
					refs.push(heap.allocInt32())
					return 1
				}),
			Error,
			'withScope: fn returned with 1 scope(s) it opened still open; withScope closed them, innermost first, then its own',
		)
		expect((error as Error & { code: string }).code).to.equal('ERR_HEAP_SCOPE')
		expect(inner!.isClosed).to.equal(true)
		expect(refs.every((ref) => ref.isFreed)).to.equal(true)
		expect(heap.allocatedRefs).to.have.members([kept, after])
		expect(heap.withScope(() => heap.allocInt8().isFreed)).to.equal(false)
		expect(heap.allocatedRefs).to.have.members([kept, after])
	})

	it('withScope: fn returning a promise with a scope it opened still open (an async task that opened one before its first await) is the promise TypeError, everything closed and freed', async () => {
		const { heap, rust } = strictHeap()
		let inner: ReturnType<WasmHeapManager['openScope']> | undefined
		const refs: HeapRef[] = []
		const task = async (): Promise<number> => {
			inner = heap.openScope()
			refs.push(heap.allocInt32())
			await Promise.resolve()
			return 1
		}
		// (TypeScript refuses it: `as never` stands for JavaScript, or a cast, which the run-time check catches)
		const error = expectThrow(() => heap.withScope((() => task()) as never), TypeError, /^withScope: fn returned a promise/)
		expect((error as Error & { code: string }).code).to.equal('ERR_HEAP_SCOPE')
		expect(inner!.isClosed).to.equal(true)
		expect(refs.every((ref) => ref.isFreed)).to.equal(true)
		expect(rust.live.size).to.equal(0)
		// The manager is usable: a new scope is the innermost again.
		expect(heap.withScope(() => heap.allocInt8().isFreed)).to.equal(false)
	})

	it('withScope: fn returning with a scope left open whose refs\' deallocators throw is the left-open Error, with what they threw as its cause', () => {
		const refuse = new Set<number>()
		const heap = bumpHeap(
			16,
			(address: number) => {
				if (refuse.has(address)) throw new Error(`cannot free ${address}`)
			},
		)
		for (const failing of [1, 2]) {
			refuse.clear()
			const refs: HeapRef[] = []
			const error = expectThrow(
				() =>
					heap.withScope(() => {
						refs.push(heap.allocInt32())
						heap.openScope()
						refs.push(heap.allocInt32(), heap.allocFloat64())
						// one ref of the inner scope; then one of each scope, so that both closes throw
						for (const ref of failing === 1 ? [refs[2]!] : [refs[0]!, refs[2]!]) refuse.add(ref.address)
						return 1
					}),
				Error,
				'withScope: fn returned with 1 scope(s) it opened still open; withScope closed them, innermost first, then its own',
			)
			const cause = (error as Error).cause as Error
			if (failing === 1) {
				expect(cause.message).to.equal(`Float64Ref.free: the deallocator threw Error: cannot free ${refs[2]!.address} (the ref is freed all the same)`)
			} else {
				expect(cause).to.be.instanceOf(AggregateError)
				expect([cause.message, (cause as Error & { code: string }).code]).to.deep.equal(['withScope: 2 deallocators threw', 'ERR_HEAP_ALLOCATION_FAILED'])
				// the inner scope's close first, then withScope's own
				expect((cause as AggregateError).errors.map((inner) => (inner as Error).message.replace(/ \(.*/, ''))).to.deep.equal([
					`Float64Ref.free: the deallocator threw Error: cannot free ${refs[2]!.address}`,
					`Int32Ref.free: the deallocator threw Error: cannot free ${refs[0]!.address}`,
				])
			}
			expect(refs.every((ref) => ref.isFreed)).to.equal(true)
			expect(heap.allocatedRefs).to.deep.equal([])
		}
	})

	it('a scope of many refs frees each it still holds once, newest first, past the four it keeps in fields', () => {
		// Refs 0-3 live in the scope's fields, 4 and later in its array: one of each kind is
		// freed early, kept and released, so the skip applies on both sides of the boundary.
		const { heap, rust } = strictHeap()
		const scope = heap.openScope()
		const refs = Array.from({ length: 9 }, () => heap.allocInt32())
		refs[1]!.free()
		const kept = scope.keep(refs[3]!)
		const released = refs[4]!.release()
		refs[6]!.free()
		const survivor = scope.keep(refs[7]!)
		rust.calls.length = 0
		scope.close()
		const freedByClose = [8, 5, 2, 0].map((index) => `dealloc(${refs[index]!.address}, 4, 4)`)
		expect(rust.calls).to.deep.equal(freedByClose)
		expect(refs.map((ref) => ref.isFreed)).to.deep.equal([true, true, true, false, true, true, true, false, true])
		expect(heap.allocatedRefs).to.have.members([kept, survivor])
		expect(rust.live.has(released)).to.equal(true)
	})

	it('an outer scope adopts again once the inner one closes, and a scope opened after a close nests in the right one', () => {
		const { heap, rust } = strictHeap()
		const outer = heap.openScope()
		const before = heap.allocInt32()
		const inner = heap.openScope()
		const inInner = heap.allocInt32()
		inner.close()
		const after = heap.allocInt32() // the outer scope's again
		const second = heap.openScope()
		const inSecond = heap.allocInt32()
		expectThrow(() => outer.close(), Error, /an inner scope \(opened after this one\) is still open/)
		second.close()
		expect([inInner.isFreed, inSecond.isFreed, before.isFreed, after.isFreed]).to.deep.equal([true, true, false, false])
		outer.close()
		expect([before.isFreed, after.isFreed]).to.deep.equal([true, true])
		expect(rust.live.size).to.equal(0)
		// With every scope closed, a new ref belongs to none.
		const loose = heap.allocInt32()
		expectThrow(() => outer.close(), Error, 'HeapScope.close: this scope is already closed')
		expect(loose.isFreed).to.equal(false)
	})

	it('withScope refuses every kind of async function: bound, methods, and functions of a subclass of AsyncFunction', () => {
		const { heap, rust } = strictHeap()
		const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (body: string) => () => Promise<unknown>
		class Tagged extends AsyncFunction {}
		const methods = { async run() {} }
		for (const fn of [async function named() {}, (async () => {}).bind(null), methods.run, new AsyncFunction('return 1'), new Tagged('return 1')]) {
			expectThrow(() => heap.withScope(fn as never), TypeError, /^withScope: fn is an async function/)
		}
		expect(rust.calls).to.deep.equal([])
		// A plain function is no async function, even one with an async function as its prototype's constructor.
		const plain = Object.assign(() => 7, { constructor: AsyncFunction })
		expect(heap.withScope(plain)).to.equal(7)
	})

	it('keep() refuses what the scope does not hold', () => {
		const { heap } = strictHeap()
		const outside = heap.allocInt32()
		const scope = heap.openScope()
		expectThrow(() => scope.keep(outside), TypeError, /^HeapScope\.keep: an object \(Int32Ref\) is not a ref this scope holds$/)
		expectThrow(() => scope.keep(5 as never), TypeError, /^HeapScope\.keep: 5 is not a ref this scope holds$/)
		scope.close()
		expectThrow(() => scope.keep(outside), Error, 'HeapScope.keep: the scope is closed')
	})
})

describe('alloc<T>(value)', () => {
	it('writes the value after zeroing, converted as write<T> converts', () => {
		const { heap } = strictHeap()
		expect(heap.allocInt8(300).value).to.equal(44)
		expect(heap.allocClampedUint8(300).value).to.equal(255)
		expect(heap.allocFloat16(1 / 3).value).to.equal(0.333251953125)
		expect(heap.allocBigUint64(-1n).value).to.equal(2n ** 64n - 1n)
		expect(heap.allocPointer53(2 ** 40).value).to.equal(2 ** 40)
		expect(heap.allocPointer32(7).value).to.equal(7)
		expect(heap.allocInt32().value).to.equal(0)
		expect(heap.allocFloat64(0).value).to.equal(0)
	})

	it('a bad value throws before the allocator is called', () => {
		const { heap, rust } = strictHeap()
		expectThrow(() => heap.allocInt32(1n as never), TypeError, 'allocInt32: value must be a number, received 1n')
		expectThrow(() => heap.allocBigInt64(1 as never), TypeError, 'allocBigInt64: value must be a bigint, received 1')
		expectThrow(() => heap.allocPointer53(-1), RangeError, /^allocPointer53: -1 is not a valid pointer53 value/)
		expect(rust.calls).to.deep.equal([])
	})
})
