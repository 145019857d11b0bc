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
import { counted, withArticle } from './wording.js'

/**
 * The live refs allocated at one place, in {@link HeapReport}.
 * @group Debugging
 */
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

/**
 * What `heap.report()` returns: the live tracked refs, grouped by where they were allocated.
 * @group Debugging
 */
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

/**
 * Where one allocation was made: the first frame outside the library and the frames from
 * there on. Formatted when the ref is allocated, since an unformatted V8 stack keeps its
 * frames' receivers (the manager among them) alive, and a leak warning must keep none.
 */
class AllocationStack {
	/** The first frame outside the library, without V8's `at `. */
	readonly site: string
	/** The frames from the site on. */
	readonly stack: string

	constructor(frames: readonly StackFrame[], libraryNames: ReadonlySet<string>) {
		// Leading frames: the library's own.
		let first = 0
		while (first < frames.length - 1 && frames[first]!.names.some((name) => libraryNames.has(name))) first++
		const userFrames = frames.slice(first).map((frame) => frame.text)
		this.site = (userFrames[0] ?? 'unknown site').trim().replace(/^at /, '')
		this.stack = userFrames.join('\n')
	}
}

/** One frame of a captured stack: its text, and the names its function goes by. */
interface StackFrame {
	readonly text: string
	readonly names: readonly string[]
}

/** The part of V8's call-site API used here. */
interface CallSiteLike {
	getFunctionName(): string | null
	getMethodName(): string | null
}

/**
 * The current stack as frames, formatted now (a captured, unformatted stack would keep
 * the manager alive). On V8 the names come from the call sites themselves, since a
 * stack's text may carry names a source map substituted (`at address (file.ts:…)` for
 * a method under `--enable-source-maps` or tsx); elsewhere they are parsed from the text.
 */
function captureFrames(): StackFrame[] {
	const errorConstructor = Error as unknown as {
		stackTraceLimit?: number
		prepareStackTrace?: unknown
		captureStackTrace?: (target: object) => void
	}
	// V8 keeps 10 frames by default: 6 more for the library's own (up to 5). Other
	// engines have no such setting, and ignore the property.
	const limit = errorConstructor.stackTraceLimit
	if (typeof limit === 'number') errorConstructor.stackTraceLimit = limit + 6
	try {
		if (typeof errorConstructor.captureStackTrace === 'function') {
			const previous = errorConstructor.prepareStackTrace
			const holder: { stack?: unknown } = {}
			let sites: unknown
			errorConstructor.prepareStackTrace = (_error: unknown, callSites: unknown) => callSites
			try {
				errorConstructor.captureStackTrace(holder)
				sites = holder.stack
			} finally {
				errorConstructor.prepareStackTrace = previous
			}
			if (Array.isArray(sites)) {
				return (sites as CallSiteLike[]).slice(1).map((site) => ({
					text: `    at ${String(site)}`,
					names: [site.getFunctionName(), site.getMethodName()]
						.filter((name): name is string => typeof name === 'string' && name !== '')
						.map((name) => name.slice(name.lastIndexOf('.') + 1)),
				}))
			}
		}
		const frames = (new Error().stack ?? '').split('\n').filter((line) => line.trim() !== '' && line !== 'Error')
		return frames.slice(1).map((text) => ({ text, names: frameFunctionNames(text) }))
	} finally {
		if (typeof limit === 'number') errorConstructor.stackTraceLimit = limit
	}
}

/** What the finalization registry is handed for a ref: nothing that keeps the ref alive. */
interface LeakHint {
	readonly refName: string
	readonly address: number
	readonly byteSize: number
	readonly allocation: AllocationStack
}

/** Sites already warned about, across managers: one warning per site. */
const warnedSites = new Set<string>()

function warnLeak(hint: LeakHint): void {
	const { site, stack } = hint.allocation
	if (warnedSites.has(site)) return
	warnedSites.add(site)
	console.warn(
		`wasm-heap-manager: ${withArticle(hint.refName)} (${counted(hint.byteSize, 'byte')} at address ${hint.address}) was garbage-collected ` +
			`without free() or release(): its region leaked. Allocated at ${site}; further leaks from there are not reported.\n${stack}`,
	)
}

/**
 * One registry for every manager: a registry that was itself collected (with its manager)
 * would never call back, and a manager collected with its tracked refs leaks them all.
 * `undefined` where the engine has no `FinalizationRegistry`.
 */
let registry: FinalizationRegistry<LeakHint> | undefined

/**
 * The names a frame's function goes by, without receivers: V8's `    at Type.name (file:1:2)`
 * and `    at Type.wrapper [as name] (file:1:2)` (a method reached through another
 * property: both names), SpiderMonkey's and JavaScriptCore's `name@file:1:2`. None for an
 * anonymous function (`    at file:1:2`).
 */
function frameFunctionNames(frame: string): string[] {
	const v8 = /^\s*at (?:new |async )?(\S+)(?: \[as ([^\]]+)\])? \(/.exec(frame)
	const names = v8 !== null ? [v8[1]!, v8[2]] : /^\s*at /.test(frame) ? [] : [/^([^@]*)@/.exec(frame)?.[1]]
	return names.filter((name): name is string => name !== undefined && name !== '').map((name) => name.slice(name.lastIndexOf('.') + 1))
}

/** Adds the names of the methods along `object`'s prototype chain. */
function addMethodNames(object: object, names: Set<string>): void {
	for (let level: object | null = object; level !== null && level !== Object.prototype; level = Object.getPrototypeOf(level) as object | null) {
		for (const key of Object.getOwnPropertyNames(level)) {
			if (typeof Object.getOwnPropertyDescriptor(level, key)?.value === 'function') names.add(key)
		}
	}
}

/** @internal Debug mode's records, one per manager that has it on. */
export class HeapDebug {
	/** @internal Where each live ref was allocated; weak, so that debug mode keeps no ref alive. */
	private readonly records = new WeakMap<HeapRef, AllocationStack>()
	/** @internal Returns the objects whose methods are the library's frames (the manager and its collaborators). */
	private readonly listLibraryObjects: () => readonly object[]
	/**
	 * @internal The method names of those objects, of this and of the refs' classes: the
	 * library's frames. Listed at the first allocation (when the manager is complete).
	 */
	private libraryNames: Set<string> | undefined
	/** @internal Ref prototypes whose method names are in `libraryNames`. */
	private readonly namedPrototypes = new WeakSet<object>()

	constructor(listLibraryObjects: () => readonly object[]) {
		this.listLibraryObjects = listLibraryObjects
		if (registry === undefined && typeof FinalizationRegistry === 'function') registry = new FinalizationRegistry(warnLeak)
	}

	/** Records where `ref` was allocated, and watches it for a collection without `free()`. */
	recordAllocation(ref: HeapRef, refName: string): void {
		let names = this.libraryNames
		if (names === undefined) {
			names = this.libraryNames = new Set()
			for (const object of [this, ...this.listLibraryObjects()]) addMethodNames(object, names)
		}
		const prototype = Object.getPrototypeOf(ref) as object
		if (!this.namedPrototypes.has(prototype)) {
			this.namedPrototypes.add(prototype)
			addMethodNames(prototype, names)
		}
		const allocation = new AllocationStack(captureFrames(), names)
		this.records.set(ref, allocation)
		registry?.register(ref, { refName, address: ref.address, byteSize: ref.allocatedByteSize, allocation }, ref)
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
