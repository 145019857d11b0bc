/**
 * One fuzzing episode: a heap (`FuzzEnv`), the manager over it, the refs it handed
 * out, and the operations run on them. `generate` makes the next operation from the
 * current state (as plain data, so it can be printed and replayed); `step` runs it and
 * checks it against the model:
 *
 * - a call that throws leaves the heap byte-identical to before (less growth made by
 *   code it called), throws `TypeError`/`RangeError`/`Error` as the README says for its
 *   arguments, names the method (an engine's own message is a defect), states the
 *   current heap size, and calls no user code on an address, count or index;
 * - a call that succeeds returns what the model says and changes the heap exactly as
 *   the model does;
 * - every region the allocator holds is owned by exactly one live ref, nothing a
 *   failed allocation took stays allocated, and every ref's `isFreed` is as the model says.
 */
import { inspect } from 'node:util'
import {
	elementTypes,
	encodings,
	methodNamesOf,
	publicMembers,
	wholeHeapViews,
	wideTypes,
	type ElementType,
	type Encoding,
	type WideType,
} from './catalog.js'
import { FuzzEnv, InjectedFault, type AllocCall, type DeallocCall, type EnvConfig, type Fault } from './environments.js'
import {
	CallLog,
	Expectation,
	UserValueError,
	badNumberSpec,
	classifyAddress,
	classifyCount,
	classifyIndex,
	classifyValue,
	classifyWide,
	isOddSpec,
	materialize,
	objectPaths,
	randomBigInt,
	randomString,
	randomValue,
	sourceConstructorNames,
	specCode,
	typedArrayConstructor,
	type ErrorKind,
	type Primitive,
	type Spec,
} from './inputs.js'
import { PAGE_SIZE, decodeElement, decodeString, decodeWide, encodeElement, encodeString, encodeWide, sameValue } from './model.js'
import type { Random } from './random.js'
import type { NormalizedAtomicOperation } from '../../codegen/normalize.js'
import { BUILTIN_START } from './environments.js'
import type { StructOpData } from './structs.js'
import * as library from '../../src/index.js'
import { formatByteSize } from '../../src/inspect.js'

export type OpKind =
	| 'read'
	| 'write'
	| 'view'
	| 'alloc'
	| 'allocArray'
	| 'wrap'
	| 'wrapArray'
	| 'rmw'
	| 'wait'
	| 'notify'
	| 'raw'
	| 'wideRead'
	| 'wideWrite'
	| 'stringRead'
	| 'stringWrite'
	| 'stringAlloc'
	| 'stringWrap'
	| 'manager'
	| 'ref'
	| 'grow'
	| 'replace'
	| 'heapView'
	| 'sliceRead'
	| 'sliceWrite'
	| 'sliceAlloc'
	| 'sliceWrap'
	| 'strlen'
	| 'encodedLength'
	| 'waitAsync'
	| 'scope'
	| 'withScope'
	| 'struct'
	| 'summary'

/** One operation, as data. */
export interface Op {
	/** Position in the episode's generated sequence (refs made by it are named after it). */
	readonly index: number
	readonly kind: OpKind
	/** The method or member: `writeInt32`, or for refs `readAt`, `get value`, `set value`, `[Symbol.dispose]`. */
	readonly member: string
	/** The element type, wide type or encoding. */
	readonly type?: string
	/** For ref operations: the index of the operation that made the ref. */
	readonly slot?: number
	readonly args: readonly Spec[]
	readonly faults: readonly Fault[]
	/** For `grow`: pages, and (Emscripten) whether `HEAPU8` is replaced as Emscripten does after its own growth. */
	readonly pages?: number
	readonly updateViews?: boolean
	/** For scope operations: the index of the operation that opened the scope. */
	readonly scope?: number
	/** For `withScope`: what `fn` does (allocate values of these types, release one, then end so). */
	readonly plan?: ScopePlan
	/** For struct operations: the index of the struct type in the episode's catalogue, and more (see test/fuzz/structs.ts). */
	readonly struct?: StructOpData
}

/** What the function given to `withScope` does. */
export interface ScopePlan {
	readonly types: readonly string[]
	/** Index into `types` of a ref that `fn` releases, or -1. */
	readonly release: number
	readonly ending: 'return' | 'throw' | 'promise' | 'async' | 'notFunction'
}

/** A broken promise. `signature` groups the same defect across operations and runs. */
export class Violation extends Error {
	constructor(
		readonly kind: string,
		readonly where: string,
		readonly detail: string,
	) {
		super(`${kind} in ${where}: ${detail}`)
	}

	get signature(): string {
		return `${this.kind} in ${this.where}`
	}
}

/** Switches for input classes and checks, so that a short run can leave out a known open defect (see test/fuzz.test.ts). */
export interface RunnerOptions {
	/** Values whose `valueOf` grows the heap (issue 10, defect 7). */
	readonly growInValueOf: boolean
	/** Objects, symbols, bigints and strings as addresses, counts and indices (defect 6). */
	readonly objectArguments: boolean
	/** `alloc<T>Array` from a view over the heap itself (defect 3). */
	readonly heapViewSources: boolean
	/** `alloc<T>Array` with values that must be rejected (defects 4 and 8). */
	readonly invalidArrayValues: boolean
	/** Check that a message's "heap of N bytes" is the current size (defect 5). */
	readonly checkHeapSizeInMessages: boolean
	/** Allocator and deallocator faults. */
	readonly faults: boolean
}

export const defaultRunnerOptions: RunnerOptions = {
	growInValueOf: true,
	objectArguments: true,
	heapViewSources: true,
	invalidArrayValues: true,
	checkHeapSizeInMessages: true,
	faults: true,
}

export interface Slot {
	readonly id: number
	readonly ref: any
	readonly family: 'value' | 'array' | 'string' | 'slice' | 'struct' | 'structArray'
	readonly element: ElementType | undefined
	readonly encoding: Encoding | undefined
	readonly className: string
	readonly address: number
	readonly byteSize: number
	readonly elementCount: number
	readonly tracked: boolean
	/** Whether the allocator region at `address` is this ref's (made by `alloc*` and not taken over since). */
	ownsBlock: boolean
	freed: boolean
	/** A slice's current length in elements. */
	length?: number
	/** The scope (the index of the operation that opened it) that frees this ref when it closes. */
	scope?: number
	/** Struct refs: the type's index in the episode's catalogue. */
	readonly structIndex?: number
}

interface ScopeSlot {
	readonly id: number
	readonly scope: any
	closed: boolean
}

export interface Outcome {
	readonly threw: boolean
	readonly error: unknown
	readonly result: unknown
	readonly preLength: number
	readonly postLength: number
	readonly log: CallLog
	readonly allocCalls: readonly AllocCall[]
	readonly deallocCalls: readonly DeallocCall[]
	readonly liveBefore: ReadonlySet<number>
}

export interface Names {
	readonly exact: readonly string[]
	readonly prefix?: string
	readonly pattern?: RegExp
}

/** Counts for the closing report. */
export class Stats {
	ops = 0
	skipped = 0
	/** Calls that had to throw because of an argument. */
	badInputs = 0
	/** Calls with an odd argument (object, symbol, bigint, boolean, null, undefined, array, ...). */
	oddArguments = 0
	faults = 0
	growthOutside = 0
	growthInsideCalls = 0
	threw = 0
	readonly byKind = new Map<string, number>()
	readonly members = new Set<string>()

	add(other: Stats): void {
		this.ops += other.ops
		this.skipped += other.skipped
		this.badInputs += other.badInputs
		this.oddArguments += other.oddArguments
		this.faults += other.faults
		this.growthOutside += other.growthOutside
		this.growthInsideCalls += other.growthInsideCalls
		this.threw += other.threw
		for (const [kind, count] of other.byKind) this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + count)
		for (const member of other.members) this.members.add(member)
	}
}

const elementByName = new Map(elementTypes.map((type) => [type.name, type]))
const encodingByName = new Map(encodings.map((encoding) => [encoding.name, encoding]))
const wideByName = new Map(wideTypes.map((type) => [type.name, type]))
/** Every atomic read-modify-write method of the manager, with its row and operation. */
const atomicByMethod = new Map(elementTypes.flatMap((type) => type.atomicOperations.map((operation) => [operation.method, { type, operation }] as const)))
const maxPointer53 = BigInt(Number.MAX_SAFE_INTEGER)

function combineBig(operator: NormalizedAtomicOperation['operator'], a: bigint, b: bigint): bigint {
	switch (operator) {
		case '+':
			return a + b
		case '-':
			return a - b
		case '&':
			return a & b
		case '|':
			return a | b
		default:
			return a ^ b
	}
}

function combineNumber(operator: NormalizedAtomicOperation['operator'], a: number, b: number): number {
	switch (operator) {
		case '+':
			return a + b
		case '-':
			return a - b
		case '&':
			return a & b
		case '|':
			return a | b
		default:
			return a ^ b
	}
}

/** Every name a library error may start with: the manager's methods and `RefClass.member`. */
const libraryNames = new Set<string>(publicMembers(library.WasmHeapManager))

// Members every ref has, and the members of each family (not per type: the emitters give every row the same).
const commonRefMembers = ['address', 'allocatedByteSize', 'allocatedBytesView', 'isFreed', 'clear', 'free', '[Symbol.dispose]', 'release']
const refMembers = {
	value: ['get value', 'set value', 'read', 'write', 'readAtomic', 'writeAtomic'],
	array: ['view', 'elementCount', 'bytesPerElement', 'readAt', 'writeAt', 'readAtomicAt', 'writeAtomicAt'],
	string: ['get value', 'set value', 'read', 'write', 'encodedElementCount', 'encodedByteLength', 'encodedElementsView', 'encodedBytesView', 'bytesPerElement'],
	slice: ['get value', 'set value', 'read', 'write', 'elementCount', 'capacity', 'encodedByteLength', 'encodedElementsView', 'encodedBytesView', 'bytesPerElement'],
	struct: ['read', 'write', 'type', 'get field', 'set field'],
	structArray: ['at', 'readAt', 'writeAt', 'read', 'elementCount', 'stride', 'type'],
} as const
/** Ref members that are properties (read without a call). */
const propertyMembers = new Set(['address', 'allocatedByteSize', 'isFreed', 'elementCount', 'bytesPerElement', 'view', 'allocatedBytesView', 'capacity', 'stride', 'type'])
/** What a `summary` operation calls on the manager, and on a ref (util.inspect calls the custom inspection method). */
const summaryManagerMembers = ['toJSON', '[nodejs.util.inspect.custom]', 'abi', 'report']
const summaryRefMembers = ['toJSON', '[nodejs.util.inspect.custom]']
/** What the util.inspect summary of the manager also exercises: `Object.prototype.toString.call(heap)` (its tag). */
const summaryManagerAlso = ['[Symbol.toStringTag]']
/**
 * What the util.inspect summary of a ref also exercises: `String(ref)`, `ref.toString()`, `+ref` (which throws),
 * `Object.prototype.toString.call(ref)` (the class name) and, for a typed array ref, `[...ref]`.
 */
const summaryRefAlso = ['[Symbol.toPrimitive]', 'toString', '[Symbol.toStringTag]']
/** Members of `HeapScope` (its util.inspect summary also takes `Object.prototype.toString.call(scope)`, its tag). */
const scopeMembers = ['isClosed', 'keep', 'close', '[Symbol.dispose]', 'toJSON', '[nodejs.util.inspect.custom]', '[Symbol.toStringTag]']
/** Members that work on a freed ref. */
const usableWhenFreed = new Set(['address', 'allocatedByteSize', 'isFreed', 'free', '[Symbol.dispose]', 'elementCount', 'bytesPerElement'])
/** A slice's length is its state: only its capacity outlives it. */
const usableWhenSliceFreed = new Set(['address', 'allocatedByteSize', 'isFreed', 'free', '[Symbol.dispose]', 'capacity', 'bytesPerElement'])
const managerMembers = ['heap', 'allocatedRefs', 'totalAllocatedByteSize', 'free', 'freeAll', 'allocate', 'deallocate', 'notify', 'heapDataView', 'openScope', 'withScope', 'allocStruct', 'allocStructArray', 'wrapStruct', 'wrapStructArray', 'readStruct', 'writeStruct', 'sizeOf', 'alignOf', 'offsetOf']
/** Every `wait<T>` method, with its row. */
const waitByMethod = new Map(elementTypes.flatMap((type) => (type.wait === undefined ? [] : [[type.wait.method, type] as const])))

/** The members the fuzzer exercises, for `uncoveredMembers`. */
export function coveredMembers(): { manager: Set<string>; refs: Map<string, Set<string>> } {
	const manager = new Set<string>([...managerMembers, ...summaryManagerMembers, ...summaryManagerAlso])
	for (const type of elementTypes) for (const name of Object.values(type.methods)) manager.add(name)
	for (const type of elementTypes) for (const operation of type.atomicOperations) manager.add(operation.method)
	for (const [method, type] of waitByMethod) manager.add(method).add(type.wait!.asyncMethod)
	for (const view of wholeHeapViews) manager.add(view.member)
	for (const type of wideTypes) manager.add(type.read).add(type.write)
	for (const encoding of encodings) for (const name of Object.values(encoding.methods)) manager.add(name)
	const refs = new Map<string, Set<string>>()
	const strip = (member: string): string => member.replace(/^(get|set) /, '')
	for (const type of elementTypes) {
		refs.set(type.refClass, new Set([...commonRefMembers, ...summaryRefMembers, ...summaryRefAlso, ...refMembers.value, ...type.atomicOperations.map((operation) => operation.refMethod)].map(strip)))
		refs.set(type.arrayRefClass, new Set([...commonRefMembers, ...summaryRefMembers, ...summaryRefAlso, '[Symbol.iterator]', ...refMembers.array, ...type.atomicOperations.map((operation) => operation.arrayRefMethod)].map(strip)))
	}
	for (const encoding of encodings) refs.set(encoding.refClass, new Set([...commonRefMembers, ...summaryRefMembers, ...summaryRefAlso, ...refMembers.string].map(strip)))
	for (const encoding of encodings) refs.set(encoding.sliceRefClass, new Set([...commonRefMembers, ...summaryRefMembers, ...summaryRefAlso, ...refMembers.slice].map(strip)))
	refs.set('HeapScope', new Set(scopeMembers))
	refs.set('StructRef', new Set([...commonRefMembers, ...summaryRefMembers, ...summaryRefAlso, 'checkLive', 'read', 'write', 'type']))
	refs.set('StructArrayRef', new Set([...commonRefMembers, ...summaryRefMembers, ...summaryRefAlso, 'elementCount', 'at', 'readAt', 'writeAt', 'read', 'write', 'stride', 'type', '[Symbol.iterator]']))
	return { manager, refs }
}

/** Public members of the manager and of every ref class that no operation exercises. */
export function uncoveredMembers(): string[] {
	const { manager, refs } = coveredMembers()
	const missing = publicMembers(library.WasmHeapManager)
		.filter((name) => !manager.has(name))
		.map((name) => `WasmHeapManager.${name}`)
	for (const [className, covered] of refs) {
		const Class = className === 'HeapScope' ? heapScopeClass() : ((library as Record<string, unknown>)[className] as Function)
		for (const name of publicMembers(Class)) if (!covered.has(name)) missing.push(`${className}.${name}`)
	}
	return missing
}

let scopeClass: Function | undefined

/** `HeapScope` is exported as a type only: its class is that of a scope a manager opens. */
function heapScopeClass(): Function {
	if (scopeClass === undefined) {
		const manager = library.createWasmHeapManager(new ArrayBuffer(PAGE_SIZE))
		const scope = manager.openScope()
		scopeClass = scope.constructor
		scope.close()
	}
	return scopeClass
}

function errorKindOf(error: unknown): ErrorKind | 'engine' {
	if (error instanceof InjectedFault || error instanceof UserValueError) return 'user'
	if (error instanceof TypeError) return 'TypeError'
	if (error instanceof RangeError) return 'RangeError'
	if (error instanceof Error && Object.getPrototypeOf(error) === Error.prototype) return 'Error'
	return 'engine'
}

function describeError(error: unknown): string {
	return error instanceof Error ? `${error.constructor.name}: ${error.message}` : `a thrown ${typeof error} ${String(error)}`
}

function showValue(value: unknown): string {
	if (typeof value === 'bigint') return `${value}n`
	if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
	if (Object.is(value, -0)) return '-0'
	return String(value)
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
	let offset = 0
	for (const part of parts) {
		out.set(part, offset)
		offset += part.length
	}
	return out
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))
}

const readScratch = new DataView(new ArrayBuffer(8))

/** Strings of more elements than this the model does not decode (they may exceed the engine's longest string). */
const longString = 2 ** 26
/** The expected result of such a read: any string. */
const longResult = Symbol('a long string')

/** The value of one element of a source typed array, read from model bytes. */
function sourceElement(ctorName: string, bytes: Uint8Array): number | bigint {
	new Uint8Array(readScratch.buffer).set(bytes)
	const accessor = ctorName.replace('Array', '').replace('Clamped', '')
	const getter = (readScratch as unknown as Record<string, (offset: number, littleEndian: boolean) => number | bigint>)[`get${accessor}`]!
	return getter.call(readScratch, 0, true)
}

export class Runner {
	readonly env: FuzzEnv
	readonly manager: any
	readonly stats = new Stats()
	private readonly slots = new Map<number, Slot>()
	/** Live tracked refs by address, as the manager's table should hold them. */
	private readonly tracked = new Map<number, Slot>()
	/** Regions from `allocate` not yet given back with `deallocate`: address → byte size. */
	private readonly raw = new Map<number, number>()
	/** Set by an operation whose effect on `isFreed` the README leaves open: the refs are then synchronised, not checked. */
	private lenient = false
	/** Scopes opened, by the index of the operation that opened them. */
	private readonly scopes = new Map<number, ScopeSlot>()
	/** Open scopes, outermost first. */
	private readonly openScopes: number[] = []
	/** Pending `wait<T>Async` waiters by address (a notify there wakes them). */
	private readonly waiters = new Map<number, number>()
	/** Structs: the episode's struct types and their expected layouts (test/fuzz/structs.ts). */
	structs: import('./structs.js').StructCatalog | undefined

	/**
	 * @param plant for the fuzzer's own tests: breaks the manager on purpose (a planted
	 *   defect the campaign must find)
	 */
	constructor(
		readonly config: EnvConfig,
		readonly options: RunnerOptions = defaultRunnerOptions,
		plant?: (manager: any) => void,
	) {
		this.env = new FuzzEnv(config)
		this.manager = this.env.manager
		plant?.(this.manager)
	}

	// ---- running -------------------------------------------------------------------

