/**
 * `wrapStruct(type, address)` of two builds in one process: a loop wrapping 64 addresses of one
 * struct type (what a generated class's pointer getter does at each step of `n = n.next`), the
 * same with two types in turn, and a walk along a runtime ref's pointer field. Rounds
 * interleaved (bench/interleaved.mjs); realistic: the memory grown once and wrapStruct's error
 * paths (a null address, one past the heap) taken once in each build before timing.
 *
 *   npm run build; node bench/wrap-struct-ab.mjs <folder A holding dist/> <folder B> [pristine|realistic]
 *
 * Prints per case the median ns per wrap of each build and B's speed ÷ A's.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { interleavedRounds, median } from './interleaved.mjs'

const [a = '.', b = '.', regime = 'pristine'] = process.argv.slice(2)
const builds = [await import(pathToFileURL(resolve(a, 'dist/index.js')).href), await import(pathToFileURL(resolve(b, 'dist/index.js')).href)]
const N = 64

const setups = builds.map((lib) => {
	const memory = new WebAssembly.Memory({ initial: 16, maximum: 64 })
	const heap = lib.createWasmHeapManager(memory)
	const Node = lib.defineStruct('Node', { v: 'Int32', next: { pointer: () => Node } })
	const Other = lib.defineStruct('Other', { x: 'Float64', y: 'Float64' })
	const nodes = heap.allocStructArray(Node, N)
	const others = heap.allocStructArray(Other, N)
	for (let i = 0; i < N - 1; i++) nodes.at(i).next = nodes.at(i + 1)
	const addresses = Array.from({ length: N }, (_, i) => nodes.address + i * heap.sizeOf(Node))
	const otherAddresses = Array.from({ length: N }, (_, i) => others.address + i * heap.sizeOf(Other))
	if (regime === 'realistic') {
		memory.grow(1)
		for (const bad of [0, memory.buffer.byteLength]) {
			try {
				heap.wrapStruct(Node, bad)
			} catch {}
		}
	}
	const head = heap.wrapStruct(Node, nodes.address)
	return {
		'wrapStruct(Node, address) x64': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += heap.wrapStruct(Node, addresses[i]).address
			return sum
		},
		'wrapStruct of two types in turn x64': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += heap.wrapStruct(i & 1 ? Other : Node, i & 1 ? otherAddresses[i] : addresses[i]).address
			return sum
		},
		'walk n = n.next (64 nodes)': () => {
			let sum = 0
			for (let n = head; n !== null; n = n.next) sum += n.v
			return sum
		},
	}
})

const names = Object.keys(setups[0])
const { times, sink } = interleavedRounds(names, (n, k) => setups[k][names[n]], { rounds: 80, warmup: 20, repeats: () => 200 })
for (const [n, name] of names.entries()) {
	const [ta, tb] = [0, 1].map((k) => median(times[n][k]) / 200 / N)
	console.log(`${regime} ${name}: A ${ta.toFixed(1)} ns, B ${tb.toFixed(1)} ns a wrap; B ÷ A speed ${(ta / tb).toFixed(2)}`)
}
if (sink === 0) console.log('(sink 0)')
