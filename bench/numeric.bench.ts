/**
 * Numeric hot paths against the same loops written directly on typed arrays / DataView.
 * Goals (issue 2): manager methods at least 0.5x the raw loop, refs at least 0.4x.
 */
import { createWasmHeapManager } from './library.js'
import type { BenchCase } from './harness.js'

const memory = new WebAssembly.Memory({ initial: 16 })
let bump = 1024
const heap = createWasmHeapManager(
	() => memory.buffer,
	(size) => {
		const address = bump
		bump += Math.ceil(size / 16) * 16
		return address
	},
	() => {},
)

const operations = 1 << 16
const addressCount = 4096
// Pseudo-random 8-byte-aligned addresses, shared by library and raw loops.
const addresses = new Float64Array(addressCount).map((_, i) => ((i * 2654435761) % 60000) - (((i * 2654435761) % 60000) % 8))
const dataView = new DataView(memory.buffer)
const uint8 = new Uint8Array(memory.buffer)
const int32Ref = heap.allocInt32()
const int32RawView = new Int32Array(memory.buffer)
const int32RawIndex = int32Ref.address / 4
const float64ArrayRef = heap.allocFloat64Array(addressCount)
const rawFloat64 = new Float64Array(memory.buffer, float64ArrayRef.address, addressCount)
const mask = addressCount - 1

export const numericCases: BenchCase[] = [
	{
		suite: 'numeric',
		name: 'readInt32',
		operations,
		goals: { raw: 0.5 },
		library: () => {
			let sum = 0
			for (let i = 0; i < operations; i++) sum += heap.readInt32(addresses[i & mask]!)
			return sum
		},
		baselines: {
			raw: () => {
				let sum = 0
				for (let i = 0; i < operations; i++) sum += dataView.getInt32(addresses[i & mask]!, true)
				return sum
			},
		},
	},
	{
		suite: 'numeric',
		name: 'writeFloat64',
		operations,
		goals: { raw: 0.5 },
		library: () => {
			for (let i = 0; i < operations; i++) heap.writeFloat64(addresses[i & mask]!, i * 0.5)
		},
		baselines: {
			raw: () => {
				for (let i = 0; i < operations; i++) dataView.setFloat64(addresses[i & mask]!, i * 0.5, true)
			},
		},
	},
	{
		suite: 'numeric',
		name: 'readUint8',
		operations,
		goals: { raw: 0.5 },
		library: () => {
			let sum = 0
			for (let i = 0; i < operations; i++) sum += heap.readUint8(addresses[i & mask]! + (i & 7))
			return sum
		},
		baselines: {
			raw: () => {
				let sum = 0
				for (let i = 0; i < operations; i++) sum += uint8[addresses[i & mask]! + (i & 7)]!
				return sum
			},
		},
	},
	{
		suite: 'numeric',
		name: 'Int32Ref value += 1',
		operations,
		goals: { raw: 0.4 },
		library: () => {
			for (let i = 0; i < operations; i++) int32Ref.value += 1
		},
		baselines: {
			raw: () => {
				for (let i = 0; i < operations; i++) int32RawView[int32RawIndex]! += 1
			},
		},
	},
	{
		suite: 'numeric',
		name: 'Float64ArrayRef readAt',
		operations,
		goals: { raw: 0.4 },
		library: () => {
			let sum = 0
			for (let i = 0; i < operations; i++) sum += float64ArrayRef.readAt(i & mask)
			return sum
		},
		baselines: {
			raw: () => {
				let sum = 0
				for (let i = 0; i < operations; i++) sum += rawFloat64[i & mask]!
				return sum
			},
		},
	},
]