	/** Runs one operation and checks it. Throws a `Violation`; returns false if the operation was skipped. */
	step(op: Op): boolean {
		if (op.slot !== undefined && !this.slots.has(op.slot)) {
			this.stats.skipped++
			return false
		}
		this.lenient = false
		const growthBefore = this.env.growthCount
		const ran = this.dispatch(op)
		if (!ran) {
			this.stats.skipped++
			return false
		}
		this.stats.ops++
		this.stats.byKind.set(op.kind, (this.stats.byKind.get(op.kind) ?? 0) + 1)
		if (op.kind !== 'grow' && op.kind !== 'replace') {
			this.stats.members.add(this.memberName(op))
			if (this.env.growthCount > growthBefore) this.stats.growthInsideCalls++
		}
		if (op.faults.length > 0) this.stats.faults++
		if (op.args.some((spec) => isOddSpec(spec))) this.stats.oddArguments++
		this.checkRefs(op)
		this.checkOwnership(op)
		this.checkBuiltinAllocator(op)
		return true
	}

	/**
	 * Wakes every waiter an episode left (their promises are not checked further). In debug
	 * mode, also frees the refs still live, which would otherwise be reported as leaks
	 * (one console warning per allocation site) once collected.
	 */
	finish(): void {
		if (this.config.debug === true) {
			this.env.allocator.begin([])
			for (const slot of this.slots.values()) {
				try {
					if (!slot.freed) slot.ref.free()
				} catch {
					// A sub-ref or a wrap (nothing to free), or a ref whose region was taken over.
				}
			}
		}
		if (this.waiters.size === 0) return
		const view = new Int32Array(this.env.buffer())
		for (const address of this.waiters.keys()) Atomics.notify(view, address / 4)
		this.waiters.clear()
	}

	/** On the built-in allocator's heaps: its own consistency check, and nothing in use when nothing is live. */
	private checkBuiltinAllocator(op: Op): void {
		const observer = this.env.builtinObserver
		if (observer === undefined) return
		try {
			observer.check()
		} catch (error) {
			this.violation(op, 'allocator-corrupt', `the built-in allocator's check() throws ${describeError(error)}`)
		}
		const held = [...this.env.allocator.live.values()].some((block) => block.block >= 0)
		if (!held && !this.env.allocator.leaked && observer.usedByteSize !== 0) {
			this.violation(op, 'allocator-leak', `nothing is allocated, yet the built-in allocator has ${observer.usedByteSize} bytes in use`)
		}
	}

	/** The member an operation exercises, as the closing report counts it. */
	private memberName(op: Op): string {
		if (op.kind === 'summary') return `${op.slot === undefined ? 'WasmHeapManager' : this.slots.get(op.slot)?.className ?? '?'}.${op.member}`
		if (op.kind === 'ref') return `${this.slots.get(op.slot!)?.className ?? '?'}.${op.member}`
		if (op.kind === 'scope' && op.member !== 'openScope') return `HeapScope.${op.member}`
		if (op.kind === 'struct' && this.structs !== undefined) return this.structs.memberName(this, op)
		return op.member
	}

	private where(op: Op): string {
		if (op.kind === 'summary') return this.memberName(op)
		if (op.kind === 'ref') return `${this.slots.get(op.slot!)?.className ?? 'ref'}.${op.member.replace(/^(get|set) /, '')}`
		if (op.kind === 'scope' && op.member !== 'openScope') return `HeapScope.${op.member === '[Symbol.dispose]' ? 'close' : op.member}`
		if (op.kind === 'struct' && this.structs !== undefined) return this.structs.where(this, op)
		return op.member
	}

	violation(op: Op, kind: string, detail: string): never {
		throw new Violation(kind, this.where(op), detail)
	}

	/** Calls `invoke` with the materialized arguments, recording everything the call caused. */
	call(op: Op, invoke: (args: unknown[]) => unknown): Outcome | undefined {
		const env = this.env
		const log = new CallLog()
		let args: unknown[]
		try {
			args = op.args.map((spec, i) => materialize(spec, env, log, String(i)))
		} catch {
			return undefined // a heap view that no longer fits (the shrinker removed the growth it needed)
		}
		const preLength = env.byteLength
		const liveBefore = new Set(env.allocator.live.keys())
		const blocksBefore = env.builtin === undefined ? undefined : new Map(env.allocator.live)
		env.allocator.begin(op.faults)
		let threw = false
		let error: unknown
		let result: unknown
		try {
			result = invoke(args)
		} catch (caught) {
			threw = true
			error = caught
		}
		if (threw) this.stats.threw++
		if (blocksBefore !== undefined && (env.allocator.allocCalls.length > 0 || env.allocator.deallocCalls.length > 0)) {
			// The built-in allocator changed its own state in the heap: the model takes it, except
			// in regions live throughout the call, whose bytes the library must have left alone.
			const kept: [number, number][] = []
			for (const [address, block] of blocksBefore) {
				if (block.block >= 0 && env.allocator.live.get(address) === block) kept.push([block.block, block.block + block.size])
			}
			env.syncAllocatorState(kept)
		}
		// A region handed out again (C freed it behind the manager's back) no longer belongs to its old
		// ref, whether the new allocation keeps it or gives it back (misaligned for the new type).
		for (const call of env.allocator.allocCalls) if (call.fault?.kind === 'reuseLive' && call.address !== undefined) this.deallocated(call.address)
		return {
			threw,
			error,
			result,
			preLength,
			postLength: env.byteLength,
			log,
			allocCalls: env.allocator.allocCalls,
			deallocCalls: env.allocator.deallocCalls,
			liveBefore,
		}
	}

	/**
	 * Checks the outcome against the expectation; on success runs `onSuccess` (which
	 * checks the result and applies the effect to the model), then compares the heap.
	 */
	settle(op: Op, o: Outcome, exp: Expectation, names: Names, onSuccess: (result: any) => void, onThrow?: (error: unknown) => void): void {
		for (const path of exp.untouchable) {
			const calls = o.log.under(path)
			if (calls > 0) this.violation(op, 'user-code-called', `argument ${path} (${specCode(op.args[Number(path.split(/[.[]/)[0])]!)}) is not a number, yet the call ran its valueOf/toString ${calls} time(s); it must be rejected untouched`)
		}
		op.args.forEach((spec, i) => {
			for (const path of objectPaths(spec, String(i))) {
				if (o.log.of(path) > 1) this.violation(op, 'converted-twice', `the valueOf of argument ${path} ran ${o.log.of(path)} times`)
			}
		})
		if (this.env.allocator.protocolErrors.length > 0) this.violation(op, 'allocator-misuse', this.env.allocator.protocolErrors.join('; '))
		if (exp.mustThrow) this.stats.badInputs++
		if (o.threw) {
			const kind = errorKindOf(o.error)
			const reasons = exp.reasons.length > 6 ? [...exp.reasons.slice(0, 6), `${exp.reasons.length - 6} more`] : exp.reasons
			const detail = `${describeError(o.error)} (expected ${exp.mustThrow ? `one of ${[...new Set([...exp.must, ...exp.maybe])].join('/')}` : `success${exp.maybe.size > 0 ? ` or ${[...exp.maybe].join('/')}` : ''}`}: ${reasons.join('; ') || 'valid arguments'})`
			if (kind === 'engine') this.violation(op, 'engine-error', detail)
			if (kind !== 'user') this.checkMessage(op, o, o.error as Error, names)
			// Every error of the library carries its code (README, "Errors carry codes"); one without is the engine's, leaking.
			if ((kind === 'TypeError' || kind === 'RangeError' || kind === 'Error') && !/^ERR_HEAP_[A-Z_]+$/.test(String((o.error as { code?: unknown }).code))) {
				this.violation(op, 'missing-error-code', `${describeError(o.error)} has code ${String((o.error as { code?: unknown }).code)}`)
			}
			if (!exp.must.has(kind) && !exp.maybe.has(kind)) this.violation(op, exp.mustThrow ? 'wrong-error-class' : 'unexpected-throw', detail)
			onThrow?.(o.error)
			this.compareHeap(op, 'heap-changed-by-failed-call', `the call threw ${describeError(o.error)}`)
		} else {
			if (exp.mustThrow) this.violation(op, 'missing-throw', `returned ${showValue(o.result)} although: ${exp.reasons.join('; ')}`)
			onSuccess(o.result)
			this.compareHeap(op, 'heap-differs-from-model', 'after a successful call')
		}
	}

	private checkMessage(op: Op, o: Outcome, error: Error, names: Names): void {
		const message = String(error.message)
		const named = /^([\w$.[\]()]+)[: ]/.exec(message)?.[1]
		const ok = named !== undefined && (names.exact.includes(named) || (names.prefix !== undefined && named.startsWith(names.prefix)) || names.pattern?.test(named) === true)
		if (!ok) {
			const isLibraryName = named !== undefined && (libraryNames.has(named) || /^[A-Z]\w*Ref\./.test(named))
			this.violation(
				op,
				isLibraryName ? 'wrong-method-named' : 'engine-error',
				`${describeError(error)} — ${isLibraryName ? `names ${named}` : 'does not name the method'}; expected ${[...names.exact, names.prefix === undefined ? '' : `${names.prefix}*`].filter(Boolean).join(' or ')}`,
			)
		}
		if (this.options.checkHeapSizeInMessages) {
			for (const match of message.matchAll(/heap of (\d+) bytes/g)) {
				const stated = Number(match[1])
				if (stated !== o.preLength && stated !== o.postLength) {
					this.violation(op, 'stale-heap-size', `${describeError(error)} — the heap is ${o.postLength} bytes`)
				}
			}
		}
	}

	compareHeap(op: Op, kind: string, context: string): void {
		const mismatch = this.env.model.compare(this.env.buffer(), !this.env.large)
		if (mismatch === undefined) return
		const detail =
			mismatch.address < 0
				? `the heap is ${mismatch.heapByteLength} bytes, the model ${mismatch.modelByteLength}`
				: `byte ${mismatch.address} is ${mismatch.heap}, the model says ${mismatch.model}`
		this.violation(op, kind, `${context}: ${detail}`)
	}

	/** Every ref's `isFreed` is as the model says (or, after a lenient operation, becomes what the manager says). */
	private checkRefs(op: Op): void {
		for (const slot of this.slots.values()) {
			const isFreed = slot.ref.isFreed as boolean
			if (isFreed === slot.freed) continue
			if (this.lenient && isFreed) {
				this.markFreed(slot)
				if (slot.ownsBlock) {
					this.env.allocator.forget(slot.address)
					slot.ownsBlock = false
				}
				continue
			}
			this.violation(op, 'isFreed-wrong', `ref ${slot.id} (${slot.className} at ${slot.address}) has isFreed ${isFreed}, the model says ${slot.freed}`)
		}
	}

	/** Every live allocator region belongs to exactly one live ref, and every owning ref's region is live. */
	private checkOwnership(op: Op): void {
		const owners = new Map<number, Slot>()
		for (const slot of this.slots.values()) {
			if (!slot.ownsBlock || slot.freed) continue
			if (!this.env.allocator.live.has(slot.address)) {
				this.violation(op, 'region-lost', `ref ${slot.id} (${slot.className} at ${slot.address}) is live but its region was deallocated`)
			}
			owners.set(slot.address, slot)
		}
		for (const address of this.env.allocator.live.keys()) {
			if (!owners.has(address) && !this.raw.has(address)) this.violation(op, 'region-leaked', `the region at ${address} is still allocated, but no live ref owns it`)
		}
	}

	markFreed(slot: Slot): void {
		slot.freed = true
		slot.scope = undefined
		if (this.tracked.get(slot.address) === slot) this.tracked.delete(slot.address)
	}

	/** The allocator deallocated `address`: whichever ref owned that region no longer does. */
	private deallocated(address: number): void {
		this.raw.delete(address)
		for (const slot of this.slots.values()) if (slot.address === address && slot.ownsBlock) slot.ownsBlock = false
	}

	adopt(op: Op, slot: Omit<Slot, 'id' | 'freed' | 'ownsBlock'> & { allocated: boolean }): void {
		const { allocated, ...facts } = slot
		if (allocated) {
			// The region may have been handed out again (C freed it behind the manager's back).
			for (const other of this.slots.values()) {
				if (other.address === facts.address && other.ownsBlock) other.ownsBlock = false
			}
			const previous = this.tracked.get(facts.address)
			if (facts.tracked && previous !== undefined) this.markFreed(previous)
		}
		const created: Slot = { ...facts, id: op.index, freed: false, ownsBlock: allocated }
		// An allocated ref joins the innermost open scope.
		if (allocated && this.openScopes.length > 0) created.scope = this.openScopes[this.openScopes.length - 1]
		this.slots.set(op.index, created)
		if (created.tracked) this.tracked.set(created.address, created)
		// Keep the table small: forget the oldest freed refs.
		if (this.slots.size > 96) {
			for (const [id, old] of this.slots) {
				if (old.freed) {
					this.slots.delete(id)
					if (this.slots.size <= 80) break
				}
			}
		}
	}

	// ---- checks shared by several operations -------------------------------------------

	managerNames(member: string, type?: { name: string; canonical?: { name: string } }): Names {
		const exact = [member]
		if (type?.canonical !== undefined && type.canonical.name !== type.name) exact.push(member.replace(type.name, type.canonical.name))
		return { exact }
	}

	refNames(slot: Slot, ...delegates: string[]): Names {
		const exact: string[] = []
		for (const name of delegates) {
			exact.push(name)
			if (slot.element !== undefined) exact.push(name.replace(slot.element.name, slot.element.canonical.name))
		}
		// An alias's ref class extends its target's, whose errors name the target class.
		const target = slot.element !== undefined && slot.element.canonical !== slot.element ? `${slot.className.replace(slot.element.name, slot.element.canonical.name)}.` : undefined
		// A struct ref names itself after its type (`S0.clear`, `S0ArrayRef.at`).
		if (slot.family === 'struct' || slot.family === 'structArray') return { exact, prefix: `${slot.className}.`, pattern: /^S\d+(ArrayRef)?\./ }
		return { exact, prefix: `${slot.className}.`, ...(target === undefined ? {} : { pattern: new RegExp(`^${target.replace('.', '\\.')}`) }) }
	}

	checkResult(op: Op, actual: unknown, expected: unknown, what = 'result'): void {
		if (expected === longResult) {
			if (typeof actual !== 'string') this.violation(op, 'wrong-result', `${what} is ${typeof actual}, expected a string`)
			return
		}
		if (!sameValue(actual, expected)) this.violation(op, 'wrong-result', `${what} ${showValue(actual)}, the model says ${showValue(expected)}`)
	}

	/** The expected value of a read at a valid `address`, or the RangeError a pointer53 above 2^53 - 1 gives. */
	private expectRead(exp: Expectation, type: ElementType, address: number | undefined): number | bigint | undefined {
		if (address === undefined || exp.mustThrow) return undefined
		const decoded = decodeElement(type, this.env.model.read(address, type.byteSize))
		if ('pointer53TooLarge' in decoded) {
			exp.fail('RangeError', `the stored uint64 ${decoded.pointer53TooLarge} is above 2^53 - 1`)
			return undefined
		}
		return decoded.value
	}

	private checkView(op: Op, view: any, ctorName: string, address: number, elementCount: number, bytesPerElement: number): void {
		if (view?.constructor?.name !== ctorName) this.violation(op, 'wrong-view', `returned ${view?.constructor?.name}, expected a ${ctorName}`)
		const current = this.env.buffer()
		if (view.buffer !== current) {
			// An older SharedArrayBuffer of a grown shared memory is the same memory (it only does not
			// cover the new part): allowed if it really aliases the heap. Any other buffer is stale.
			const shared = Object.prototype.toString.call(current) === '[object SharedArrayBuffer]'
			if (!shared || !this.aliases(view.buffer, address, elementCount * bytesPerElement)) {
				this.violation(op, 'stale-view', `the view is over a buffer of ${view.buffer.byteLength} bytes that is not the heap's current buffer`)
			}
		}
		if (view.byteOffset !== address || view.length !== elementCount) {
			this.violation(op, 'wrong-view', `the view covers ${view.length} elements at ${view.byteOffset}, expected ${elementCount} at ${address}`)
		}
		// The content through the view: all of it, or (a view of gigabytes on a large heap) its first and
		// last 64 KiB, so that checking never makes the model or the heap resident. compareHeap checks the rest.
		const byteLength = elementCount * bytesPerElement
		const windows: [number, number][] = byteLength <= 2 * PAGE_SIZE ? [[0, byteLength]] : [[0, PAGE_SIZE], [byteLength - PAGE_SIZE, PAGE_SIZE]]
		for (const [start, length] of windows) {
			const bytes = new Uint8Array(view.buffer, view.byteOffset + start, length)
			if (!bytesEqual(bytes, this.env.model.read(address + start, length))) this.violation(op, 'wrong-view', `the view does not hold what the model says (bytes ${start} to ${start + length})`)
		}
	}

	/** Whether `buffer` is the heap's memory at `address` (a byte flipped through it shows in the current buffer). */
	private aliases(buffer: ArrayBufferLike, address: number, byteLength: number): boolean {
		if (byteLength === 0) return true
		const through = new Uint8Array(buffer, address, 1)
		const heap = new Uint8Array(this.env.buffer(), address, 1)
		const before = through[0]!
		through[0] = before ^ 0xff
		const seen = heap[0] === (before ^ 0xff)
		through[0] = before
		return seen
	}

	checkNewRef(op: Op, result: unknown, Class: Function, address: number, byteSize: number, tracked: boolean, elementCount?: number): void {
		const ref = result as any
		if (!(result instanceof Class) || ref.constructor !== Class) this.violation(op, 'wrong-ref', `returned ${ref?.constructor?.name}, expected ${Class.name}`)
		if (ref.address !== address || ref.allocatedByteSize !== byteSize) {
			this.violation(op, 'wrong-ref', `the ref covers ${ref.allocatedByteSize} bytes at ${ref.address}, expected ${byteSize} at ${address}`)
		}
		if (elementCount !== undefined && ref.elementCount !== elementCount) this.violation(op, 'wrong-ref', `elementCount ${ref.elementCount}, expected ${elementCount}`)
		if (ref.isFreed !== false) this.violation(op, 'wrong-ref', 'a new ref is already freed')
		void tracked
	}

