/**
 * Atomic read-modify-write against the same loops written with `Atomics` on the raw
 * typed arrays of the same shared memory (issue 13). Goals: `addInt32Atomic` and
 * `Int32Ref.addAtomic` at least 0.6x `Atomics.add` on an `Int32Array`.
 *
 * Each case walks the same 4,096 aligned addresses (1,024 refs for the ref cases) of one
 * shared `WebAssembly.Memory`, as a program updating many counters does. Beside the two
 * goals, for the record: the array ref, `compareExchangeInt32Atomic`, `addBigInt64Atomic`
 * and `addFloat64Atomic` (a compare-exchange loop on the `BigInt64Array`, against the same
 * loop written by hand with a scratch `Float64Array`/`BigInt64Array` pair).
 */
import { createWasmHeapManager, type Int32Ref } from './library.js'
import type { BenchCase } from './harness.js'

const operations = 1 << 16
const addressCount = 4096
const mask = addressCount - 1
const refCount = 1024

const memory = new WebAssembly.Memory({ initial: 16, maximum: 64, shared: true })
let bump = 1024
const heap = createWasmHeapManager(
	() => memory.buffer,
	(size: number) => {
		const address = bump
		bump += Math.ceil(size / 16) * 16
		return address
	},
	() => {},
)
const int32 = new Int32Array(memory.buffer)
const bigInt64 = new BigInt64Array(memory.buffer)

/** Byte addresses of the counters, 16 bytes apart from 65,536 on (past the refs). */
const addresses = new Float64Array(addressCount)
for (let i = 0; i < addressCount; i++) addresses[i] = 65536 + i * 16
const int32Indices = new Int32Array(addressCount)
for (let i = 0; i < addressCount; i++) int32Indices[i] = addresses[i]! / 4
const int64Indices = new Int32Array(addressCount)
for (let i = 0; i < addressCount; i++) int64Indices[i] = addresses[i]! / 8

const refs: Int32Ref[] = []
for (let i = 0; i < refCount; i++) refs.push(heap.allocInt32())
const refIndices = new Int32Array(refCount)
for (let i = 0; i < refCount; i++) refIndices[i] = refs[i]!.address / 4
const arrayRef = heap.allocInt32Array(addressCount)
const arrayBase = arrayRef.address / 4

// The hand-written float loop's scratch pair, as the library's conversions do it.
const scratchFloat = new Float64Array(1)
const scratchBits = new BigInt64Array(scratchFloat.buffer)

export const atomicsCases: BenchCase[] = [
	{
		suite: 'atomics',
		name: 'addInt32Atomic',
		operations,
		goals: { raw: 0.6 },
		library: () => {
			let sum = 0
			for (let i = 0; i < operations; i++) sum += heap.addInt32Atomic(addresses[i & mask]!, 1)
			return sum
		},
		baselines: {
			raw: () => {
				let sum = 0
				for (let i = 0; i < operations; i++) sum += Atomics.add(int32, int32Indices[i & mask]!, 1)
				return sum
			},
		},
	},
	{
		suite: 'atomics',
		name: `Int32Ref.addAtomic (${refCount.toLocaleString('en')} refs)`,
		operations,
		goals: { raw: 0.6 },
		library: () => {
			let sum = 0
			for (let i = 0; i < operations; i++) sum += refs[i & (refCount - 1)]!.addAtomic(1)
			return sum
		},
		baselines: {
			raw: () => {
				let sum = 0
				for (let i = 0; i < operations; i++) sum += Atomics.add(int32, refIndices[i & (refCount - 1)]!, 1)
				return sum
			},
		},
	},
	{
		suite: 'atomics',
		name: 'Int32ArrayRef.addAtomicAt',
		operations,
		library: () => {
			let sum = 0
			for (let i = 0; i < operations; i++) sum += arrayRef.addAtomicAt(i & mask, 1)
			return sum
		},
		baselines: {
			raw: () => {
				let sum = 0
				for (let i = 0; i < operations; i++) sum += Atomics.add(int32, arrayBase + (i & mask), 1)
				return sum
			},
		},
	},
	{
		suite: 'atomics',
		name: 'compareExchangeInt32Atomic',
		operations,
		library: () => {
			let sum = 0
			for (let i = 0; i < operations; i++) sum += heap.compareExchangeInt32Atomic(addresses[i & mask]!, i, i + 1)
			return sum
		},
		baselines: {
			raw: () => {
				let sum = 0
				for (let i = 0; i < operations; i++) sum += Atomics.compareExchange(int32, int32Indices[i & mask]!, i, i + 1)
				return sum
			},
		},
	},
	{
		suite: 'atomics',
		name: 'addBigInt64Atomic',
		operations,
		library: () => {
			let sum = 0n
			for (let i = 0; i < operations; i++) sum += heap.addBigInt64Atomic(addresses[i & mask]!, 1n)
			return sum
		},
		baselines: {
			raw: () => {
				let sum = 0n
				for (let i = 0; i < operations; i++) sum += Atomics.add(bigInt64, int64Indices[i & mask]!, 1n)
				return sum
			},
		},
	},
	{
		suite: 'atomics',
		name: 'addFloat64Atomic (compare-exchange loop)',
		operations,
		library: () => {
			let sum = 0
			for (let i = 0; i < operations; i++) sum += heap.addFloat64Atomic(addresses[i & mask]!, 0.5)
			return sum
		},
		baselines: {
			raw: () => {
				let sum = 0
				for (let i = 0; i < operations; i++) {
					const index = int64Indices[i & mask]!
					let stored = Atomics.load(bigInt64, index)
					for (;;) {
						scratchBits[0] = stored
						const old = scratchFloat[0]!
						scratchFloat[0] = old + 0.5
						const seen = Atomics.compareExchange(bigInt64, index, stored, scratchBits[0]!)
						if (seen === stored) {
							sum += old
							break
						}
						stored = seen
					}
				}
				return sum
			},
		},
	},
]
