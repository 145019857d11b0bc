/**
 * Run by test/debug.test.ts through runWithGc (gcChild.ts: `node --expose-gc --import tsx debugLeakChild.ts`): leaks
 * refs from known sites, frees or releases others, collects garbage, and prints as JSON
 * every `console.warn` message debug mode wrote.
 */
import { createWasmHeapManager, type WasmHeapManager } from '../../src/index.js'

const warnings: string[] = []
console.warn = (...args: unknown[]) => {
	warnings.push(args.map(String).join(' '))
}
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

function manager(options: { debug: boolean; trackAllocations: boolean }): WasmHeapManager {
	return createWasmHeapManager(new WebAssembly.Memory({ initial: 1, maximum: 10 }), options)
}

const untracked = manager({ debug: true, trackAllocations: false })
const withoutDebug = manager({ debug: false, trackAllocations: false })

function leakThreeFromOneSite(): void {
	for (let i = 0; i < 3; i++) untracked.allocInt32(i)
}
function leakAnArray(): void {
	untracked.allocFloat64Array(5)
}
function leakOneByte(): void {
	untracked.allocUint8(1)
}
function freeProperly(): void {
	untracked.allocInt32(1).free()
	using disposed = untracked.allocUint8(2)
	void disposed
}
function releaseToC(): number {
	return untracked.allocInt32(1).release()
}
function leakWithoutDebug(): void {
	withoutDebug.allocInt32(1)
}
function leakWholeTrackedManager(): void {
	// Tracked refs stay reachable through their manager's table: they are collected, and
	// reported, only together with a manager that was dropped without freeing them.
	const tracked = manager({ debug: true, trackAllocations: true })
	tracked.allocUint16Array(4)
}
function replacedBehindTheManagersBack(): void {
	// C freed the first ref's region behind the manager's back and malloc handed it out
	// again: the first ref is stale (marked freed, out of the table), its region the second
	// one's, which is freed. Nothing leaked.
	const memory = new WebAssembly.Memory({ initial: 1, maximum: 10 })
	const sameAddress = createWasmHeapManager(() => memory.buffer, () => 64, () => undefined, { debug: true })
	sameAddress.allocInt32(1)
	sameAddress.allocInt32(2).free()
}

leakThreeFromOneSite()
leakAnArray()
leakOneByte()
freeProperly()
releaseToC()
leakWithoutDebug()
leakWholeTrackedManager()
replacedBehindTheManagersBack()
// A second leak from an already reported site, in a later collection: still one warning.
for (let round = 0; round < 6; round++) {
	if (round === 3) leakThreeFromOneSite()
	gc()
	await new Promise((resolve) => setTimeout(resolve, 20))
}
process.stdout.write(JSON.stringify(warnings))