	/**
	 * What the allocator's answer during `o` means: the address the allocation must
	 * succeed at, or (in `exp`) the `Error` a failed allocation must give.
	 */
	allocationVerdict(op: Op, exp: Expectation, o: Outcome, byteSize: number, alignment: number): number | undefined {
		const calls = o.allocCalls.filter((call) => call.probe !== true)
		// A size no 32-bit size_t holds is refused before a number allocator is called on a 32-bit ABI
		// (README, Connecting to a heap); a memory64-style one takes it once the manager knows it takes bigints.
		if (Math.max(1, byteSize) > 0xffffffff && (this.config.abi ?? 'wasm32') !== 'wasm64') {
			if (this.config.memory64Allocator !== true) {
				exp.fail('RangeError', `${byteSize} bytes: a 32-bit size_t holds at most 4294967295`)
				if (calls.length > 0) this.violation(op, 'allocator-called-for-invalid-arguments', `the allocator was asked for ${String(calls[0]!.size)} bytes, more than a 32-bit size_t holds`)
				return undefined
			}
			exp.allow('RangeError', 'a size past 32 bits, before the manager knows the allocator takes bigints')
		}
		if (calls.length === 0) return undefined
		if (calls.length > 1) this.violation(op, 'allocator-called-twice', `the allocator was called ${calls.length} times for one allocation`)
		const call = calls[0]!
		const wanted = Math.max(1, byteSize)
		if (Number(call.size) !== wanted) this.violation(op, 'wrong-allocation-size', `the allocator was asked for ${String(call.size)} bytes, expected ${wanted}`)
		if (call.threw === true) {
			exp.fail('Error', 'the allocator threw')
			exp.allow('user', 'the allocator threw')
			return undefined
		}
		const address = call.address
		if (address === undefined || !(Number.isSafeInteger(address) && address > 0)) {
			exp.fail('Error', `the allocator returned ${showValue(call.returned)}`)
			return undefined
		}
		if (address % alignment !== 0) {
			exp.fail('Error', `the allocator returned ${address}, not aligned to ${alignment}`)
			return undefined
		}
		// (The region asked for: a zero-length allocation asks for 1 byte, which must lie in the heap too.)
		if (address + wanted > o.postLength) {
			exp.fail('Error', `the allocator returned ${address}, whose ${wanted} bytes run past the heap of ${o.postLength}`)
			return undefined
		}
		if (call.fault?.kind === 'insideLive') {
			exp.allow('Error', 'the allocator returned an address inside a live region (not detected, by design: README, Safety)')
			this.lenient = true
		}
		return address
	}

	/** After a failed allocation: nothing it took stays allocated (unless the deallocator trapped), and the error says so. */
	afterFailedAllocation(op: Op, o: Outcome, error: unknown): void {
		const deallocatorTrapped = o.deallocCalls.some((call) => call.threw === true)
		for (const call of o.allocCalls) {
			// A region handed out again (reuseLive) was live before, but this allocation took it over.
			const taken = call.address !== undefined && (!o.liveBefore.has(call.address) || call.fault?.kind === 'reuseLive')
			if (call.address === undefined || !taken || !this.env.allocator.live.has(call.address)) continue
			if (deallocatorTrapped) this.env.allocator.forget(call.address)
			else this.violation(op, 'allocation-left-behind', `the allocator handed out ${call.address}, the call threw ${describeError(error)}, and the region is still allocated`)
		}
		if (errorKindOf(error) === 'Error' && o.allocCalls.some((call) => call.probe !== true) && !/allocating \d+ bytes?( aligned to \d+)? failed/.test((error as Error).message)) {
			this.violation(op, 'allocation-error-unclear', `${describeError(error)} does not say that the allocation failed`)
		}
	}

	applyZero(address: number, byteSize: number): void {
		if (this.config.clearAllocatedRegions) this.env.model.fill(address, byteSize, 0)
	}

	// ---- the operations -----------------------------------------------------------------

	private dispatch(op: Op): boolean {
		switch (op.kind) {
			case 'read':
				return this.runRead(op)
			case 'write':
				return this.runWrite(op)
			case 'view':
				return this.runView(op)
			case 'alloc':
				return this.runAlloc(op)
			case 'allocArray':
				return this.runAllocArray(op)
			case 'wrap':
			case 'wrapArray':
				return this.runWrap(op)
			case 'rmw':
				return this.runAtomicOperation(op)
			case 'wait':
				return this.runWait(op)
			case 'notify':
				return this.runNotify(op)
			case 'raw':
				return op.member === 'allocate' ? this.runAllocate(op) : this.runDeallocate(op)
			case 'wideRead':
			case 'wideWrite':
				return this.runWide(op)
			case 'stringRead':
				return this.runStringRead(op)
			case 'stringWrite':
				return this.runStringWrite(op)
			case 'stringAlloc':
				return this.runStringAlloc(op)
			case 'stringWrap':
				return this.runStringWrap(op)
			case 'manager':
				return this.runManager(op)
			case 'ref':
				return this.runRef(op)
			case 'grow':
				if (!this.env.grow((op.pages ?? 1) * PAGE_SIZE, 'outside', op.updateViews ?? true)) return false
				this.stats.growthOutside++
				return true
			case 'replace':
				return this.env.replace()
			case 'heapView':
				return this.runHeapView(op)
			case 'sliceRead':
				return this.runSliceRead(op)
			case 'sliceWrite':
				return this.runSliceWrite(op)
			case 'sliceAlloc':
				return this.runSliceAlloc(op)
			case 'sliceWrap':
				return this.runSliceWrap(op)
			case 'strlen':
				return this.runStrlen(op)
			case 'encodedLength':
				return this.runEncodedLength(op)
			case 'waitAsync':
				return this.runWaitAsync(op)
			case 'scope':
				return this.runScope(op)
			case 'withScope':
				return this.runWithScope(op)
			case 'struct':
				return this.structs === undefined ? false : this.structs.run(this, op)
			case 'summary':
				return this.runSummary(op)
		}
	}

	private runRead(op: Op): boolean {
		const type = elementByName.get(op.type!)!
		const atomic = op.member === type.methods.readAtomic
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = classifyAddress(exp, op.args[0]!, '0', type.byteSize, atomic ? type.byteSize : 1, o.preLength, o.postLength)
		const expected = this.expectRead(exp, type, address)
		this.settle(op, o, exp, this.managerNames(op.member, type), (result) => this.checkResult(op, result, expected))
		return true
	}

	private runWrite(op: Op): boolean {
		const type = elementByName.get(op.type!)!
		const atomic = op.member === type.methods.writeAtomic
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = classifyAddress(exp, op.args[0]!, '0', type.byteSize, atomic ? type.byteSize : 1, o.preLength, o.postLength)
		const value = classifyValue(exp, op.args[1]!, type, 'value')
		this.settle(op, o, exp, this.managerNames(op.member, type), (result) => {
			this.checkResult(op, result, undefined)
			this.env.model.write(address!, encodeElement(type, value!))
		})
		return true
	}

	private runView(op: Op): boolean {
		const type = elementByName.get(op.type!)!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const count = classifyCount(exp, op.args[1]!, '1', 'element count')
		const address = classifyAddress(exp, op.args[0]!, '0', count === undefined ? undefined : count * type.byteSize, type.alignment, o.preLength, o.postLength)
		if (type.viewNeedsGlobal && typeof (globalThis as Record<string, unknown>)[type.viewConstructor] !== 'function') {
			if (exp.mustThrow) exp.allow('TypeError', `${type.viewConstructor} is missing on this engine`)
			else exp.fail('TypeError', `${type.viewConstructor} is missing on this engine`)
		}
		this.settle(op, o, exp, this.managerNames(op.member, type), (view) => this.checkView(op, view, type.viewConstructor, address!, count!, type.byteSize))
		return true
	}

	private runAlloc(op: Op): boolean {
		const type = elementByName.get(op.type!)!
		const o = this.call(op, () => this.manager[op.member]())
		if (o === undefined) return false
		const exp = new Expectation()
		const address = this.allocationVerdict(op, exp, o, type.byteSize, type.alignment)
		this.settle(
			op,
			o,
			exp,
			this.managerNames(op.member, type),
			(ref) => {
				if (address === undefined) this.violation(op, 'allocator-not-called', 'a ref came back without an allocation')
				this.checkNewRef(op, ref, type.RefClass, address, type.byteSize, this.config.trackAllocations)
				this.applyZero(address, type.byteSize)
				this.adopt(op, { ref, family: 'value', element: type, encoding: undefined, className: type.refClass, address, byteSize: type.byteSize, elementCount: 1, tracked: this.config.trackAllocations, allocated: true })
			},
			(error) => this.afterFailedAllocation(op, o, error),
		)
		return true
	}

	private runAllocArray(op: Op): boolean {
		const type = elementByName.get(op.type!)!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const spec = op.args[0]!
		let count: number | undefined
		let sameTypeSource: Uint8Array | undefined
		let values: (number | bigint | undefined)[] | undefined
		const classifyItems = (items: readonly Spec[], path: string): void => {
			values = items.map((item, i) => classifyValue(exp, item, type, `value ${i}`))
			void path
		}
		switch (spec.k) {
			case 'num':
				count = classifyCount(exp, spec, '0', 'element count')
				break
			case 'arr':
				count = spec.items.length
				classifyItems(spec.items, '0')
				break
			case 'box':
				count = 1
				classifyItems([spec.inner], '0')
				break
			case 'typed':
				count = spec.values.length
				classifyItems(spec.values.map((v): Primitive => (typeof v === 'bigint' ? { k: 'big', v } : { k: 'num', v })), '0')
				this.contentType(exp, type, spec.ctor)
				break
			case 'heapView': {
				count = spec.count
				const size = typedArrayConstructor(spec.ctor).BYTES_PER_ELEMENT
				// A source of the array's own type is copied as bytes (TypedArray.prototype.set of the same
				// type), which keeps a NaN's payload that decoding and encoding each value would not.
				if (spec.ctor === `${type.canonical.name}Array`) sameTypeSource = this.env.model.read(spec.address, spec.count * size).slice()
				const items: Primitive[] = []
				for (let i = 0; i < spec.count; i++) {
					const value = sourceElement(spec.ctor, this.env.model.read(spec.address + i * size, size))
					items.push(typeof value === 'bigint' ? { k: 'big', v: value } : { k: 'num', v: value })
				}
				classifyItems(items, '0')
				this.contentType(exp, type, spec.ctor)
				break
			}
			case 'arrayLike': {
				if (spec.length.k !== 'num') {
					exp.fail('TypeError', `length is ${spec.length.k}`)
					exp.untouchable.push('0.length')
					break
				}
				count = classifyCount(exp, spec.length, '0.length', 'length')
				if (count === undefined) break
				if (count * type.byteSize > this.env.maxByteLength) {
					// More elements than any heap here holds: a RangeError, or the allocator's Error.
					exp.fail('RangeError', `length ${count} is larger than the heap can ever be`)
					exp.allow('Error', 'the allocation fails')
					exp.allow('TypeError', 'undefined elements')
					count = undefined
					break
				}
				classifyItems(Array.from({ length: count }, (_, i): Spec => spec.items[i] ?? { k: 'undef' }), '0')
				break
			}
			default:
				exp.fail('TypeError', `${spec.k} is neither an element count nor an array-like`)
				exp.untouchable.push('0')
		}
		if (count !== undefined && !Number.isSafeInteger(count * type.byteSize)) {
			exp.fail('RangeError', `${count * type.byteSize} bytes is not a safe integer: no heap holds it, and the allocator must not be asked`)
			count = undefined
		}
		if (exp.mustThrow) {
			exp.badArgument = true
			if (o.allocCalls.some((call) => call.probe !== true)) {
				this.violation(op, 'allocator-called-for-invalid-arguments', `the allocator ran although ${exp.reasons.join('; ')}; the README says a bad count or value throws before it is called`)
			}
		}
		const address = count === undefined || exp.mustThrow ? undefined : this.allocationVerdict(op, exp, o, count * type.byteSize, type.alignment)
		this.settle(
			op,
			o,
			exp,
			this.managerNames(op.member, type),
			(ref) => {
				if (address === undefined) this.violation(op, 'allocator-not-called', 'a ref came back without an allocation')
				const byteSize = count! * type.byteSize
				this.checkNewRef(op, ref, type.ArrayRefClass, address, byteSize, this.config.trackAllocations, count)
				this.applyZero(address, byteSize)
				if (sameTypeSource !== undefined && count! > 0) this.env.model.write(address, sameTypeSource)
				else if (values !== undefined && count! > 0) this.env.model.write(address, concatBytes(values.map((value) => encodeElement(type, value!))))
				this.adopt(op, { ref, family: 'array', element: type, encoding: undefined, className: type.arrayRefClass, address, byteSize, elementCount: count!, tracked: this.config.trackAllocations, allocated: true })
			},
			(error) => this.afterFailedAllocation(op, o, error),
		)
		return true
	}

	/** A typed array of bigints copied into a number array (or the reverse) is a TypeError, as TypedArray construction says, even when empty. */
	private contentType(exp: Expectation, type: ElementType, sourceName: string): void {
		const sourceIsBigInt = sourceName.startsWith('Big')
		if (sourceIsBigInt !== (type.valueType === 'bigint') || (type.kind === 'pointer53' && sourceIsBigInt)) {
			exp.allow('TypeError', `a ${sourceName} source for ${type.name} values`)
		}
	}

	private runWrap(op: Op): boolean {
		const type = elementByName.get(op.type!)!
		const array = op.kind === 'wrapArray'
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const count = array ? classifyCount(exp, op.args[1]!, '1', 'element count') : 1
		const byteSize = count === undefined ? undefined : count * type.byteSize
		const address = classifyAddress(exp, op.args[0]!, '0', byteSize, array ? type.alignment : 1, o.preLength, o.postLength, true)
		this.settle(op, o, exp, this.managerNames(op.member, type), (ref) => {
			this.checkNewRef(op, ref, array ? type.ArrayRefClass : type.RefClass, address!, byteSize!, false, array ? count : undefined)
			this.adopt(op, {
				ref,
				family: array ? 'array' : 'value',
				element: type,
				encoding: undefined,
				className: array ? type.arrayRefClass : type.refClass,
				address: address!,
				byteSize: byteSize!,
				elementCount: count!,
				tracked: false,
				allocated: false,
			})
		})
		return true
	}

	/**
	 * What an atomic read-modify-write at a valid `address` returns and stores (`bytes`,
	 * or nothing when a compare-exchange does not match): the value held before; the new
	 * value wraps for integers, is rounded for floats, and throws for a pointer53 that is
	 * not in `[0, 2^53)` before or after.
	 */
	private atomicEffect(
		exp: Expectation,
		type: ElementType,
		operation: NormalizedAtomicOperation,
		address: number | undefined,
		valueSpecs: readonly Spec[],
		firstPath: number,
	): { result: number | bigint; bytes: Uint8Array | undefined } | undefined {
		const operands = valueSpecs.map((spec, i) => classifyValue(exp, spec, type, `value ${firstPath + i}`))
		if (address === undefined || exp.mustThrow || operands.some((operand) => operand === undefined)) return undefined
		const storedBytes = this.env.model.read(address, type.byteSize)
		const [first, second] = operands as (number | bigint)[]
		if (type.kind === 'pointer53') {
			const stored = decodeWide(storedBytes)
			if (stored > maxPointer53) {
				exp.fail('RangeError', `the stored uint64 ${stored} is above 2^53 - 1`)
				return undefined
			}
			let bytes: Uint8Array | undefined
			if (operation.shape === 'exchange') bytes = encodeElement(type, first!)
			else if (operation.shape === 'compareExchange') bytes = BigInt(first!) === stored ? encodeElement(type, second!) : undefined
			else {
				const result = combineBig(operation.operator, stored, BigInt(first!))
				if (result < 0n || result > maxPointer53) {
					exp.fail('RangeError', `the result ${result} is not in [0, 2^53)`)
					return undefined
				}
				bytes = encodeWide(result, 8)
			}
			return { result: Number(stored), bytes }
		}
		const old = (decodeElement(type, storedBytes) as { value: number | bigint }).value
		/** An operand as the type holds it (wrapped, clamped or rounded). */
		const held = (operand: number | bigint): number | bigint => (decodeElement(type, encodeElement(type, operand)) as { value: number | bigint }).value
		let bytes: Uint8Array | undefined
		switch (operation.shape) {
			case 'exchange':
				bytes = encodeElement(type, first!)
				break
			case 'compareExchange':
				// Bit patterns are compared, as C does (-0 is not 0; a NaN matches the same NaN bits).
				bytes = bytesEqual(encodeElement(type, first!), storedBytes) ? encodeElement(type, second!) : undefined
				break
			case 'combine':
				bytes =
					type.kind === 'bigint'
						? encodeElement(type, BigInt.asUintN(64, combineBig(operation.operator, old as bigint, held(first!) as bigint)))
						: encodeElement(type, combineNumber(operation.operator, old as number, held(first!) as number))
				break
		}
		return { result: old, bytes }
	}

	private runAtomicOperation(op: Op): boolean {
		const { type, operation } = atomicByMethod.get(op.member)!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = classifyAddress(exp, op.args[0]!, '0', type.byteSize, type.byteSize, o.preLength, o.postLength)
		const effect = this.atomicEffect(exp, type, operation, address, op.args.slice(1), 1)
		this.settle(op, o, exp, this.managerNames(op.member, type), (result) => {
			this.checkResult(op, result, effect!.result)
			if (effect!.bytes !== undefined) this.env.model.write(address!, effect!.bytes)
		})
		return true
	}

	private isShared(): boolean {
		return Object.prototype.toString.call(this.env.buffer()) === '[object SharedArrayBuffer]'
	}

	/** `wait<T>(address, expected, timeoutMs)`, never with a timeout that could block for long. */
	private runWait(op: Op): boolean {
		const type = waitByMethod.get(op.member)!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = classifyAddress(exp, op.args[0]!, '0', type.byteSize, type.byteSize, o.preLength, o.postLength)
		const expected = classifyValue(exp, op.args[1]!, type, 'expected')
		const timeout = op.args[2]!
		if (timeout.k !== 'num') exp.fail('TypeError', `timeoutMs is ${timeout.k}`)
		else if (!(timeout.v >= 0)) exp.fail('RangeError', `timeoutMs ${timeout.v} is negative or NaN`)
		if (!this.isShared()) exp.fail('TypeError', 'the heap is not shared')
		this.settle(op, o, exp, this.managerNames(op.member, type), (result) => {
			const held = bytesEqual(encodeElement(type, expected!), this.env.model.read(address!, type.byteSize))
			this.checkResult(op, result, held ? 'timed-out' : 'not-equal')
		})
		return true
	}

	/** `notify(address, count?)`: nobody waits here, so it wakes 0. */
	private runNotify(op: Op): boolean {
		const o = this.call(op, (a) => this.manager.notify(...a))
		if (o === undefined) return false
		const exp = new Expectation()
		classifyAddress(exp, op.args[0]!, '0', 4, 4, o.preLength, o.postLength)
		const count = op.args[1]
		if (count !== undefined && count.k !== 'undef') {
			if (count.k !== 'num') {
				exp.fail('TypeError', `count is ${count.k}`)
				exp.untouchable.push('1')
			} else if (!(count.v === Infinity || (Number.isSafeInteger(count.v) && count.v >= 0))) exp.fail('RangeError', `count ${count.v}`)
		}
		this.settle(op, o, exp, this.managerNames('notify'), (result) => {
			// Only this thread's pending wait<T>Async calls wait: as many as were at the address, up to count.
			const address = (op.args[0] as { v: number }).v
			const waiting = this.waiters.get(address) ?? 0
			const limit = count === undefined || count.k === 'undef' ? Infinity : (count as { v: number }).v
			const woken = Math.min(waiting, limit)
			this.checkResult(op, result, woken)
			if (woken === waiting) this.waiters.delete(address)
			else this.waiters.set(address, waiting - woken)
		})
		return true
	}

