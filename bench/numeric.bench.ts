/**
 * Numeric hot paths against the same loop written directly on typed arrays / DataView.
 * Run with `npm run bench`. Prints throughput and the ratio library/raw (higher is
 * better, 1.0 = as fast as the raw loop), all measured in this one process run.
 * Rounds interleave library and raw so that machine noise hits both alike.
 */
import { createWasmHeapManager } from '../src/index.js'

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

const operationsPerRun = 1 << 16
const addressCount = 4096
// Aligned pseudo-random addresses, the same for library and raw loops.
const int32Addresses = new Float64Array(addressCount).map((_, i) => ((i * 2654435761) % 60000) & ~7)
let sink = 0

interface Case {
	readonly name: string
	readonly goal: number
	readonly library: () => void
	readonly raw: () => void
}

const dataView = new DataView(memory.buffer)
const uint8 = new Uint8Array(memory.buffer)
const int32Ref = heap.allocInt32()
const float64ArrayRef = heap.allocFloat64Array(addressCount)
const rawFloat64 = new Float64Array(memory.buffer, float64ArrayRef.address, addressCount)
const int32RawView = new Int32Array(memory.buffer)
const int32RawIndex = int32Ref.address / 4

const cases: Case[] = [
	{
		name: 'readInt32',
		goal: 0.5,
		library: () => {
			let sum = 0
			for (let i = 0; i < operationsPerRun; i++) sum += heap.readInt32(int32Addresses[i & (addressCount - 1)]!)
			sink += sum
		},
		raw: () => {
			let sum = 0
			for (let i = 0; i < operationsPerRun; i++) sum += dataView.getInt32(int32Addresses[i & (addressCount - 1)]!, true)
			sink += sum
		},
	},
	{
		name: 'writeFloat64',
		goal: 0.5,
		library: () => {
			for (let i = 0; i < operationsPerRun; i++) heap.writeFloat64(int32Addresses[i & (addressCount - 1)]!, i * 0.5)
		},
		raw: () => {
			for (let i = 0; i < operationsPerRun; i++) dataView.setFloat64(int32Addresses[i & (addressCount - 1)]!, i * 0.5, true)
		},
	},
	{
		name: 'readUint8',
		goal: 0.5,
		library: () => {
			let sum = 0
			for (let i = 0; i < operationsPerRun; i++) sum += heap.readUint8(int32Addresses[i & (addressCount - 1)]! + (i & 7))
			sink += sum
		},
		raw: () => {
			let sum = 0
			for (let i = 0; i < operationsPerRun; i++) sum += uint8[int32Addresses[i & (addressCount - 1)]! + (i & 7)]!
			sink += sum
		},
	},
	{
		name: 'Int32Ref value += 1',
		goal: 0.4,
		library: () => {
			for (let i = 0; i < operationsPerRun; i++) int32Ref.value += 1
		},
		raw: () => {
			for (let i = 0; i < operationsPerRun; i++) int32RawView[int32RawIndex]! += 1
		},
	},
	{
		name: 'Float64ArrayRef readAt',
		goal: 0.4,
		library: () => {
			let sum = 0
			for (let i = 0; i < operationsPerRun; i++) sum += float64ArrayRef.readAt(i & (addressCount - 1))
			sink += sum
		},
		raw: () => {
			let sum = 0
			for (let i = 0; i < operationsPerRun; i++) sum += rawFloat64[i & (addressCount - 1)]!
			sink += sum
		},
	},
]

function timeOnce(run: () => void): number {
	const start = process.hrtime.bigint()
	run()
	return Number(process.hrtime.bigint() - start)
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b)
	return sorted[sorted.length >> 1]!
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 41)
console.log(`numeric benchmark: ${process.version}, ${operationsPerRun} operations per run, median of ${rounds} interleaved rounds`)
console.log('case                       library Mops/s   raw Mops/s   ratio   goal')
let missed = 0
for (const benchCase of cases) {
	// Warm both loops up so the JIT has optimized them before timing.
	for (let i = 0; i < 30; i++) {
		benchCase.library()
		benchCase.raw()
	}
	const libraryTimes: number[] = []
	const rawTimes: number[] = []
	for (let round = 0; round < rounds; round++) {
		libraryTimes.push(timeOnce(benchCase.library))
		rawTimes.push(timeOnce(benchCase.raw))
	}
	const library = median(libraryTimes)
	const raw = median(rawTimes)
	const ratio = raw / library
	if (ratio < benchCase.goal) missed++
	console.log(
		`${benchCase.name.padEnd(26)} ${(operationsPerRun / library * 1e3).toFixed(1).padStart(14)} ${(operationsPerRun / raw * 1e3).toFixed(1).padStart(12)} ${ratio.toFixed(2).padStart(7)}x ${benchCase.goal.toFixed(1).padStart(5)}x${ratio < benchCase.goal ? '  (below goal)' : ''}`,
	)
}
console.log(missed === 0 ? 'all goals met' : `${missed} case(s) below goal`)
if (sink === 0.123) console.log(sink)
