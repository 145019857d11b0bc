/**
 * Why the struct loops of the structs suite collapse on Node 24 (V8 13.6) when the function
 * that holds the loop is called from another hot function: a floor for any accessor.
 *
 *   node bench/maglev-accessor-floor.mjs              this Node (run it with Node 24's binary too)
 *   node bench/maglev-accessor-floor.mjs --grown      ... after the memory grew (a buffer detached)
 *   node bench/maglev-accessor-floor.mjs --chromium   the accessor shapes in headless Chromium (/usr/bin/chromium, or CHROMIUM)
 *   node --no-maglev-inlining bench/maglev-accessor-floor.mjs    V8 flags change the tiers (see below)
 *
 * The loop is the suite's "array a parameter and the cursor a local" case (a function
 * given the array, which moves a cursor with `at(i, cursor)` and reads three fields and
 * writes one of each 40-byte element), and it is called as the harness calls it: from a
 * batch function that calls it 100 times in a row. Four shapes of the element's fields:
 * - `library`: the library's own struct array (dist/index.js: `npm run build` first; Node only);
 * - `dataview`: accessors on a class whose bodies are only the `DataView` access at a fixed offset;
 * - `empty`: accessors that do nothing (`get` returns 0.5, `set` drops its value);
 * - `raw`: the same loop on a `Float64Array` and a `Float32Array`, no accessor at all.
 * Each shape runs in a fresh process (a fresh page in Chromium), 40 rounds, the median of
 * the last 30 printed, in ns per element.
 *
 * What it shows (bench/notes.ts, `node24StructLoops`): on Node 24 the batch function is compiled
 * by Maglev with the loop function inlined into it, and that code runs from then on; Maglev
 * inlines no getter or setter (no call feedback for an accessor), so each field access is a
 * call. Then even accessors that do nothing cost 14-21 ns an element against raw's 2-3 ns
 * (0.14x), and the library's are in the range of the `DataView` ones: no accessor body can
 * reach the goals in that state. With `--no-maglev-inlining` or `--no-maglev` the loop runs
 * its own TurboFan code, with every accessor inlined. Chromium 156 does not keep the loop
 * in Maglev code: there the `empty` accessors take about 1 ns.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** One shape, timed; self-contained (it is sent to a browser page as its source). */
async function measure(kind, grown, libraryUrl) {
	const elementCount = 4096
	const memory = new WebAssembly.Memory({ initial: 16 })
	let base = 1024
	let array
	if (kind === 'library') {
		const { createWasmHeapManager, defineStruct } = await import(libraryUrl)
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
		const Body = defineStruct('Body', { x: 'Float64', y: 'Float64', vx: 'Float32', vy: 'Float32', mass: 'Float64', id: 'Int32', flags: 'Uint32' })
		array = heap.allocStructArray(Body, elementCount)
		base = array.address
	}
	if (grown) memory.grow(1)
	if (kind !== 'library') {
		const view = new DataView(memory.buffer)
		class Body {
			constructor() {
				this.address = base
			}
		}
		for (const [name, offset, float32] of [['x', 0, false], ['vx', 16, true], ['mass', 24, false]]) {
			const accessors =
				kind === 'empty'
					? { get: () => 0.5, set() {} }
					: float32
						? { get() { return view.getFloat32(this.address + offset, true) }, set(value) { view.setFloat32(this.address + offset, value, true) } }
						: { get() { return view.getFloat64(this.address + offset, true) }, set(value) { view.setFloat64(this.address + offset, value, true) } }
			Object.defineProperty(Body.prototype, name, accessors)
		}
		array = {
			at(index, cursor = new Body()) {
				cursor.address = base + index * 40
				return cursor
			},
		}
	}
	const walk = (bodies) => {
		const local = bodies.at(0)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const body = bodies.at(i, local)
			const x = body.x
			body.x = x + body.vx * body.mass
			sum += x
		}
		return sum
	}
	const raw = (heapMemory, at) => {
		const f64 = new Float64Array(heapMemory.buffer)
		const f32 = new Float32Array(heapMemory.buffer)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const address = at + i * 40
			const x = f64[address / 8]
			const vx = f32[(address + 16) / 4]
			const mass = f64[(address + 24) / 8]
			f64[address / 8] = x + vx * mass
			sum += x
		}
		return sum
	}
	const loop = kind === 'raw' ? () => raw(memory, base) : () => walk(array)
	const batch = () => {
		let last
		for (let i = 0; i < 100; i++) last = loop()
		return last
	}
	const times = []
	let kept
	for (let round = 0; round < 40; round++) {
		const start = performance.now()
		kept = batch()
		times.push(((performance.now() - start) * 1e6) / 100 / elementCount)
	}
	if (!Number.isFinite(kept)) throw new Error(`${kind}: the loop returned ${kept}`)
	const last = times.slice(10).sort((a, b) => a - b)
	return last[last.length >> 1]
}

const kinds = ['library', 'dataview', 'empty', 'raw']
const grown = process.argv.includes('--grown')
const childKind = process.argv.find((arg) => arg.startsWith('--kind='))?.slice('--kind='.length)

if (childKind !== undefined) {
	const ns = await measure(childKind, grown, new URL('../dist/index.js', import.meta.url).href)
	console.log(`${childKind.padEnd(8)} ${ns.toFixed(2)} ns an element`)
} else if (process.argv.includes('--chromium')) {
	const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium'
	const { chromium } = await import('playwright-core')
	const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
	try {
		console.log(`Chromium ${browser.version()}${grown ? ', the memory grown' : ''}: the loop called from a batch function, 100 calls a batch`)
		for (const kind of kinds.filter((name) => name !== 'library')) {
			const page = await browser.newPage()
			const ns = await page.evaluate(`(${measure.toString()})(${JSON.stringify(kind)}, ${grown}, '')`)
			console.log(`${kind.padEnd(8)} ${ns.toFixed(2)} ns an element`)
			await page.close()
		}
	} finally {
		await browser.close()
	}
} else {
	if (!existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))) throw new Error('bench/maglev-accessor-floor.mjs: no dist/index.js: run npm run build first')
	console.log(`Node ${process.version} (V8 ${process.versions.v8})${grown ? ', the memory grown' : ''}${process.execArgv.length > 0 ? `, ${process.execArgv.join(' ')}` : ''}: the loop called from a batch function, 100 calls a batch`)
	for (const kind of kinds) {
		const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--kind=${kind}`, ...(grown ? ['--grown'] : [])], { encoding: 'utf8' })
		if (child.status !== 0) throw new Error(`${kind}: exited with ${child.status}\n${child.stderr}`)
		process.stdout.write(child.stdout)
	}
}