	private classifyAlignment(exp: Expectation, spec: Spec | undefined, path: string): number | undefined {
		if (spec === undefined || spec.k === 'undef') return 8
		if (spec.k !== 'num') {
			exp.fail('TypeError', `alignment is ${spec.k}`)
			exp.untouchable.push(path)
			return undefined
		}
		const value = spec.v
		if (!(Number.isInteger(value) && value >= 1 && value <= 65536 && (value & (value - 1)) === 0)) {
			exp.fail('RangeError', `alignment ${value} is not a power of two from 1 to 65536`)
			return undefined
		}
		return value
	}

	/** `allocate(byteSize, alignment?)`: a raw region, checked and zeroed as refs' are, but not tracked. */
	private runAllocate(op: Op): boolean {
		const o = this.call(op, (a) => this.manager.allocate(...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const byteSize = classifyCount(exp, op.args[0]!, '0', 'byte size')
		const alignment = this.classifyAlignment(exp, op.args[1], '1')
		if (exp.mustThrow && o.allocCalls.some((call) => call.probe !== true)) {
			this.violation(op, 'allocator-called-for-invalid-arguments', `the allocator ran although ${exp.reasons.join('; ')}`)
		}
		const address = exp.mustThrow ? undefined : this.allocationVerdict(op, exp, o, byteSize!, alignment!)
		this.settle(
			op,
			o,
			exp,
			this.managerNames('allocate'),
			(result) => {
				if (address === undefined) this.violation(op, 'allocator-not-called', 'an address came back without an allocation')
				this.checkResult(op, result, address)
				this.applyZero(address, byteSize!)
				this.raw.set(address, byteSize!)
			},
			(error) => this.afterFailedAllocation(op, o, error),
		)
		return true
	}

	/** `deallocate(address, byteSize?, alignment?)`: refuses a tracked ref's address, hands anything else to the deallocator. */
	private runDeallocate(op: Op): boolean {
		const o = this.call(op, (a) => this.manager.deallocate(...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const spec = op.args[0]!
		let address: number | undefined
		if (spec.k !== 'num') {
			exp.fail('TypeError', `address is ${spec.k}`)
			exp.untouchable.push('0')
		} else if (!(Number.isSafeInteger(spec.v) && spec.v > 0)) exp.fail('RangeError', `address ${spec.v} is not a positive safe integer`)
		else address = spec.v
		const size = op.args[1]
		if (size !== undefined && size.k !== 'undef') classifyCount(exp, size, '1', 'byte size')
		if (op.args[2] !== undefined) this.classifyAlignment(exp, op.args[2], '2')
		const target = address === undefined ? undefined : this.tracked.get(address)
		if (target !== undefined && !target.freed) exp.fail('RangeError', `address ${address} belongs to a live tracked ref`)
		if (exp.mustThrow && o.deallocCalls.some((call) => call.probe !== true)) {
			this.violation(op, 'deallocator-called-for-invalid-arguments', `the deallocator ran although ${exp.reasons.join('; ')}`)
		}
		this.deallocatorFaults(exp, o)
		this.settle(op, o, exp, this.managerNames('deallocate'), () => {
			this.expectFrees(op, o, [address!])
			this.afterFrees(o)
		})
		if (o.threw) this.afterFrees(o)
		return true
	}

	private runWide(op: Op): boolean {
		const type: WideType = wideByName.get(op.type!)!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = classifyAddress(exp, op.args[0]!, '0', type.byteSize, 1, o.preLength, o.postLength)
		if (op.kind === 'wideRead') {
			const expected = address === undefined || exp.mustThrow ? undefined : decodeWide(this.env.model.read(address, type.byteSize))
			this.settle(op, o, exp, this.managerNames(op.member), (result) => this.checkResult(op, result, expected))
		} else {
			const value = classifyWide(exp, op.args[1]!, type.bits, 'value')
			this.settle(op, o, exp, this.managerNames(op.member), () => this.env.model.write(address!, encodeWide(value!, type.byteSize)))
		}
		return true
	}

	// ---- strings -----------------------------------------------------------------------

	/** A string's address: a non-negative integer `number` aligned to its element size. */
	private stringAddress(exp: Expectation, spec: Spec, path: string, encoding: Encoding, nullIsError = false): number | undefined {
		const address = classifyAddress(exp, spec, path, undefined, encoding.bytesPerElement, Infinity, Infinity, nullIsError)
		return exp.mustThrow ? undefined : address
	}

	private optionalCount(exp: Expectation, op: Op, index: number, what: string): number | undefined | null {
		const spec = op.args[index]
		if (spec === undefined || spec.k === 'undef') return undefined
		const count = classifyCount(exp, spec, String(index), what)
		return count === undefined ? null : count
	}

	/** What `readNullTerminated<E>String(address, max)` must return, or (in `exp`) the error it must give. */
	private expectStringRead(exp: Expectation, encoding: Encoding, address: number | undefined, max: number | undefined | null, length: number): string | typeof longResult | undefined {
		if (address === undefined || max === null || exp.mustThrow) return undefined
		const bpe = encoding.bytesPerElement
		if (max === 0) {
			if (address > length) exp.fail('RangeError', `address ${address} is past the heap's end`)
			else if (address === length) exp.allow('RangeError', 'zero elements at the heap end')
			return ''
		}
		const room = Math.floor((length - address) / bpe)
		if (!(room >= 1)) {
			exp.fail('RangeError', `no room for one element at ${address}`)
			return undefined
		}
		const scan = max === undefined || max > room ? room : max
		let count = this.env.model.findTerminator(address, bpe, scan)
		if (count < 0) {
			if (max !== undefined && max <= room) count = max
			else {
				exp.fail('RangeError', `no terminator before the heap's end`)
				return undefined
			}
		}
		if (count > longString) {
			exp.allow('RangeError', `${count} elements may decode to more than the engine's longest string`)
			return longResult
		}
		const decoded = decodeString(encoding.codec, this.env.model.read(address, count * bpe))
		if ('tooLargeAt' in decoded) {
			exp.fail('RangeError', `element ${decoded.tooLargeAt} is ${decoded.element}, above 0x10FFFF`)
			return undefined
		}
		return decoded.value
	}

	private runStringRead(op: Op): boolean {
		const encoding = encodingByName.get(op.type!)!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = this.stringAddress(exp, op.args[0]!, '0', encoding)
		const max = this.optionalCount(exp, op, 1, 'maxElementCount')
		const expected = this.expectStringRead(exp, encoding, address, max, o.preLength)
		this.settle(op, o, exp, this.managerNames(op.member), (result) => this.checkResult(op, result, expected))
		return true
	}

	/** Checks a string write and returns its effect (the bytes to write at the address), or adds to `exp` why it must fail. */
	private expectStringWrite(exp: Expectation, encoding: Encoding, address: number | undefined, valueSpec: Spec, max: number | undefined | null, length: number): { bytes: Uint8Array; count: number } | undefined {
		if (valueSpec.k !== 'str') {
			exp.fail('TypeError', `the value is ${valueSpec.k}, not a string`)
			exp.untouchable.push('1')
		}
		if (max === 0) exp.fail('RangeError', 'maxElementCount 0 leaves no room for the terminator')
		if (address === undefined || max === null || exp.mustThrow) return undefined
		const bpe = encoding.bytesPerElement
		let room: number
		if (max !== undefined) {
			if (address + max * bpe > length) {
				exp.fail('RangeError', `${max} elements at ${address} run past the heap of ${length} bytes`)
				return undefined
			}
			room = max
		} else {
			room = Math.floor((length - address) / bpe)
			if (!(room >= 1)) {
				exp.fail('RangeError', `no room at ${address}`)
				return undefined
			}
		}
		const encoded = encodeString(encoding.codec, (valueSpec as { v: string }).v)
		if ('notAsciiAt' in encoded) {
			exp.fail('RangeError', `character ${encoded.notAsciiAt} is not ASCII`)
			return undefined
		}
		if (encoded.elementCount + 1 > room) {
			exp.fail('RangeError', `${encoded.elementCount + 1} elements do not fit in ${room}`)
			return undefined
		}
		return { bytes: concatBytes([encoded.bytes, new Uint8Array(bpe)]), count: encoded.elementCount }
	}

	private runStringWrite(op: Op): boolean {
		const encoding = encodingByName.get(op.type!)!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = this.stringAddress(exp, op.args[0]!, '0', encoding)
		const max = this.optionalCount(exp, op, 2, 'maxElementCount')
		const effect = this.expectStringWrite(exp, encoding, address, op.args[1]!, max, o.preLength)
		this.settle(op, o, exp, this.managerNames(op.member), (result) => {
			this.checkResult(op, result, effect!.count, 'returned count')
			this.env.model.write(address!, effect!.bytes)
		})
		return true
	}

	private runStringAlloc(op: Op): boolean {
		const encoding = encodingByName.get(op.type!)!
		const bpe = encoding.bytesPerElement
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const spec = op.args[0]!
		let byteSize: number | undefined
		let bytes: Uint8Array | undefined
		if (spec.k === 'str') {
			const encoded = encodeString(encoding.codec, spec.v)
			if ('notAsciiAt' in encoded) exp.fail('RangeError', `character ${encoded.notAsciiAt} is not ASCII`)
			else {
				byteSize = (encoded.elementCount + 1) * bpe
				bytes = concatBytes([encoded.bytes, new Uint8Array(bpe)])
			}
		} else if (spec.k === 'num') {
			const capacity = classifyCount(exp, spec, '0', 'capacity')
			if (capacity !== undefined) byteSize = (capacity + 1) * bpe
			if (byteSize !== undefined && !Number.isSafeInteger(byteSize)) {
				exp.fail('RangeError', `${byteSize} bytes is not a safe integer: no heap holds it, and the allocator must not be asked`)
				byteSize = undefined
			}
		} else {
			exp.fail('TypeError', `${spec.k} is neither a capacity nor a string`)
			exp.untouchable.push('0')
		}
		const address = byteSize === undefined || exp.mustThrow ? undefined : this.allocationVerdict(op, exp, o, byteSize, bpe)
		this.settle(
			op,
			o,
			exp,
			this.managerNames(op.member),
			(ref) => {
				if (address === undefined) this.violation(op, 'allocator-not-called', 'a ref came back without an allocation')
				this.checkNewRef(op, ref, encoding.RefClass, address, byteSize!, this.config.trackAllocations)
				this.applyZero(address, byteSize!)
				this.env.model.write(address, bytes ?? new Uint8Array(bpe))
				this.adopt(op, { ref, family: 'string', element: undefined, encoding, className: encoding.refClass, address, byteSize: byteSize!, elementCount: byteSize! / bpe, tracked: this.config.trackAllocations, allocated: true })
			},
			(error) => this.afterFailedAllocation(op, o, error),
		)
		return true
	}

	private runStringWrap(op: Op): boolean {
		const encoding = encodingByName.get(op.type!)!
		const bpe = encoding.bytesPerElement
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = classifyAddress(exp, op.args[0]!, '0', bpe, bpe, o.preLength, o.postLength, true)
		const max = this.optionalCount(exp, op, 1, 'maxElementCount')
		let capacity: number | undefined
		if (!exp.mustThrow && address !== undefined && max !== null) {
			if (max === undefined) {
				const terminator = this.env.model.findTerminator(address, bpe, Math.floor((o.preLength - address) / bpe))
				if (terminator < 0) exp.fail('RangeError', 'no terminator before the heap end')
				else capacity = terminator + 1
			} else if (max === 0) {
				exp.fail('RangeError', 'maxElementCount 0')
			} else if (address + max * bpe > o.preLength) {
				exp.fail('RangeError', `${max} elements run past the heap`)
			} else {
				capacity = max
			}
		}
		this.settle(op, o, exp, this.managerNames(op.member), (ref) => {
			this.checkNewRef(op, ref, encoding.RefClass, address!, capacity! * bpe, false)
			this.adopt(op, { ref, family: 'string', element: undefined, encoding, className: encoding.refClass, address: address!, byteSize: capacity! * bpe, elementCount: capacity!, tracked: false, allocated: false })
		})
		return true
	}

	// ---- the manager's own members -------------------------------------------------------

	private liveTracked(): Slot[] {
		return [...this.tracked.values()].filter((slot) => !slot.freed)
	}

	expectFrees(op: Op, o: Outcome, addresses: readonly number[]): void {
		const called = o.deallocCalls.filter((call) => call.probe !== true).map((call) => call.address)
		const sorted = (list: readonly number[]): string => [...list].sort((a, b) => a - b).join(',')
		if (sorted(called) !== sorted(addresses)) this.violation(op, 'wrong-deallocations', `the deallocator was called for [${sorted(called)}], expected [${sorted(addresses)}]`)
	}

	/** A deallocator fault makes the outcome of a free open: the error may come through; refs are synchronised. */
	deallocatorFaults(exp: Expectation, o: Outcome): void {
		if (o.deallocCalls.some((call) => call.threw === true)) {
			exp.allow('user', 'the deallocator trapped')
			exp.allow('Error', 'the deallocator trapped')
			this.lenient = true
		}
	}

	afterFrees(o: Outcome): void {
		for (const call of o.deallocCalls) if (call.probe !== true && call.threw !== true) this.deallocated(call.address)
	}

	private runManager(op: Op): boolean {
		const tracking = this.config.trackAllocations
		const o = this.call(op, (a) => {
			switch (op.member) {
				case 'heap':
				case 'allocatedRefs':
				case 'totalAllocatedByteSize':
					return this.manager[op.member]
				default:
					return this.manager[op.member](...a)
			}
		})
		if (o === undefined) return false
		const exp = new Expectation()
		// free and freeAll free through the refs, whose errors (a trapping deallocator) name Ref.free.
		const names = { exact: [op.member], pattern: /^(\w+Ref|S\d+)\.free$/ }
		if (op.member !== 'heap' && op.member !== 'free' && !tracking) exp.fail('Error', 'tracking is off')
		switch (op.member) {
			case 'heap':
				this.settle(op, o, exp, names, (buffer) => {
					if (buffer !== this.env.buffer()) this.violation(op, 'stale-heap', `heap is a buffer of ${buffer?.byteLength} bytes, not the current one of ${this.env.byteLength}`)
				})
				break
			case 'allocatedRefs':
				this.settle(op, o, exp, names, (refs: unknown[]) => {
					const expected = new Set(this.liveTracked().map((slot) => slot.ref))
					const actual = new Set(refs)
					if (refs.length !== expected.size || ![...expected].every((ref) => actual.has(ref))) {
						this.violation(op, 'wrong-tracking', `allocatedRefs has ${refs.length} refs, the model ${expected.size}`)
					}
				})
				break
			case 'totalAllocatedByteSize':
				this.settle(op, o, exp, names, (total) => this.checkResult(op, total, this.liveTracked().reduce((sum, slot) => sum + slot.byteSize, 0)))
				break
			case 'free': {
				const spec = op.args[0]!
				const target = spec.k === 'num' ? this.tracked.get(spec.v) : undefined
				if (spec.k !== 'num') {
					exp.fail('TypeError', `${spec.k} is neither a ref nor an address`)
					exp.allow('RangeError', `${spec.k} is not an address`)
					exp.untouchable.push('0')
				} else if (!tracking) {
					exp.fail('Error', 'tracking is off')
					exp.allow('RangeError', 'no tracked ref there')
				} else if (target === undefined || target.freed) exp.fail('RangeError', `no live tracked ref at ${spec.v}`)
				this.deallocatorFaults(exp, o)
				this.settle(op, o, exp, names, () => {
					this.expectFrees(op, o, [target!.address])
					this.markFreed(target!)
					this.afterFrees(o)
				})
				if (o.threw) this.afterFrees(o)
				break
			}
			case 'freeAll': {
				const live = this.liveTracked()
				this.deallocatorFaults(exp, o)
				this.settle(op, o, exp, names, () => {
					this.expectFrees(op, o, live.map((slot) => slot.address))
					for (const slot of live) this.markFreed(slot)
					this.afterFrees(o)
				})
				if (o.threw) this.afterFrees(o)
				break
			}
			default:
				throw new Error(`fuzz: unknown manager member ${op.member}`)
		}
		return true
	}

	// ---- whole-heap views ------------------------------------------------------------------

	/** `heap<T>` and `heapDataView`: views of the whole current buffer (after any growth), holding what the model holds. */
	private runHeapView(op: Op): boolean {
		const o = this.call(op, () => this.manager[op.member])
		if (o === undefined) return false
		const exp = new Expectation()
		const length = this.env.byteLength
		this.settle(op, o, exp, this.managerNames(op.member), (view) => {
			if (op.member === 'heapDataView') {
				if (!(view instanceof DataView)) this.violation(op, 'wrong-view', `returned ${view?.constructor?.name}, expected a DataView`)
				if (view.buffer !== this.env.buffer() || view.byteOffset !== 0 || view.byteLength !== length) {
					this.violation(op, 'stale-view', `the DataView covers ${view.byteLength} bytes at ${view.byteOffset} of a buffer of ${view.buffer.byteLength}, expected the whole current heap of ${length}`)
				}
				// Sampled through the DataView itself: 64 bytes spread over the heap, and the last one.
				for (let i = 0; i <= 64; i++) {
					const at = i === 64 ? length - 1 : Math.floor((length / 64) * i)
					if (view.getUint8(at) !== this.env.model.read(at, 1)[0]) this.violation(op, 'wrong-view', `heapDataView.getUint8(${at}) is ${view.getUint8(at)}, the model says ${this.env.model.read(at, 1)[0]}`)
				}
				return
			}
			const type = wholeHeapViews.find((candidate) => candidate.member === op.member)!.type
			const full = Math.floor(length / type.byteSize)
			// An engine that caps typed arrays (Node 20: 2^32 elements) ends the view at the cap.
			const count = full > 2 ** 32 && view?.length === 2 ** 32 ? 2 ** 32 : full
			this.checkView(op, view, type.viewConstructor, 0, count, type.byteSize)
		})
		return true
	}

	// ---- length-delimited strings -----------------------------------------------------------

	/** The string `count` elements at a valid `address` decode to, or (in `exp`) why they cannot. */
	private expectSlice(exp: Expectation, encoding: Encoding, address: number | undefined, count: number | undefined): string | typeof longResult | undefined {
		if (address === undefined || count === undefined || exp.mustThrow) return undefined
		if (count > longString) {
			// Maybe longer than the engine's longest string (V8: 2^29 - 24 code units): then a RangeError
			// naming the method; the model does not decode gigabytes (a result is checked by length only).
			exp.allow('RangeError', `${count} elements may decode to more than the engine's longest string`)
			return longResult
		}
		const decoded = decodeString(encoding.codec, this.env.model.read(address, count * encoding.bytesPerElement))
		if ('tooLargeAt' in decoded) {
			exp.fail('RangeError', `element ${decoded.tooLargeAt} is ${decoded.element}, above 0x10FFFF`)
			return undefined
		}
		return decoded.value
	}

	/** The elements `value` encodes to, or (in `exp`) why it cannot be encoded. */
	private encodeSliceValue(exp: Expectation, encoding: Encoding, spec: Spec, path: string): { bytes: Uint8Array; elementCount: number } | undefined {
		if (spec.k !== 'str') {
			exp.fail('TypeError', `the value is ${spec.k}, not a string`)
			exp.untouchable.push(path)
			return undefined
		}
		const encoded = encodeString(encoding.codec, spec.v)
		if ('notAsciiAt' in encoded) {
			exp.fail('RangeError', `character ${encoded.notAsciiAt} is not ASCII`)
			return undefined
		}
		return encoded
	}

	private runSliceRead(op: Op): boolean {
		const encoding = encodingByName.get(op.type!)!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const count = classifyCount(exp, op.args[1]!, '1', 'element count')
		const address = classifyAddress(exp, op.args[0]!, '0', count === undefined ? undefined : count * encoding.bytesPerElement, encoding.bytesPerElement, o.preLength, o.postLength)
		const expected = this.expectSlice(exp, encoding, address, count)
		this.settle(op, o, exp, this.managerNames(op.member), (result) => this.checkResult(op, result, expected))
		return true
	}

	/** `write<E>StringSlice(address, value, maxElementCount?)`, or a slice ref's write with its capacity as the room. */
	private expectSliceWrite(exp: Expectation, encoding: Encoding, address: number | undefined, valueSpec: Spec, valuePath: string, max: number | undefined | null, length: number): { bytes: Uint8Array; count: number } | undefined {
		const encoded = this.encodeSliceValue(exp, encoding, valueSpec, valuePath)
		if (address === undefined || max === null || exp.mustThrow) return undefined
		const bpe = encoding.bytesPerElement
		let room: number
		if (max !== undefined) {
			if (address + max * bpe > length) {
				exp.fail('RangeError', `${max} elements at ${address} run past the heap of ${length} bytes`)
				return undefined
			}
			room = max
		} else {
			if (address > length) {
				exp.fail('RangeError', `address ${address} is past the heap's end`)
				return undefined
			}
			room = Math.floor((length - address) / bpe)
		}
		if (encoded!.elementCount > room) {
			exp.fail('RangeError', `${encoded!.elementCount} elements do not fit in ${room}`)
			return undefined
		}
		return { bytes: encoded!.bytes, count: encoded!.elementCount }
	}

	private runSliceWrite(op: Op): boolean {
		const encoding = encodingByName.get(op.type!)!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = this.stringAddress(exp, op.args[0]!, '0', encoding)
		const max = this.optionalCount(exp, op, 2, 'maxElementCount')
		const effect = this.expectSliceWrite(exp, encoding, address, op.args[1]!, '1', max, o.preLength)
		this.settle(op, o, exp, this.managerNames(op.member), (result) => {
			this.checkResult(op, result, effect!.count, 'returned count')
			this.env.model.write(address!, effect!.bytes)
		})
		return true
	}

	private runSliceAlloc(op: Op): boolean {
		const encoding = encodingByName.get(op.type!)!
		const bpe = encoding.bytesPerElement
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const spec = op.args[0]!
		let byteSize: number | undefined
		let bytes: Uint8Array | undefined
		let length = 0
		if (spec.k === 'str') {
			const encoded = this.encodeSliceValue(exp, encoding, spec, '0')
			if (encoded !== undefined) {
				byteSize = encoded.elementCount * bpe
				bytes = encoded.bytes
				length = encoded.elementCount
			}
		} else if (spec.k === 'num') {
			const capacity = classifyCount(exp, spec, '0', 'capacity')
			if (capacity !== undefined) byteSize = capacity * bpe
			if (byteSize !== undefined && !Number.isSafeInteger(byteSize)) {
				exp.fail('RangeError', `${byteSize} bytes is not a safe integer`)
				byteSize = undefined
			}
		} else {
			exp.fail('TypeError', `${spec.k} is neither a capacity nor a string`)
			exp.untouchable.push('0')
		}
		const address = byteSize === undefined || exp.mustThrow ? undefined : this.allocationVerdict(op, exp, o, byteSize, bpe)
		this.settle(
			op,
			o,
			exp,
			this.managerNames(op.member),
			(ref) => {
				if (address === undefined) this.violation(op, 'allocator-not-called', 'a ref came back without an allocation')
				this.checkNewRef(op, ref, encoding.SliceRefClass, address, byteSize!, this.config.trackAllocations, length)
				this.applyZero(address, byteSize!)
				if (bytes !== undefined) this.env.model.write(address, bytes)
				this.adopt(op, { ref, family: 'slice', element: undefined, encoding, className: encoding.sliceRefClass, address, byteSize: byteSize!, elementCount: byteSize! / bpe, length, tracked: this.config.trackAllocations, allocated: true })
			},
			(error) => this.afterFailedAllocation(op, o, error),
		)
		return true
	}

	private runSliceWrap(op: Op): boolean {
		const encoding = encodingByName.get(op.type!)!
		const bpe = encoding.bytesPerElement
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const count = classifyCount(exp, op.args[1]!, '1', 'element count')
		const address = classifyAddress(exp, op.args[0]!, '0', count === undefined ? undefined : count * bpe, bpe, o.preLength, o.postLength, true)
		this.settle(op, o, exp, this.managerNames(op.member), (ref) => {
			this.checkNewRef(op, ref, encoding.SliceRefClass, address!, count! * bpe, false, count)
			this.adopt(op, { ref, family: 'slice', element: undefined, encoding, className: encoding.sliceRefClass, address: address!, byteSize: count! * bpe, elementCount: count!, length: count!, tracked: false, allocated: false })
		})
		return true
	}

	/** `lengthOfNullTerminated<E>String(address, maxElementCount?)`: `strlen`/`strnlen` on the model. */
	private runStrlen(op: Op): boolean {
		const encoding = encodingByName.get(op.type!)!
		const bpe = encoding.bytesPerElement
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = this.stringAddress(exp, op.args[0]!, '0', encoding)
		const max = this.optionalCount(exp, op, 1, 'maxElementCount')
		let expected: number | undefined
		if (address !== undefined && max !== null && !exp.mustThrow) {
			const length = o.preLength
			if (max === 0) {
				if (address > length) exp.fail('RangeError', `address ${address} is past the heap's end`)
				else if (address === length) exp.allow('RangeError', 'zero elements at the heap end')
				expected = 0
			} else {
				const room = Math.floor((length - address) / bpe)
				if (!(room >= 1)) exp.fail('RangeError', `no room for one element at ${address}`)
				else {
					const found = this.env.model.findTerminator(address, bpe, max === undefined || max > room ? room : max)
					if (found >= 0) expected = found
					else if (max !== undefined && max <= room) expected = max
					else exp.fail('RangeError', `no terminator before the heap's end`)
				}
			}
		}
		this.settle(op, o, exp, this.managerNames(op.member), (result) => this.checkResult(op, result, expected))
		return true
	}

	private runEncodedLength(op: Op): boolean {
		const encoding = encodingByName.get(op.type!)!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const encoded = this.encodeSliceValue(exp, encoding, op.args[0]!, '0')
		this.settle(op, o, exp, this.managerNames(op.member), (result) => this.checkResult(op, result, encoded?.elementCount))
		return true
	}

	private runSliceRef(op: Op, slot: Slot, o: Outcome, exp: Expectation, name: string): boolean {
		const encoding = slot.encoding!
		const bpe = encoding.bytesPerElement
		const capacity = slot.elementCount
		const length = slot.length!
		const methods = encoding.methods
		if (op.member === 'set value' || name === 'write') {
			const effect = this.expectSliceWrite(exp, encoding, slot.address, op.args[0]!, '0', capacity, o.preLength)
			this.settle(op, o, exp, this.refNames(slot, methods.writeSlice), (result) => {
				if (name === 'write') this.checkResult(op, result, effect!.count, 'returned length')
				this.env.model.write(slot.address, effect!.bytes)
				slot.length = effect!.count
			})
			return true
		}
		switch (name) {
			case 'value':
			case 'read': {
				const expected = this.expectSlice(exp, encoding, slot.address, length)
				this.settle(op, o, exp, this.refNames(slot, methods.readSlice), (result) => this.checkResult(op, result, expected))
				return true
			}
			case 'capacity':
				this.settle(op, o, exp, this.refNames(slot), (result) => this.checkResult(op, result, capacity))
				return true
			case 'encodedByteLength':
				this.settle(op, o, exp, this.refNames(slot), (result) => this.checkResult(op, result, length * bpe))
				return true
			case 'encodedElementsView':
				this.settle(op, o, exp, this.refNames(slot), (view) => this.checkView(op, view, encoding.elementsView, slot.address, length, bpe))
				return true
			case 'encodedBytesView':
				this.settle(op, o, exp, this.refNames(slot), (view) => this.checkView(op, view, 'Uint8Array', slot.address, length * bpe, 1))
				return true
			default:
				throw new Error(`fuzz: unknown slice ref member ${name}`)
		}
	}

	// ---- waitAsync ---------------------------------------------------------------------

	/** A promise's state, read synchronously (Node's inspect shows it): `'pending'`, or the value it fulfilled with. */
	private static promiseState(promise: unknown): string {
		if (!(promise instanceof Promise)) return `not a promise: ${String(promise)}`
		// Where async hooks are on (another test in the same process), inspect also lists the
		// promise's async-id symbols after its state: read the state alone.
		const shown = inspect(promise, { showHidden: false, breakLength: Infinity })
		if (/^Promise \{ <pending>[ ,}]/.test(shown)) return 'pending'
		const fulfilled = /^Promise \{ '([\w-]+)'[ ,]/.exec(shown)
		return fulfilled === null ? shown : fulfilled[1]!
	}

	/**
	 * `wait<T>Async(address, expected, timeoutMs)`: with timeout 0 a promise already
	 * settled ('not-equal' or 'timed-out'); with a long timeout and the value held, a
	 * pending waiter that a `notify` at its address counts. Bad arguments throw at once.
	 */
	private runWaitAsync(op: Op): boolean {
		const type = waitByMethod.get(op.member.replace(/Async$/, ''))!
		const o = this.call(op, (a) => this.manager[op.member](...a))
		if (o === undefined) return false
		const exp = new Expectation()
		const address = classifyAddress(exp, op.args[0]!, '0', type.byteSize, type.byteSize, o.preLength, o.postLength)
		const expected = classifyValue(exp, op.args[1]!, type, 'expected')
		const timeout = op.args[2]!
		if (timeout.k !== 'num') exp.fail('TypeError', `timeoutMs is ${timeout.k}`)
		else if (!(timeout.v >= 0)) exp.fail('RangeError', `timeoutMs ${timeout.v} is negative or NaN`)
		if (!this.isShared()) exp.fail('TypeError', 'the heap is not shared')
		this.settle(op, o, exp, this.managerNames(op.member, type), (promise) => {
			const held = bytesEqual(encodeElement(type, expected!), this.env.model.read(address!, type.byteSize))
			const state = Runner.promiseState(promise)
			const wanted = !held ? 'not-equal' : (timeout as { v: number }).v === 0 ? 'timed-out' : 'pending'
			if (state !== wanted) this.violation(op, 'wrong-result', `the promise is ${state}, the model says ${wanted}`)
			if (wanted === 'pending') this.waiters.set(address!, (this.waiters.get(address!) ?? 0) + 1)
		})
		return true
	}

	// ---- scopes ------------------------------------------------------------------------------

	private innermostScope(): number | undefined {
		return this.openScopes[this.openScopes.length - 1]
	}

	/** `openScope()`, and a scope's `close()`, `[Symbol.dispose]()`, `keep(ref)` and `isClosed`. */
	private runScope(op: Op): boolean {
		if (op.member === 'openScope') {
			const o = this.call(op, () => this.manager.openScope())
			if (o === undefined) return false
			this.settle(op, o, new Expectation(), this.managerNames('openScope'), (scope) => {
				if (scope?.isClosed !== false) this.violation(op, 'wrong-result', 'a new scope is closed')
				this.scopes.set(op.index, { id: op.index, scope, closed: false })
				this.openScopes.push(op.index)
			})
			return true
		}
		const record = this.scopes.get(op.scope!)
		if (record === undefined) return false
		const slot = op.slot === undefined ? undefined : this.slots.get(op.slot)
		const o = this.call(op, (a) => {
			switch (op.member) {
				case 'isClosed':
					return record.scope.isClosed
				case 'toJSON':
					return record.scope.toJSON()
				case '[nodejs.util.inspect.custom]':
					// and its tag, as a ref's summary takes Object.prototype.toString of the ref
					return { shown: inspect(record.scope), tag: Object.prototype.toString.call(record.scope) }
				case 'keep':
					return record.scope.keep(slot !== undefined ? slot.ref : a[0])
				case 'close':
					return record.scope.close()
				default:
					return record.scope[Symbol.dispose]()
			}
		})
		if (o === undefined) return false
		const exp = new Expectation()
		const names = { exact: [`HeapScope.${op.member === '[Symbol.dispose]' ? 'close' : op.member}`, 'HeapScope.close'], pattern: /^(\w+Ref|S\d+)\.free$/ }
		switch (op.member) {
			case 'isClosed':
				this.settle(op, o, exp, names, (result) => this.checkResult(op, result, record.closed))
				return true
			case 'toJSON':
			case '[nodejs.util.inspect.custom]': {
				// what closing would free: the model's refs the scope holds
				const held = [...this.slots.values()].filter((candidate) => candidate.scope === record.id && !candidate.freed)
				const bytes = held.reduce((sum, candidate) => sum + (candidate.ref.allocatedByteSize as number), 0)
				this.settle(op, o, exp, names, (result) => {
					if (op.member === 'toJSON') {
						const expected = record.closed ? { type: 'HeapScope', closed: true } : { type: 'HeapScope', closed: false, refCount: held.length, refByteSize: bytes }
						this.checkResult(op, JSON.stringify(result), JSON.stringify(expected))
					} else {
						this.checkResult(op, result.shown, record.closed ? 'HeapScope { closed: true }' : `HeapScope { refs: ${held.length} (${formatByteSize(bytes)}) }`)
						this.checkResult(op, result.tag, '[object HeapScope]')
					}
				})
				return true
			}
			case 'keep':
				if (record.closed) exp.fail('Error', 'the scope is closed')
				else if (slot === undefined || slot.scope !== record.id) {
					exp.fail('TypeError', slot === undefined ? 'not a ref' : `ref ${slot.id} is not held by this scope`)
					if (slot === undefined) exp.untouchable.push('0')
				}
				this.settle(op, o, exp, names, (result) => {
					if (result !== slot!.ref) this.violation(op, 'wrong-result', 'keep did not return the ref')
					slot!.scope = undefined
				})
				return true
			default: {
				if (record.closed && op.member === '[Symbol.dispose]') {
					// a closed scope's dispose does nothing (a using block that closed it itself)
					this.settle(op, o, exp, names, () => this.expectFrees(op, o, []))
					return true
				}
				const innermost = this.innermostScope() === record.id
				if (record.closed) exp.fail('Error', 'the scope is closed already')
				else if (!innermost) exp.fail('Error', 'an inner scope is still open')
				const held = [...this.slots.values()].filter((candidate) => candidate.scope === record.id && !candidate.freed)
				this.deallocatorFaults(exp, o)
				const closeModel = (): void => {
					record.closed = true
					this.openScopes.pop()
				}
				this.settle(op, o, exp, names, () => {
					this.expectFrees(op, o, held.map((candidate) => candidate.address))
					for (const candidate of held) this.markFreed(candidate)
					this.afterFrees(o)
					closeModel()
				}, (error) => {
					if (!exp.mustThrow && this.lenient) closeModel()
					void error
				})
				if (o.threw) this.afterFrees(o)
				return true
			}
		}
	}

	/** `withScope(fn)`: `fn` allocates, may release one ref, and returns, throws or misbehaves; every ref it kept is freed. */
	private runWithScope(op: Op): boolean {
		const plan = op.plan!
		const made: any[] = []
		const types = plan.types.map((name) => elementByName.get(name)!)
		const marker = { fuzz: 'withScope result' }
		const body = (): unknown => {
			for (const type of types) made.push(this.manager[type.methods.alloc]())
			if (plan.release >= 0 && made[plan.release] !== undefined) made[plan.release].release()
			if (plan.ending === 'throw') throw new UserValueError('fn threw (fuzz)')
			if (plan.ending === 'promise') return Promise.resolve(marker)
			return marker
		}
		const fn = plan.ending === 'async' ? async (): Promise<unknown> => marker : plan.ending === 'notFunction' ? 42 : body
		const o = this.call(op, () => this.manager.withScope(fn))
		if (o === undefined) return false
		const exp = new Expectation()
		const calls = o.allocCalls.filter((call) => call.probe !== true)
		if (plan.ending === 'notFunction' || plan.ending === 'async') {
			exp.fail('TypeError', plan.ending === 'async' ? 'fn is an async function' : 'fn is not a function')
			if (calls.length > 0) this.violation(op, 'allocator-called-for-invalid-arguments', 'withScope ran fn although it must refuse it')
		} else {
			// A failed allocation (a full heap) ends fn with its Error.
			if (made.length < types.length) exp.fail('Error', 'an allocation in fn failed')
			else if (plan.ending === 'throw') exp.fail('user', 'fn threw')
			else if (plan.ending === 'promise') exp.fail('TypeError', 'fn returned a promise')
		}
		const apply = (): void => {
			made.forEach((ref, i) => {
				const type = types[i]!
				const address = ref.address as number
				const released = i === plan.release
				// (On the built-in allocator's heaps the model already took what the call left in regions it
				// freed: the allocator's own state.)
				if (this.env.builtin === undefined || released) this.applyZero(address, type.byteSize)
				this.adopt(op, { ref, family: 'value', element: type, encoding: undefined, className: type.refClass, address, byteSize: type.byteSize, elementCount: 1, tracked: this.config.trackAllocations, allocated: true })
				// (adopt files each under op.index: keep the last; the others are checked here.)
				const slot = this.slots.get(op.index)!
				slot.scope = undefined
				this.markFreed(slot)
				if (released) {
					slot.ownsBlock = false
					this.raw.set(address, type.byteSize)
				}
				if (ref.isFreed !== true) this.violation(op, 'isFreed-wrong', `the ref fn ${released ? 'released' : 'allocated'} at ${address} is not freed after withScope`)
			})
			const freed = made.filter((_, i) => i !== plan.release).map((ref) => ref.address as number)
			this.expectFrees(op, o, freed)
			this.afterFrees(o)
		}
		this.settle(op, o, exp, { exact: ['withScope', ...types.map((type) => type.methods.alloc), ...types.map((type) => type.canonical.methods.alloc)] }, (result) => {
			if (result !== marker) this.violation(op, 'wrong-result', 'withScope did not return what fn returned')
			apply()
		}, () => apply())
		return true
	}

	// ---- refs ------------------------------------------------------------------------------

	// ---- summaries: toJSON, util.inspect, abi, report, checkLive ----------------------------

	/**
	 * `toJSON()` and `util.inspect` of the manager or of a ref, `abi`, `report()` and a
	 * struct ref's `checkLive`: they never throw on a live ref (nor say it is unreadable),
	 * never change the heap, say `freed`/`released` for a freed ref without reading it, and
	 * show what the model holds.
	 */
	private runSummary(op: Op): boolean {
		const slot = op.slot === undefined ? undefined : this.slots.get(op.slot)!
		const target = slot === undefined ? this.manager : slot.ref
		const o = this.call(op, (a) => {
			switch (op.member) {
				case 'toJSON':
					return target.toJSON()
				case '[nodejs.util.inspect.custom]': {
					if (slot === undefined) return { shown: inspect(target), tag: Object.prototype.toString.call(target) }
					// and String(ref), and a conversion to a number (a ref passed for an address), which throws
					let converted: unknown
					try {
						converted = +target
					} catch (error) {
						converted = error
					}
					let iterated: unknown
					if (slot.family === 'array') {
						try {
							iterated = [...target]
						} catch (error) {
							iterated = error
						}
					}
					return { shown: inspect(target), text: String(target), called: target.toString(), converted, tag: Object.prototype.toString.call(target), iterated }
				}
				case 'abi':
					return target.abi
				case 'report':
					return target.report()
				default:
					return target[op.member](...a)
			}
		})
		if (o === undefined) return false
		const exp = new Expectation()
		const tracking = this.config.trackAllocations
		const names: Names = slot === undefined ? { exact: [op.member] } : this.refNames(slot, op.member)
		if (slot === undefined && op.member === 'report') {
			if (this.config.debug !== true) exp.fail('Error', 'the manager was created without debug: true')
			else if (!tracking) exp.fail('Error', 'tracking is off')
		}
		if (slot !== undefined && op.member === 'checkLive' && slot.freed) exp.fail('Error', 'the struct ref is freed')
		const live = this.liveTracked()
		const liveBytes = live.reduce((sum, s) => sum + s.byteSize, 0)
		this.settle(
			op,
			o,
			exp,
			names,
			(result: any) => {
				if (slot === undefined) {
					switch (op.member) {
						case 'toJSON': {
							const expected: Record<string, unknown> = { type: 'WasmHeapManager', heapByteSize: this.env.byteLength }
							if (tracking) Object.assign(expected, { liveRefCount: live.length, liveRefByteSize: liveBytes })
							this.checkResult(op, JSON.stringify(result), JSON.stringify(expected))
							break
						}
						case '[nodejs.util.inspect.custom]': {
							const shown = tracking ? `live refs: ${live.length} (` : 'tracking: off'
							const { shown: text, tag } = result as { shown: unknown; tag: string }
							if (typeof text !== 'string' || !text.startsWith('WasmHeapManager { heap: ') || !text.includes(shown)) this.violation(op, 'wrong-result', `util.inspect(heap) is ${showValue(text)}, expected it to show ${shown}`)
							if (tag !== '[object WasmHeapManager]') this.violation(op, 'wrong-result', `Object.prototype.toString of the manager is ${showValue(tag)}`)
							break
						}
						case 'abi':
							this.checkResult(op, result, this.config.abi ?? 'wasm32')
							break
						case 'report': {
							this.checkResult(op, result.count, live.length, 'report().count')
							this.checkResult(op, result.byteSize, liveBytes, 'report().byteSize')
							const sites = result.sites as { count: number; byteSize: number; refs: unknown[] }[]
							const listed = new Set(sites.flatMap((site) => site.refs))
							if (sites.reduce((n, site) => n + site.count, 0) !== live.length || !live.every((s) => listed.has(s.ref))) this.violation(op, 'wrong-tracking', `report() lists ${listed.size} refs, the model has ${live.length} live tracked refs`)
							if (typeof result.table !== 'string' || !result.table.startsWith(`${live.length} live ref`)) this.violation(op, 'wrong-result', `report().table starts ${showValue(String(result.table).split('\n')[0])}`)
							break
						}
					}
					return
				}
				if (op.member === 'checkLive') {
					this.checkResult(op, result, undefined)
					return
				}
				const freedKey = slot.freed ? (slot.ref.toJSON().released === true ? 'released' : 'freed') : undefined
				/** The error reading the ref's contents throws, if any (what a summary may show as unreadable). */
				const readError = (): string | undefined => {
					try {
						if (slot.family === 'array' || slot.family === 'structArray') for (let i = 0; i < slot.elementCount; i++) slot.ref.readAt(i)
						else if (slot.family === 'struct') slot.ref.read()
						else void slot.ref.value
					} catch (error) {
						return error instanceof Error ? error.message : String(error)
					}
					return undefined
				}
				if (op.member === '[nodejs.util.inspect.custom]') {
					const { shown, text, called, converted, tag, iterated } = result as { shown: string; text: unknown; called: unknown; converted: unknown; tag: string; iterated: unknown }
					// Object.prototype.toString names the class (a struct ref: its struct), never Object.
					const structFamily = slot.family === 'struct' || slot.family === 'structArray'
					if (structFamily ? tag === '[object Object]' || !/^\[object .+\]$/.test(tag) : tag !== `[object ${slot.className}]`) {
						this.violation(op, 'wrong-result', `Object.prototype.toString of a ${slot.className} is ${showValue(tag)}`)
					}
					if (slot.family === 'array') {
						// [...ref] gives what readAt gives, element by element, or readAt's error.
						let expected: unknown
						try {
							const values: unknown[] = []
							for (let i = 0; i < slot.elementCount; i++) values.push(slot.ref.readAt(i))
							expected = values
						} catch (error) {
							expected = error
						}
						const same =
							expected instanceof Error
								? iterated instanceof Error && iterated.message === expected.message
								: Array.isArray(iterated) && iterated.length === (expected as unknown[]).length && iterated.every((value, i) => Object.is(value, (expected as unknown[])[i]))
						if (!same) this.violation(op, 'wrong-result', `[...ref] of a ${slot.className} gave ${iterated instanceof Error ? describeError(iterated) : showValue(iterated)}, readAt ${expected instanceof Error ? describeError(expected) : showValue(expected)}`)
					}
					if (text !== shown || called !== shown) this.violation(op, 'wrong-result', `String() of a ${slot.className} is ${showValue(text)}, toString() ${showValue(called)}, util.inspect ${showValue(shown)}`)
					if (!(converted instanceof TypeError) || (converted as { code?: unknown }).code !== 'ERR_HEAP_INVALID_ARGUMENT' || !converted.message.includes('ref.address')) {
						this.violation(op, 'wrong-result', `converting a ${slot.className} to a number gave ${converted instanceof Error ? describeError(converted) : showValue(converted)}, not a TypeError saying to pass ref.address`)
					}
					result = shown
					if (typeof result !== 'string' || !result.startsWith(`${slot.className === 'StructRef' || slot.className === 'StructArrayRef' ? '' : slot.className} `.trimStart()) || !result.includes(`address: ${slot.address}`)) {
						this.violation(op, 'wrong-result', `util.inspect of a ${slot.className} at ${slot.address} is ${showValue(result)}`)
					}
					if (freedKey !== undefined && !result.includes(`${freedKey}: true`)) this.violation(op, 'wrong-result', `util.inspect of a freed ref is ${showValue(result)}, which does not say ${freedKey}`)
					if (result.includes('unreadable: ') && (slot.freed || readError() === undefined)) this.violation(op, 'unreadable-ref', `util.inspect of a ${slot.freed ? 'freed' : 'live'} ref says ${showValue(result)}, though reading it ${readError() === undefined ? 'works' : `says ${readError()}`}`)
					return
				}
				// toJSON
				if (result.address !== slot.address) this.violation(op, 'wrong-result', `toJSON().address is ${showValue(result.address)}, expected ${slot.address}`)
				// Unreadable only where reading the ref throws that error itself (a Pointer53 above 2^53 - 1, a string that does not decode).
				if ('unreadable' in result && (slot.freed || result.unreadable !== readError())) this.violation(op, 'unreadable-ref', `toJSON() of a ${slot.freed ? 'freed' : 'live'} ref says unreadable: ${showValue(result.unreadable)}, though reading it ${readError() === undefined ? 'works' : `says ${readError()}`}`)
				if ('unreadable' in result) return
				if (freedKey !== undefined) {
					if (result[freedKey] !== true || Object.keys(result).length !== 3) this.violation(op, 'wrong-result', `toJSON() of a freed ref is ${showValue(JSON.stringify(result))}`)
					return
				}
				const json = (value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value)
				if (slot.family === 'value') {
					const expected = this.expectRead(new Expectation(), slot.element!, slot.address)
					if (expected !== undefined) this.checkResult(op, result.value, json(expected), 'toJSON().value')
				} else if ((slot.family === 'struct' || slot.family === 'structArray') && this.structs !== undefined) {
					this.structs.checkSummary(this, op, new Expectation(), slot, result)
				} else if (slot.family === 'slice') {
					this.checkResult(op, result.capacity, slot.elementCount, 'toJSON().capacity')
					if (slot.length !== undefined) this.checkResult(op, result.elementCount, slot.length, 'toJSON().elementCount')
				} else if (slot.family === 'array') {
					this.checkResult(op, result.elementCount, slot.elementCount, 'toJSON().elementCount')
					const values = result.values as unknown[]
					for (let i = 0; i < slot.elementCount; i++) {
						const expected = this.expectRead(new Expectation(), slot.element!, slot.address + i * slot.element!.byteSize)
						if (expected !== undefined) this.checkResult(op, values[i], json(expected), `toJSON().values[${i}]`)
					}
				}
			},
			(error) => {
				if (op.member === 'checkLive' && !/has been freed|was released/.test((error as Error).message)) this.violation(op, 'freed-error-unclear', `${describeError(error)} does not say the ref was freed`)
				if (op.member === 'report' && (error as { code?: unknown }).code !== 'ERR_HEAP_TRACKING_OFF') this.violation(op, 'wrong-error-code', `${describeError(error)} has code ${(error as { code?: unknown }).code}`)
			},
		)
		return true
	}

	private runRef(op: Op): boolean {
		const slot = this.slots.get(op.slot!)!
		const ref = slot.ref
		const member = op.member
		const o = this.call(op, (a) => {
			if (member.startsWith('get ')) return ref[member.slice(4)]
			if (member.startsWith('set ')) {
				ref[member.slice(4)] = a[0]
				return undefined
			}
			if (member === '[Symbol.dispose]') return ref[Symbol.dispose]()
			if (propertyMembers.has(member) || member.startsWith('encoded')) return ref[member]
			return ref[member](...a)
		})
		if (o === undefined) return false
		const exp = new Expectation()
		const name = member.replace(/^(get|set) /, '')
		if (slot.freed && !(slot.family === 'slice' ? usableWhenSliceFreed : usableWhenFreed).has(name)) {
			exp.fail('Error', 'the ref is freed')
			// A bad index or value may be reported first.
			const other = new Expectation()
			if (slot.family === 'array' && /At$/.test(name)) classifyIndex(other, op.args[0]!, '0', slot.elementCount)
			const valueSpec = op.args[slot.family === 'array' ? 1 : 0]
			if (slot.element !== undefined) for (const spec of op.args.slice(slot.family === 'array' ? 1 : 0)) classifyValue(other, spec, slot.element, 'value')
			if (valueSpec !== undefined && slot.encoding !== undefined && valueSpec.k !== 'str') {
				other.fail('TypeError', 'not a string')
				other.untouchable.push('0')
			}
			for (const kind of [...other.must, ...other.maybe]) exp.allow(kind, 'a bad argument to a freed ref')
			exp.untouchable.push(...other.untouchable)
			this.settle(op, o, exp, this.refNames(slot), () => undefined, (error) => {
				// A bad argument may be reported instead (its own class and message, checked above).
				const kind = errorKindOf(error) as ErrorKind
				const argumentError = kind !== 'Error' && (other.must.has(kind) || other.maybe.has(kind))
				if (!argumentError && !/has been freed|was released/.test((error as Error).message)) this.violation(op, 'freed-error-unclear', `${describeError(error)} does not say the ref was freed`)
			})
			return true
		}
		switch (name) {
			case 'address':
			case 'allocatedByteSize':
			case 'isFreed':
			case 'elementCount':
			case 'bytesPerElement': {
				const expected = {
					address: slot.address,
					allocatedByteSize: slot.byteSize,
					isFreed: slot.freed,
					elementCount: slot.family === 'slice' ? slot.length : slot.elementCount,
					bytesPerElement: slot.element?.byteSize ?? slot.encoding?.bytesPerElement,
				}[name]
				this.settle(op, o, exp, this.refNames(slot), (result) => this.checkResult(op, result, expected))
				return true
			}
			case 'allocatedBytesView':
				this.settle(op, o, exp, this.refNames(slot), (view) => this.checkView(op, view, 'Uint8Array', slot.address, slot.byteSize, 1))
				return true
			case 'clear':
				this.settle(op, o, exp, this.refNames(slot), () => this.env.model.fill(slot.address, slot.byteSize, 0))
				return true
			case 'release':
				// Ownership goes to other code: the ref is done, the region stays allocated (the fuzzer
				// then holds it as a raw region, which `deallocate` may give back).
				this.settle(op, o, exp, this.refNames(slot), (result) => {
					this.checkResult(op, result, slot.address)
					if (o.deallocCalls.some((call) => call.probe !== true)) this.violation(op, 'released-region-freed', 'release() called the deallocator')
					this.markFreed(slot)
					if (slot.ownsBlock) {
						slot.ownsBlock = false
						this.raw.set(slot.address, slot.byteSize)
					}
				})
				return true
			case 'free':
			case '[Symbol.dispose]': {
				this.deallocatorFaults(exp, o)
				// A wrapped region of 4 GiB or more (allocations that large are refused) freed through
				// the manager's deallocator under a 32-bit ABI: refused as deallocate refuses it, a
				// 32-bit size_t cannot hold its size (README, Connecting to a heap), and the ref is
				// freed all the same. A memory64-style allocator takes it once the manager knows it
				// takes bigints.
				const beyondAbi = !slot.freed && slot.byteSize > 0xffffffff && (this.config.abi ?? 'wasm32') !== 'wasm64'
				if (beyondAbi) {
					if (this.config.memory64Allocator === true) exp.allow('RangeError', 'a size past 32 bits, before the manager knows the allocator takes bigints')
					else exp.fail('RangeError', `${slot.byteSize} bytes: a 32-bit size_t holds at most 4294967295`)
				}
				this.settle(op, o, exp, this.refNames(slot), () => {
					this.expectFrees(op, o, slot.freed ? [] : [slot.address])
					// A wrap freeing the address of a live tracked ref frees that ref too (the wraps here are never borrowed).
					const aliased = slot.tracked || slot.freed ? undefined : this.tracked.get(slot.address)
					if (aliased !== undefined && aliased !== slot) this.markFreed(aliased)
					this.markFreed(slot)
					this.afterFrees(o)
				})
				if (beyondAbi && o.threw && o.error instanceof RangeError) {
					if (o.deallocCalls.some((call) => call.probe !== true)) this.violation(op, 'deallocator-called-for-invalid-arguments', 'the deallocator got a size past 32 bits')
					this.markFreed(slot)
				}
				if (o.threw) this.afterFrees(o)
				return true
			}
		}
		if (slot.family === 'string') return this.runStringRef(op, slot, o, exp, name)
		if (slot.family === 'slice') return this.runSliceRef(op, slot, o, exp, name)
		const type = slot.element!
		const methods = type.methods
		let address = slot.address
		let index: number | undefined = 0
		if (slot.family === 'array' && name !== 'view') {
			index = classifyIndex(exp, op.args[0]!, '0', slot.elementCount)
			address = slot.address + (index ?? 0) * type.byteSize
		}
		const operation = type.atomicOperations.find((candidate) => (slot.family === 'array' ? candidate.arrayRefMethod : candidate.refMethod) === name)
		if (operation !== undefined) {
			if (index !== undefined && address % type.byteSize !== 0) exp.fail('RangeError', `address ${address} is not aligned for an atomic`)
			const effect = this.atomicEffect(exp, type, operation, index === undefined ? undefined : address, op.args.slice(slot.family === 'array' ? 1 : 0), slot.family === 'array' ? 1 : 0)
			this.settle(op, o, exp, this.refNames(slot, operation.method), (result) => {
				this.checkResult(op, result, effect!.result)
				if (effect!.bytes !== undefined) this.env.model.write(address, effect!.bytes)
			})
			return true
		}
		switch (name) {
			case 'view':
				if (type.viewNeedsGlobal && typeof (globalThis as Record<string, unknown>)[type.viewConstructor] !== 'function') {
					exp.fail('TypeError', `${type.viewConstructor} is missing on this engine`)
				}
				this.settle(op, o, exp, this.refNames(slot, methods.view), (view) => this.checkView(op, view, type.viewConstructor, slot.address, slot.elementCount, type.byteSize))
				return true
			case 'value':
			case 'read':
			case 'readAtomic':
			case 'readAt':
			case 'readAtomicAt': {
				if (member === 'set value') break
				const atomic = name.startsWith('readAtomic')
				if (atomic && index !== undefined && address % type.byteSize !== 0) exp.fail('RangeError', `address ${address} is not aligned for an atomic`)
				const expected = index === undefined ? undefined : this.expectRead(exp, type, address)
				this.settle(op, o, exp, this.refNames(slot, atomic ? methods.readAtomic : methods.read), (result) => this.checkResult(op, result, expected))
				return true
			}
		}
		// Writes: `set value`, write, writeAtomic, writeAt, writeAtomicAt.
		const atomic = name.startsWith('writeAtomic')
		const valueIndex = slot.family === 'array' ? 1 : 0
		if (atomic && index !== undefined && address % type.byteSize !== 0) exp.fail('RangeError', `address ${address} is not aligned for an atomic`)
		const value = classifyValue(exp, op.args[valueIndex]!, type, 'value')
		this.settle(op, o, exp, this.refNames(slot, atomic ? methods.writeAtomic : methods.write), () => this.env.model.write(address, encodeElement(type, value!)))
		return true
	}

	private runStringRef(op: Op, slot: Slot, o: Outcome, exp: Expectation, name: string): boolean {
		const encoding = slot.encoding!
		const bpe = encoding.bytesPerElement
		const capacity = slot.elementCount
		const methods = encoding.methods
		const count = (): number => {
			const found = this.env.model.findTerminator(slot.address, bpe, capacity)
			return found < 0 ? capacity : found
		}
		if (op.member === 'set value' || name === 'write') {
			const effect = this.expectStringWrite(exp, encoding, slot.address, op.args[0]!, capacity, o.preLength)
			if (exp.untouchable.includes('1')) exp.untouchable.splice(exp.untouchable.indexOf('1'), 1, '0')
			this.settle(op, o, exp, this.refNames(slot, methods.write), () => this.env.model.write(slot.address, effect!.bytes))
			return true
		}
		switch (name) {
			case 'value':
			case 'read': {
				const expected = this.expectStringRead(exp, encoding, slot.address, capacity, o.preLength)
				this.settle(op, o, exp, this.refNames(slot, methods.read), (result) => this.checkResult(op, result, expected))
				return true
			}
			case 'encodedElementCount':
				this.settle(op, o, exp, this.refNames(slot), (result) => this.checkResult(op, result, count()))
				return true
			case 'encodedByteLength':
				this.settle(op, o, exp, this.refNames(slot), (result) => this.checkResult(op, result, count() * bpe))
				return true
			case 'encodedElementsView':
				this.settle(op, o, exp, this.refNames(slot), (view) => this.checkView(op, view, encoding.elementsView, slot.address, count(), bpe))
				return true
			case 'encodedBytesView':
				this.settle(op, o, exp, this.refNames(slot), (view) => this.checkView(op, view, 'Uint8Array', slot.address, count() * bpe, 1))
				return true
			default:
				throw new Error(`fuzz: unknown string ref member ${name}`)
		}
	}

	// ---- generation ------------------------------------------------------------------------

	/** The ref an operation made, if the table still holds it. */
	slotById(id: number): Slot | undefined {
		return this.slots.get(id)
	}

	allSlots(): Slot[] {
		return [...this.slots.values()]
	}

	liveSlots(): Slot[] {
		return [...this.slots.values()].filter((slot) => !slot.freed)
	}

	/** An aligned address whose `size`-byte access lies in the heap, often inside a live ref or near an edge. */
	validAddress(rng: Random, size: number, alignment: number): number {
		if (this.env.builtin !== undefined) return this.writableAddress(rng, size, alignment)
		const length = this.env.byteLength
		const max = length - size
		if (max < 0) return 0
		const align = (value: number): number => Math.max(0, Math.min(Math.floor(max / alignment) * alignment, Math.floor(value / alignment) * alignment))
		const roll = rng.next()
		const live = this.liveSlots()
		if (roll < 0.4 && live.length > 0) {
			const slot = rng.pick(live)
			return align(slot.address + rng.int(0, Math.max(1, slot.byteSize)))
		}
		if (roll < 0.6) return align(this.env.large ? rng.pick([rng.int(0, 1 << 20), length - rng.int(0, 1 << 20)]) : rng.int(0, max + 1))
		if (roll < 0.75) return align(max - rng.int(0, 4) * alignment)
		if (roll < 0.88) return align(rng.int(0, 256))
		return align(rng.pick([2 ** 31 - rng.int(0, 40), 2 ** 31 + rng.int(0, 40), 2 ** 32 - rng.int(0, 40), 2 ** 32 + rng.int(0, 40), max]))
	}

	/**
	 * On the built-in allocator's heaps, where its state lives between the regions: an
	 * aligned address whose `size` bytes lie inside a region it handed out, or in the
	 * scratch bytes below its range (or, when nothing fits, one past the heap's end).
	 */
	private writableAddress(rng: Random, size: number, alignment: number): number {
		const seen = new Set<number>()
		const regions: [number, number][] = []
		for (const block of this.env.allocator.live.values()) {
			if (block.block < 0 || seen.has(block.block)) continue
			seen.add(block.block)
			const start = Math.ceil(block.block / alignment) * alignment
			if (start + size <= block.block + block.size) regions.push([start, block.block + block.size - size])
		}
		if (regions.length > 0 && rng.chance(0.6)) {
			const [first, last] = rng.pick(regions)
			return first + Math.floor(rng.int(0, last - first + 1) / alignment) * alignment
		}
		if (size <= BUILTIN_START) return Math.floor(rng.int(0, BUILTIN_START - size + 1) / alignment) * alignment
		return Math.ceil(this.env.byteLength / alignment) * alignment + alignment
	}

	address(rng: Random, size: number, alignment: number): Spec {
		const valid = this.validAddress(rng, size, alignment)
		const roll = rng.next()
		if (roll < 0.8) return { k: 'num', v: valid }
		const length = this.env.byteLength
		if (roll < 0.9) {
			// (On the built-in allocator's heaps only addresses past the end: one past a valid address, or 0
			// with a long string, may reach its state.)
			if (this.env.builtin !== undefined) return { k: 'num', v: rng.pick([length - size + 1, length, length + alignment, length + PAGE_SIZE]) }
			return { k: 'num', v: rng.pick([length - size + 1, length, length + alignment, valid + 1, length + PAGE_SIZE, 0]) }
		}
		return badNumberSpec(rng, valid, this.options.objectArguments)
	}

	count(rng: Random, likely: number): Spec {
		const roll = rng.next()
		if (roll < 0.85) return { k: 'num', v: Math.max(0, likely) }
		if (roll < 0.92) return { k: 'num', v: rng.pick([0, 1, likely + 1, 2 ** 31, 2 ** 32, 2 ** 40]) }
		return badNumberSpec(rng, likely, this.options.objectArguments)
	}

	faults(rng: Random, allocates: boolean): Fault[] {
		if (!this.options.faults) return []
		const faults: Fault[] = []
		if (allocates && rng.chance(0.14)) {
			const liveRegions = [...this.env.allocator.live.entries()].filter(([, block]) => block.block >= 0).map(([address]) => address)
			const kind = rng.pick(['zero', 'negative', 'fraction', 'nan', 'string', 'null', 'object', 'hugeBigint', 'pastEnd', 'misaligned', 'misaligned', 'throws', 'grows', 'grows', 'growsThenZero', 'reuseLive', 'insideLive'] as const)
			switch (kind) {
				case 'pastEnd':
					faults.push({ on: 'alloc', kind, beyond: rng.pick([0, 16, 64]) })
					break
				case 'misaligned':
					faults.push({ on: 'alloc', kind, offset: rng.pick([1, 2, 4, 8]) })
					break
				case 'reuseLive':
				case 'insideLive':
					// (Not on the built-in allocator's heaps: a region with two owners is written after the
					// real allocator took it back, which corrupts its free lists: C's use after free, not a defect.)
					if (liveRegions.length > 0 && this.env.builtin === undefined) faults.push({ on: 'alloc', kind, address: rng.pick(liveRegions) })
					break
				default:
					faults.push({ on: 'alloc', kind })
			}
			if (faults[0]?.kind === 'hugeBigint' && !this.config.memory64Allocator) faults[0] = { on: 'alloc', kind: 'nan' }
			if (rng.chance(0.25)) faults.push({ on: 'dealloc', kind: 'throws' })
		}
		if (!allocates && rng.chance(0.08)) faults.push({ on: 'dealloc', kind: rng.chance(0.6) ? 'throws' : 'grows' })
		return faults
	}

	private arrayValues(rng: Random, type: ElementType): Spec {
		const roll = rng.next()
		const valueOptions = { growInValueOf: this.options.growInValueOf && this.env.growable }
		const own = (): Spec => {
			if (this.options.invalidArrayValues) return randomValue(rng, type, valueOptions)
			for (;;) {
				const spec = randomValue(rng, type, valueOptions)
				const exp = new Expectation()
				classifyValue(exp, spec, type, 'value')
				if (!exp.mustThrow && exp.maybe.size === 0) return spec
			}
		}
		const length = rng.chance(0.05) ? rng.int(100, 600) : rng.int(0, 12)
		if (roll < 0.3) return this.count(rng, rng.chance(0.05) ? rng.int(100, 2000) : rng.int(0, 24))
		if (roll < 0.6) {
			const mostlyOwn = rng.chance(0.5)
			return { k: 'arr', items: Array.from({ length }, () => (mostlyOwn && rng.chance(0.9) ? (type.valueType === 'bigint' ? { k: 'big', v: randomBigInt(rng) } : { k: 'num', v: type.kind === 'pointer53' ? rng.int(0, 2 ** 31) : rng.int(-300, 300) }) : own())) }
		}
		if (roll < 0.75) {
			const candidates = sourceConstructorNames.filter((name) => this.options.invalidArrayValues || (name.startsWith('Big') === (type.valueType === 'bigint') && type.kind !== 'pointer53') || (type.kind === 'pointer53' && /Uint|Int8|Int16|Int32/.test(name) && !name.startsWith('Big')))
			const ctor = rng.pick(candidates.length > 0 ? candidates : ['Float64Array'])
			const bigint = ctor.startsWith('Big')
			const values = Array.from({ length }, () => (bigint ? randomBigInt(rng) : type.kind === 'pointer53' ? rng.int(0, 2 ** 31) : rng.int(-1000, 1000) + (rng.chance(0.3) ? 0.5 : 0)))
			const Ctor = typedArrayConstructor(ctor) as unknown as new (values: readonly (number | bigint)[]) => ArrayLike<number | bigint>
			return { k: 'typed', ctor, values: Array.from(new Ctor(values)) }
		}
		if (roll < 0.85 && this.options.heapViewSources) {
			const names = sourceConstructorNames.filter((name) => (name.startsWith('Big') === (type.valueType === 'bigint') || this.options.invalidArrayValues) && type.kind !== 'pointer53')
			if (names.length === 0) return this.count(rng, 4)
			const ctor = rng.pick(names)
			const size = typedArrayConstructor(ctor).BYTES_PER_ELEMENT
			const count = rng.int(0, 8)
			return { k: 'heapView', ctor, address: this.validAddress(rng, count * size, size), count }
		}
		if (roll < 0.93) {
			const lengthSpec: Spec = rng.chance(0.8) ? { k: 'num', v: length } : this.options.invalidArrayValues ? rng.pick<Spec>([{ k: 'num', v: -1 }, { k: 'num', v: 1.5 }, { k: 'num', v: 2 ** 53 }, { k: 'num', v: 2 ** 40 }, { k: 'str', v: '3' }, { k: 'undef' }]) : { k: 'num', v: length }
			return { k: 'arrayLike', length: lengthSpec, items: Array.from({ length: Math.min(length, 8) }, own), growOnLength: this.options.growInValueOf && this.env.growable && rng.chance(0.2) }
		}
		if (!this.options.invalidArrayValues) return this.count(rng, 3)
		return rng.pick<Spec>([{ k: 'null' }, { k: 'undef' }, { k: 'str', v: 'abc' }, { k: 'big', v: 3n }, { k: 'sym' }, { k: 'plain' }, { k: 'bool', v: true }, { k: 'fn' }, { k: 'obj', inner: { k: 'num', v: 3 } }])
	}

	private stringAddressSpec(rng: Random, encoding: Encoding, size: number): Spec {
		const strings = this.liveSlots().filter((slot) => slot.family === 'string' && slot.encoding === encoding)
		// (A write without a room at a string's address may run past it: not where the built-in allocator keeps its state.)
		if (strings.length > 0 && this.env.builtin === undefined && rng.chance(0.5)) return { k: 'num', v: rng.pick(strings).address }
		return this.address(rng, size, encoding.bytesPerElement)
	}

	stringValue(rng: Random, encoding: Encoding): Spec {
		if (rng.chance(0.93)) return { k: 'str', v: randomString(rng, encoding.codec === 'ascii') }
		return rng.pick<Spec>([{ k: 'num', v: 5 }, { k: 'null' }, { k: 'undef' }, { k: 'obj', inner: { k: 'str', v: 'x' } }, { k: 'sym' }, { k: 'big', v: 1n }, { k: 'box', inner: { k: 'str', v: 'x' } }])
	}

	private maxCount(rng: Random, likely: number): Spec | undefined {
		const roll = rng.next()
		if (roll < 0.45) return undefined
		if (roll < 0.5) return { k: 'undef' }
		return this.count(rng, likely)
	}

	/**
	 * The values of an atomic operation: random ones, and for a compare-exchange an
	 * expected value that is often the one stored (read from the model), so that it stores.
	 */
	private atomicOperands(rng: Random, type: ElementType, operation: NormalizedAtomicOperation, address: Spec, valueOptions: { growInValueOf: boolean }): Spec[] {
		const value = randomValue(rng, type, valueOptions)
		if (operation.shape !== 'compareExchange') return [value]
		let expected = randomValue(rng, type, valueOptions)
		if (address.k === 'num' && Number.isSafeInteger(address.v) && address.v >= 0 && address.v + type.byteSize <= this.env.byteLength && rng.chance(0.5)) {
			const decoded = decodeElement(type, this.env.model.read(address.v, type.byteSize))
			if ('value' in decoded) expected = typeof decoded.value === 'bigint' ? { k: 'big', v: decoded.value } : { k: 'num', v: decoded.value }
		}
		return [expected, value]
	}

	/** The next operation, chosen from the current state. */
	generate(rng: Random, index: number): Op {
		const op = (kind: OpKind, member: string, args: Spec[], extra: Partial<Op> = {}): Op => ({ index, kind, member, args, faults: [], ...extra })
		const live = this.liveSlots()
		const valueOptions = { growInValueOf: this.options.growInValueOf && this.env.growable }
		const freeWeight = live.length > 40 ? 12 : 3
		// On the built-in allocator's heaps only regions it handed out are written (see writableAddress): no wraps.
		const noWraps = this.env.builtin !== undefined
		const type0 = rng.pick(elementTypes)
		const category = rng.weighted<string>([
			[10, 'read'],
			[11, 'write'],
			[3, 'readAtomic'],
			[3, 'writeAtomic'],
			[type0.atomicOperations.length > 0 ? 6 : 0, 'atomicOperation'],
			[4, 'view'],
			[4, 'alloc'],
			[7, 'allocArray'],
			[noWraps ? 0 : 2, 'wrap'],
			[noWraps ? 0 : 2, 'wrapArray'],
			[3, 'wide'],
			[5, 'stringRead'],
			[7, 'stringWrite'],
			[5, 'stringAlloc'],
			[noWraps ? 0 : 3, 'stringWrap'],
			[this.slots.size > 0 ? 22 : 0, 'ref'],
			[2, 'wait'],
			[1, 'notify'],
			[2, 'allocate'],
			[this.raw.size > 0 ? 3 : 1, 'deallocate'],
			[2, 'manager'],
			[freeWeight, 'free'],
			[this.env.growable ? 2.5 : 0, 'grow'],
			[this.env.replaceable ? 1 : 0, 'replace'],
			[3, 'heapView'],
			[3, 'sliceRead'],
			[4, 'sliceWrite'],
			[3, 'sliceAlloc'],
			[noWraps ? 0 : 1.5, 'sliceWrap'],
			[1.5, 'strlen'],
			[1, 'encodedLength'],
			[1.5, 'waitAsync'],
			[2, 'scope'],
			[1, 'withScope'],
			[this.structs === undefined ? 0 : 10, 'struct'],
			[2, 'summary'],
		])
		const type = category === 'atomicOperation' ? type0 : rng.pick(elementTypes)
		const encoding = rng.pick(encodings)
		switch (category) {
			case 'read':
				return op('read', type.methods.read, [this.address(rng, type.byteSize, 1)], { type: type.name })
			case 'readAtomic':
				return op('read', type.methods.readAtomic, [this.address(rng, type.byteSize, type.byteSize)], { type: type.name })
			case 'write':
				return op('write', type.methods.write, [this.address(rng, type.byteSize, 1), randomValue(rng, type, valueOptions)], { type: type.name })
			case 'writeAtomic':
				return op('write', type.methods.writeAtomic, [this.address(rng, type.byteSize, type.byteSize), randomValue(rng, type, valueOptions)], { type: type.name })
			case 'wait': {
				const waiting = rng.pick([...waitByMethod.values()])
				const address = this.address(rng, waiting.byteSize, waiting.byteSize)
				const [expected] = this.atomicOperands(rng, waiting, { shape: 'compareExchange' } as NormalizedAtomicOperation, address, valueOptions)
				// Never a timeout that could block for long: 0 (or 1 ms), or one that must be refused.
				const timeout: Spec = rng.chance(0.85) ? { k: 'num', v: rng.chance(0.9) ? 0 : 1 } : rng.pick<Spec>([{ k: 'num', v: -1 }, { k: 'num', v: Number.NaN }, { k: 'str', v: '0' }, { k: 'null' }])
				return op('wait', waiting.wait!.method, [address, expected!, timeout], { type: waiting.name })
			}
			case 'notify': {
				const roll = rng.next()
				const count: Spec[] = roll < 0.4 ? [] : roll < 0.85 ? [{ k: 'num', v: rng.pick([0, 1, 2, Infinity]) }] : [rng.pick<Spec>([{ k: 'num', v: -1 }, { k: 'num', v: 1.5 }, { k: 'num', v: Number.NaN }, { k: 'str', v: '1' }, { k: 'undef' }, { k: 'obj', inner: { k: 'num', v: 1 } }])]
				// Often where a wait<T>Async waits, so that the count it returns is not always 0.
				const address: Spec = this.waiters.size > 0 && rng.chance(0.6) ? { k: 'num', v: rng.pick([...this.waiters.keys()]) } : this.address(rng, 4, 4)
				return op('notify', 'notify', [address, ...count])
			}
			case 'allocate': {
				const roll = rng.next()
				const alignment: Spec[] = roll < 0.5 ? [] : roll < 0.9 ? [{ k: 'num', v: rng.pick([1, 2, 4, 8, 16, 64, 4096]) }] : [rng.pick<Spec>([{ k: 'num', v: 3 }, { k: 'num', v: 0 }, { k: 'num', v: 131072 }, { k: 'str', v: '8' }, { k: 'obj', inner: { k: 'num', v: 8 } }])]
				return op('raw', 'allocate', [this.count(rng, rng.int(0, 100)), ...alignment], { faults: this.faults(rng, true) })
			}
			case 'deallocate': {
				const raw = [...this.raw]
				const tracked = this.config.trackAllocations ? this.liveTracked() : []
				const roll = rng.next()
				if (raw.length > 0 && roll < 0.75) {
					const [address, byteSize] = rng.pick(raw)
					const extra: Spec[] = rng.chance(0.5) ? [] : [{ k: 'num', v: rng.chance(0.9) ? byteSize : -1 }, ...(rng.chance(0.5) ? [] : [{ k: 'num', v: rng.chance(0.9) ? 8 : 3 } as Spec])]
					return op('raw', 'deallocate', [{ k: 'num', v: address }, ...extra], { faults: this.faults(rng, false) })
				}
				if (tracked.length > 0 && roll < 0.9) return op('raw', 'deallocate', [{ k: 'num', v: rng.pick(tracked).address }])
				return op('raw', 'deallocate', [rng.pick<Spec>([{ k: 'num', v: 0 }, { k: 'num', v: -16 }, { k: 'num', v: 1.5 }, { k: 'num', v: 2 ** 53 }, { k: 'str', v: '16' }, { k: 'null' }, { k: 'obj', inner: { k: 'num', v: 16 } }, { k: 'big', v: 16n }])])
			}
			case 'atomicOperation': {
				const operation = rng.pick(type.atomicOperations)
				const address = this.address(rng, type.byteSize, type.byteSize)
				return op('rmw', operation.method, [address, ...this.atomicOperands(rng, type, operation, address, valueOptions)], { type: type.name })
			}
			case 'view': {
				const count = rng.int(0, 33)
				return op('view', type.methods.view, [this.address(rng, count * type.byteSize, type.alignment), this.count(rng, count)], { type: type.name })
			}
			case 'alloc':
				return op('alloc', type.methods.alloc, [], { type: type.name, faults: this.faults(rng, true) })
			case 'allocArray':
				return op('allocArray', type.methods.allocArray, [this.arrayValues(rng, type)], { type: type.name, faults: this.faults(rng, true) })
			case 'wrap':
				return op('wrap', type.methods.wrap, [this.address(rng, type.byteSize, 1)], { type: type.name })
			case 'wrapArray': {
				const count = rng.int(0, 17)
				return op('wrapArray', type.methods.wrapArray, [this.address(rng, count * type.byteSize, type.alignment), this.count(rng, count)], { type: type.name })
			}
			case 'wide': {
				const wide = rng.pick(wideTypes)
				const address = this.address(rng, wide.byteSize, 1)
				if (rng.chance(0.5)) return op('wideRead', wide.read, [address], { type: wide.name })
				const value: Spec = rng.chance(0.85) ? { k: 'big', v: BigInt.asUintN(wide.bits, randomBigInt(rng, wide.bits)) } : rng.chance(0.5) ? { k: 'big', v: randomBigInt(rng, wide.bits + 32) } : randomValue(rng, elementTypes[0]!, valueOptions)
				return op('wideWrite', wide.write, [address, value], { type: wide.name })
			}
			case 'stringRead': {
				const max = this.maxCount(rng, rng.int(0, 64))
				return op('stringRead', encoding.methods.read, [this.stringAddressSpec(rng, encoding, encoding.bytesPerElement), ...(max === undefined ? [] : [max])], { type: encoding.name })
			}
			case 'stringWrite': {
				const value = this.stringValue(rng, encoding)
				const needed = value.k === 'str' ? (encodeString(encoding.codec, value.v) as { elementCount?: number }).elementCount ?? value.v.length : 4
				const max = this.maxCount(rng, needed + 1 + rng.int(-2, 4))
				return op('stringWrite', encoding.methods.write, [this.stringAddressSpec(rng, encoding, (needed + 1) * encoding.bytesPerElement), value, ...(max === undefined ? [] : [max])], { type: encoding.name })
			}
			case 'stringAlloc': {
				const roll = rng.next()
				const arg: Spec = roll < 0.6 ? { k: 'str', v: randomString(rng, encoding.codec === 'ascii') } : roll < 0.93 ? this.count(rng, rng.chance(0.05) ? rng.pick([2 ** 31, 2 ** 40, 2 ** 52]) : rng.int(0, 64)) : rng.pick<Spec>([{ k: 'null' }, { k: 'undef' }, { k: 'obj', inner: { k: 'num', v: 3 } }, { k: 'big', v: 3n }, { k: 'sym' }, { k: 'bool', v: true }])
				return op('stringAlloc', encoding.methods.alloc, [arg], { type: encoding.name, faults: this.faults(rng, true) })
			}
			case 'stringWrap': {
				const max = this.maxCount(rng, rng.int(1, 32))
				return op('stringWrap', encoding.methods.wrap, [this.stringAddressSpec(rng, encoding, encoding.bytesPerElement), ...(max === undefined ? [] : [max])], { type: encoding.name })
			}
			case 'manager':
				return op('manager', rng.pick(['heap', 'allocatedRefs', 'totalAllocatedByteSize', 'heap', 'allocatedRefs', 'freeAll'].filter((m) => m !== 'freeAll' || rng.chance(0.05))), [])
			case 'free': {
				if (live.length === 0 || rng.chance(0.3)) {
					const tracked = this.liveTracked()
					const address: Spec = tracked.length > 0 && rng.chance(0.6) ? { k: 'num', v: rng.pick(tracked).address } : rng.chance(0.5) ? this.address(rng, 1, 1) : badNumberSpec(rng, 16, this.options.objectArguments)
					return op('manager', 'free', [address], { faults: this.faults(rng, false) })
				}
				const slot = rng.pick(live)
				return op('ref', rng.chance(0.8) ? 'free' : '[Symbol.dispose]', [], { slot: slot.id, faults: this.faults(rng, false) })
			}
			case 'grow':
				return op('grow', 'grow', [], { pages: rng.chance(0.8) ? 1 : 2, updateViews: rng.chance(0.5) })
			case 'replace':
				return op('replace', 'replace', [])
			case 'heapView': {
				const members = [...wholeHeapViews.map((view) => view.member), 'heapDataView']
				return op('heapView', rng.pick(members), [])
			}
			case 'sliceRead': {
				const slices = live.filter((slot) => slot.family === 'slice' && slot.encoding === encoding)
				if (slices.length > 0 && rng.chance(0.4)) {
					const slot = rng.pick(slices)
					return op('sliceRead', encoding.methods.readSlice, [{ k: 'num', v: slot.address }, this.count(rng, slot.length!)], { type: encoding.name })
				}
				const count = rng.int(0, 40)
				return op('sliceRead', encoding.methods.readSlice, [this.address(rng, count * encoding.bytesPerElement, encoding.bytesPerElement), this.count(rng, count)], { type: encoding.name })
			}
			case 'sliceWrite': {
				const value = this.stringValue(rng, encoding)
				const needed = value.k === 'str' ? ((encodeString(encoding.codec, value.v) as { elementCount?: number }).elementCount ?? value.v.length) : 4
				const slices = live.filter((slot) => slot.family === 'slice' && slot.encoding === encoding)
				if (slices.length > 0 && rng.chance(0.4)) {
					// At a slice's address, with its capacity as the room (the room is required there on the built-in allocator's heaps).
					const slot = rng.pick(slices)
					const room: Spec[] = this.env.builtin !== undefined || rng.chance(0.7) ? [this.count(rng, slot.elementCount)] : []
					// (There, an absent room, `undefined`, would let a long value run past the slice.)
					if (this.env.builtin !== undefined && (room[0]!.k === 'undef' || (room[0]!.k === 'num' && (room[0] as { v: number }).v > slot.elementCount))) room[0] = { k: 'num', v: slot.elementCount }
					return op('sliceWrite', encoding.methods.writeSlice, [{ k: 'num', v: slot.address }, value, ...room], { type: encoding.name })
				}
				const max = this.maxCount(rng, needed + rng.int(-2, 4))
				return op('sliceWrite', encoding.methods.writeSlice, [this.address(rng, needed * encoding.bytesPerElement, encoding.bytesPerElement), value, ...(max === undefined ? [] : [max])], { type: encoding.name })
			}
			case 'sliceAlloc': {
				const roll = rng.next()
				const arg: Spec = roll < 0.6 ? this.stringValue(rng, encoding) : roll < 0.95 ? this.count(rng, rng.chance(0.05) ? rng.pick([2 ** 31, 2 ** 40, 2 ** 52]) : rng.int(0, 48)) : rng.pick<Spec>([{ k: 'null' }, { k: 'undef' }, { k: 'obj', inner: { k: 'num', v: 3 } }, { k: 'big', v: 3n }])
				return op('sliceAlloc', encoding.methods.allocSlice, [arg], { type: encoding.name, faults: this.faults(rng, true) })
			}
			case 'sliceWrap': {
				const count = rng.int(0, 24)
				return op('sliceWrap', encoding.methods.wrapSlice, [this.address(rng, count * encoding.bytesPerElement, encoding.bytesPerElement), this.count(rng, count)], { type: encoding.name })
			}
			case 'strlen': {
				const max = this.maxCount(rng, rng.int(0, 64))
				return op('strlen', encoding.methods.length, [this.stringAddressSpec(rng, encoding, encoding.bytesPerElement), ...(max === undefined ? [] : [max])], { type: encoding.name })
			}
			case 'encodedLength':
				return op('encodedLength', encoding.methods.encodedLength, [this.stringValue(rng, encoding)], { type: encoding.name })
			case 'waitAsync': {
				const waiting = rng.pick([...waitByMethod.values()])
				const address = this.address(rng, waiting.byteSize, waiting.byteSize)
				const [expected] = this.atomicOperands(rng, waiting, { shape: 'compareExchange' } as NormalizedAtomicOperation, address, valueOptions)
				// 0: settled at once; a long one: a waiter that notify counts (woken when the episode ends); or one that must be refused.
				const timeout: Spec = rng.chance(0.85) ? { k: 'num', v: rng.chance(0.7) ? 0 : 600000 } : rng.pick<Spec>([{ k: 'num', v: -1 }, { k: 'num', v: Number.NaN }, { k: 'str', v: '0' }, { k: 'null' }])
				return op('waitAsync', waiting.wait!.asyncMethod, [address, expected!, timeout], { type: waiting.name })
			}
			case 'scope': {
				const scopes = [...this.scopes.values()]
				const innermost = this.innermostScope()
				if (scopes.length === 0 || (this.openScopes.length < 4 && rng.chance(0.3))) return op('scope', 'openScope', [])
				// Mostly the innermost open scope; sometimes an outer or a closed one (misuse).
				const record = innermost !== undefined && rng.chance(0.75) ? this.scopes.get(innermost)! : rng.pick(scopes)
				const roll = rng.next()
				if (roll < 0.45) {
					const held = live.filter((slot) => slot.scope === record.id)
					const candidates = held.length > 0 && rng.chance(0.8) ? held : live
					if (candidates.length > 0 && rng.chance(0.9)) return op('scope', 'keep', [], { scope: record.id, slot: rng.pick(candidates).id })
					return op('scope', 'keep', [rng.pick<Spec>([{ k: 'num', v: 16 }, { k: 'null' }, { k: 'plain' }, { k: 'str', v: 'ref' }])], { scope: record.id })
				}
				if (roll < 0.55) return op('scope', 'isClosed', [], { scope: record.id })
				if (roll < 0.62) return op('scope', rng.pick(['toJSON', '[nodejs.util.inspect.custom]']), [], { scope: record.id })
				return op('scope', rng.chance(0.7) ? 'close' : '[Symbol.dispose]', [], { scope: record.id, faults: this.faults(rng, false) })
			}
			case 'withScope': {
				const types = Array.from({ length: rng.int(0, 4) }, () => rng.pick(elementTypes).name)
				const ending = rng.weighted<ScopePlan['ending']>([
					[6, 'return'],
					[2, 'throw'],
					[1, 'promise'],
					[0.5, 'async'],
					[0.5, 'notFunction'],
				])
				return op('withScope', 'withScope', [], { plan: { types, release: types.length > 0 && rng.chance(0.3) ? rng.int(0, types.length) : -1, ending } })
			}
			case 'struct':
				return this.structs!.generate(this, rng, index)
			case 'summary': {
				// toJSON and util.inspect of the manager or of any ref (freed ones too), abi, report, a struct ref's checkLive.
				const slots = [...this.slots.values()]
				if (slots.length === 0 || rng.chance(0.35)) return op('summary', rng.pick(summaryManagerMembers), [])
				// Struct refs and arrays of them are few among the refs: picked apart a third of the time.
				const structSlots = slots.filter((candidate) => candidate.family === 'struct' || candidate.family === 'structArray')
				const slot = structSlots.length > 0 && rng.chance(0.35) ? rng.pick(structSlots) : rng.pick(slots)
				if (slot.family === 'struct' && rng.chance(0.5)) return op('summary', 'checkLive', [rng.chance(0.9) ? { k: 'str', v: rng.pick(['f0', 'read', 'x']) } : { k: 'undef' }], { slot: slot.id })
				return op('summary', rng.pick(summaryRefMembers), [], { slot: slot.id })
			}
			default: {
				const slots = [...this.slots.values()]
				const slot = rng.chance(0.9) && live.length > 0 ? rng.pick(live) : rng.pick(slots)
				// (Struct refs' own members are struct operations: test/fuzz/structs.ts.)
				const own: readonly string[] = slot.family === 'struct' ? [] : slot.family === 'structArray' ? ['elementCount'] : refMembers[slot.family]
				const members = [...own, ...commonRefMembers.filter((m) => m !== 'free' && m !== '[Symbol.dispose]' && m !== 'release')]
				const operations = slot.element?.atomicOperations ?? []
				let member = operations.length > 0 && rng.chance(0.2) ? (slot.family === 'array' ? rng.pick(operations).arrayRefMethod : rng.pick(operations).refMethod) : rng.pick(members)
				// Clearing a region of gigabytes (a wrap over most of a large heap) would make it all resident.
				if (member === 'clear' && slot.byteSize > 1 << 24) member = 'allocatedByteSize'
				if (rng.chance(0.02)) member = 'release'
				const args: Spec[] = []
				if (slot.family === 'array' && /At$/.test(member)) {
					const roll = rng.next()
					args.push(roll < 0.85 ? { k: 'num', v: rng.int(0, Math.max(1, slot.elementCount)) } : roll < 0.93 ? { k: 'num', v: rng.pick([-1, slot.elementCount, 0.5, Number.NaN, 2 ** 53, -0]) } : badNumberSpec(rng, 0, this.options.objectArguments))
				}
				const operation = operations.find((candidate) => candidate.refMethod === member || candidate.arrayRefMethod === member)
				if (operation !== undefined) {
					const index = args[0]
					const at = slot.family === 'array' && index?.k === 'num' ? slot.address + index.v * slot.element!.byteSize : slot.address
					args.push(...this.atomicOperands(rng, slot.element!, operation, { k: 'num', v: at }, valueOptions))
				}
				if ((slot.family === 'value' || slot.family === 'array') && (member === 'set value' || member.startsWith('write'))) args.push(randomValue(rng, slot.element!, valueOptions))
				if ((slot.family === 'string' || slot.family === 'slice') && (member === 'set value' || member === 'write')) args.push(this.stringValue(rng, slot.encoding!))
				return op('ref', member, args, { slot: slot.id })
			}
		}
	}

	/** Prints struct operations (set by test/fuzz/structs.ts). */
	static structCode: ((op: Op) => string) | undefined

	/** The operation as a line of JavaScript for a reproducer. */
	static code(op: Op): string {
		const args = op.args.map(specCode).join(', ')
		const faults = op.faults.map((fault) => `${fault.on === 'alloc' ? 'allocator' : 'deallocator'}: ${fault.kind}${'beyond' in fault ? ` +${fault.beyond}` : ''}${'offset' in fault ? ` +${fault.offset}` : ''}${'address' in fault ? ` at ${fault.address}` : ''}`)
		const comment = faults.length > 0 ? `  // ${faults.join('; ')}` : ''
		const made = `const r${op.index} = `
		switch (op.kind) {
			case 'grow':
				return `memory.grow(${op.pages ?? 1}) // behind the manager's back${op.updateViews === false ? ' (HEAPU8 not updated)' : ''}`
			case 'heapView':
				return `heap.${op.member}`
			case 'sliceAlloc':
			case 'sliceWrap':
				return `${made}heap.${op.member}(${args})${comment}`
			case 'scope':
				if (op.member === 'openScope') return `const s${op.index} = heap.openScope()`
				if (op.member === 'isClosed') return `s${op.scope}.isClosed`
				if (op.member === 'toJSON') return `s${op.scope}.toJSON()`
				if (op.member === '[nodejs.util.inspect.custom]') return `util.inspect(s${op.scope})`
				if (op.member === 'keep') return `s${op.scope}.keep(${op.slot !== undefined ? `r${op.slot}` : args})`
				if (op.member === '[Symbol.dispose]') return `s${op.scope}[Symbol.dispose]()${comment}`
				return `s${op.scope}.close()${comment}`
			case 'withScope': {
				const plan = op.plan!
				if (plan.ending === 'notFunction') return 'heap.withScope(42)'
				if (plan.ending === 'async') return 'heap.withScope(async () => ({}))'
				const body = plan.types.map((name, i) => `const a${i} = heap.alloc${name}()${i === plan.release ? `; a${i}.release()` : ''}`)
				const end = plan.ending === 'throw' ? 'throw new Error()' : plan.ending === 'promise' ? 'return Promise.resolve({})' : 'return {}'
				return `heap.withScope(() => { ${[...body, end].join('; ')} })`
			}
			case 'struct':
				return Runner.structCode?.(op) ?? `struct operation ${op.member}`
			case 'summary': {
				const target = op.slot === undefined ? 'heap' : `r${op.slot}`
				if (op.member === 'abi') return `${target}.abi`
				if (op.member === '[nodejs.util.inspect.custom]') return `util.inspect(${target})`
				return `${target}.${op.member}(${args})`
			}
			case 'replace':
				return `replace the buffer with a same-size copy`
			case 'ref': {
				const target = `r${op.slot}`
				if (op.member.startsWith('get ')) return `${target}.${op.member.slice(4)}`
				if (op.member.startsWith('set ')) return `${target}.${op.member.slice(4)} = ${args}`
				if (op.member === '[Symbol.dispose]') return `${target}[Symbol.dispose]()${comment}`
				if (['address', 'allocatedByteSize', 'isFreed', 'elementCount', 'bytesPerElement', 'view', 'allocatedBytesView'].includes(op.member) || op.member.startsWith('encoded')) return `${target}.${op.member}`
				return `${target}.${op.member}(${args})${comment}`
			}
			case 'raw':
				return `${op.member === 'allocate' ? made : ''}heap.${op.member}(${args})${comment}`
			case 'manager':
				if (['heap', 'allocatedRefs', 'totalAllocatedByteSize'].includes(op.member)) return `heap.${op.member}`
				return `heap.${op.member}(${args})${comment}`
			case 'alloc':
			case 'allocArray':
			case 'wrap':
			case 'wrapArray':
			case 'stringAlloc':
			case 'stringWrap':
				return `${made}heap.${op.member}(${args})${comment}`
			default:
				return `heap.${op.member}(${args})${comment}`
		}
	}
}
