/**
 * Debug mode (`debug: true`): finding leaks. Every ref the manager allocates records the
 * stack it was allocated from; `heap.report()` groups the live tracked refs by the first
 * frame outside the library (the allocation site); and a ref that is garbage-collected
 * without having been freed or released, which leaks its region for good, is reported
 * with a warning, once per site. Off by default: a manager without it never reaches this
 * file (one `undefined` check per allocation and per free).
 */
import type { HeapRef } from './HeapRef.js'
import { formatByteSize } from './inspect.js'

/** The live refs allocated at one place, in {@link HeapReport}. */
export interface AllocationSiteReport {
	/** The first stack frame outside the library, e.g. `loadImage (file:///app/main.js:12:20)`. */
	readonly site: string
	/** Live refs allocated there. */
	readonly count: number
	/** The sum of their `allocatedByteSize`. */
	readonly byteSize: number
	/** The whole stack of the first of them (the library's own frames left out). */
	readonly stack: string
	/** The refs, oldest first. */
	readonly refs: readonly HeapRef[]
}

/** What `heap.report()` returns: the live tracked refs, grouped by where they were allocated. */
export interface HeapReport {
	/** Live tracked refs. */
	readonly count: number
	/** The sum of their `allocatedByteSize`. */
	readonly byteSize: number
	/** One entry per allocation site, most bytes first (then most refs, then by site). */
	readonly sites: readonly AllocationSiteReport[]
	/** The same as a table for people: a header line, then `count  bytes  site` rows. */
	readonly table: string
}

/** What debug mode keeps about one allocation. */
interface AllocationRecord {
	readonly site: string
	readonly stack: string
}

/** What the finalization registry is handed for a ref: nothing that keeps the ref alive. */
interface LeakHint {
	readonly refName: string
	readonly address: number
	readonly byteSize: number
	readonly site: string
	readonly stack: string
}

/** Sites already warned about, across managers: one warning per site. */
const warnedSites = new Set<string>()

function warnLeak(hint: LeakHint): void {
	if (warnedSites.has(hint.site)) return
	warnedSites.add(hint.site)
	console.warn(
		`wasm-heap-manager: ${/^[AEIO]/.test(hint.refName) ? 'an' : 'a'} ${hint.refName} (${hint.byteSize} bytes at address ${hint.address}) was garbage-collected ` +
			`without free() or release(): its region leaked. Allocated at ${hint.site}; further leaks from there are not reported.\n${hint.stack}`,
	)
}

/**
 * One registry for every manager: a registry that was itself collected (with its manager)
 * would never call back, and a manager collected with its tracked refs leaks them all.
 * `undefined` where the engine has no `FinalizationRegistry`.
 */
let registry: FinalizationRegistry<LeakHint> | undefined

/** A V8 (`    at name (file:1:2)`) or SpiderMonkey/JavaScriptCore (`name@file:1:2`) frame's function name, without its receiver. */
function frameFunctionName(frame: string): string {
	const v8 = /^\s*at (?:new |async )?([^\s(]+) \(/.exec(frame)
	const name = v8 !== null ? v8[1]! : /^\s*at /.test(frame) ? '' : (/^([^@]*)@/.exec(frame)?.[1] ?? '')
	return name.slice(name.lastIndexOf('.') + 1)
}

/** @internal Debug mode's records, one per manager that has it on. */
export class HeapDebug {
	/** @internal Records by ref; weak, so that debug mode keeps no ref alive. */
	private readonly records = new WeakMap<HeapRef, AllocationRecord>()
	/** @internal Returns the objects whose methods are the library's frames (the manager and its collaborators). */
	private readonly listLibraryObjects: () => readonly object[]
	/** @internal Those objects and this, listed at the first allocation (when the manager is complete). */
	private libraryObjects: readonly object[] | undefined

	constructor(listLibraryObjects: () => readonly object[]) {
		this.listLibraryObjects = listLibraryObjects
		if (registry === undefined && typeof FinalizationRegistry === 'function') registry = new FinalizationRegistry(warnLeak)
	}

	/** Whether a frame is one of the library's own: a method of the manager, its core, a ref or this. */
	private isLibraryFrame(frame: string, ref: HeapRef): boolean {
		const name = frameFunctionName(frame)
		if (name === '') return false
		this.libraryObjects ??= [this, ...this.listLibraryObjects()]
		return [...this.libraryObjects, ref].some((object) => typeof (object as Record<string, unknown>)[name] === 'function')
	}

	/** Records where `ref` was allocated, and watches it for a collection without `free()`. */
	recordAllocation(ref: HeapRef, refName: string): void {
		// V8 keeps 10 frames by default; the library's own take up to 5 of them. Other
		// engines have no such setting, and ignore the property.
		const errorConstructor = Error as { stackTraceLimit?: number }
		const limit = errorConstructor.stackTraceLimit
		if (typeof limit === 'number') errorConstructor.stackTraceLimit = Math.max(limit, 30)
		const captured = new Error().stack ?? ''
		if (typeof limit === 'number') errorConstructor.stackTraceLimit = limit
		// Leading lines: V8's "Error" header, then the library's own frames.
		const frames = captured.split('\n').filter((line) => line.trim() !== '' && line !== 'Error')
		let first = 0
		while (first < frames.length - 1 && this.isLibraryFrame(frames[first]!, ref)) first++
		const userFrames = frames.slice(first)
		const site = (userFrames[0] ?? 'unknown site').trim().replace(/^at /, '')
		const stack = userFrames.join('\n')
		this.records.set(ref, { site, stack })
		registry?.register(ref, { refName, address: ref.address, byteSize: ref.allocatedByteSize, site, stack }, ref)
	}

	/** The ref was freed or released (or found stale): its region is accounted for. */
	forget(ref: HeapRef): void {
		registry?.unregister(ref)
	}

	/** Groups live refs by allocation site. */
	report(refs: readonly HeapRef[]): HeapReport {
		const bySite = new Map<string, { count: number; byteSize: number; stack: string; refs: HeapRef[] }>()
		let byteSize = 0
		for (const ref of refs) {
			const record = this.records.get(ref) ?? { site: 'unknown site', stack: '' }
			let entry = bySite.get(record.site)
			if (entry === undefined) bySite.set(record.site, (entry = { count: 0, byteSize: 0, stack: record.stack, refs: [] }))
			entry.count++
			entry.byteSize += ref.allocatedByteSize
			entry.refs.push(ref)
			byteSize += ref.allocatedByteSize
		}
		const sites: AllocationSiteReport[] = [...bySite]
			.map(([site, entry]) => ({ site, ...entry }))
			.sort((a, b) => b.byteSize - a.byteSize || b.count - a.count || (a.site < b.site ? -1 : a.site > b.site ? 1 : 0))
		return { count: refs.length, byteSize, sites, table: formatTable(refs.length, byteSize, sites) }
	}
}

/** The report as a table: right-aligned counts and sizes, then the site. */
function formatTable(count: number, byteSize: number, sites: readonly AllocationSiteReport[]): string {
	const rows = sites.map((site) => [String(site.count), formatByteSize(site.byteSize), site.site] as const)
	const countWidth = Math.max(5, ...rows.map((row) => row[0].length))
	const bytesWidth = Math.max(5, ...rows.map((row) => row[1].length))
	const line = (a: string, b: string, c: string): string => `${a.padStart(countWidth)}  ${b.padStart(bytesWidth)}  ${c}`
	return [
		`${count} live ref${count === 1 ? '' : 's'} (${formatByteSize(byteSize)}) from ${sites.length} allocation site${sites.length === 1 ? '' : 's'}`,
		line('count', 'bytes', 'site'),
		...rows.map((row) => line(...row)),
	].join('\n')
}
