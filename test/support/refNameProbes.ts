/**
 * Every public member of every ref class the library generates (value refs, array refs,
 * null-terminated string refs and string slice refs of each row of `descriptors/`), called
 * on a ref that one of the slow-path triggers below has made fail, with the error it throws
 * (or nothing): the cases of test/ref-names.test.ts, and of `scripts/ref-error-names.ts`,
 * which lists the errors whose message does not start with the member's name.
 *
 * The members are read from the classes' source (generated/Refs.generated.ts and
 * src/HeapRef.ts: public, not `@internal`), walking each ref's prototype chain, so a member
 * a generator adds is probed without a line here; their arguments are made from the
 * member's name and the row (a valid value, index 0).
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import ts from 'typescript'
import { normalizeEncodings } from '../../codegen/normalize.js'
import { stringEncodingRows } from '../../descriptors/encodings.js'
import { createWasmHeapManager, defineStruct, type WasmHeapManagerOptions } from '../../src/index.js'
import type { NormalizedElement } from '../../codegen/normalize.js'
import { callMethod, elements, exactSamples, wrongTypeValueOf } from './dynamic.js'
import { createTestHeap, TestAllocator, type TestHeap } from './heaps.js'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..')
const encodings = normalizeEncodings(stringEncodingRows)

type Kind = { readonly get: boolean; readonly set: boolean; readonly method: boolean }

/** Public members each class of `files` declares itself (accessors and methods; fields hold no code). */
function declaredMembers(files: readonly string[]): Map<string, Map<string, Kind>> {
	const classes = new Map<string, Map<string, Kind>>()
	for (const file of files) {
		const path = resolve(root, file)
		const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true)
		for (const statement of source.statements) {
			if (!ts.isClassDeclaration(statement) || statement.name === undefined) continue
			const members = new Map<string, Kind>()
			for (const member of statement.members) {
				if (!(ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member) || ts.isSetAccessorDeclaration(member))) continue
				if (member.name === undefined || !ts.isIdentifier(member.name)) continue
				const modifiers = ts.getModifiers(member) ?? []
				if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword || m.kind === ts.SyntaxKind.StaticKeyword)) continue
				if (ts.getJSDocTags(member).some((tag) => tag.tagName.text === 'internal')) continue
				const name = member.name.text
				const kind = members.get(name) ?? { get: false, set: false, method: false }
				members.set(name, {
					get: kind.get || ts.isGetAccessorDeclaration(member),
					set: kind.set || ts.isSetAccessorDeclaration(member),
					method: kind.method || ts.isMethodDeclaration(member),
				})
			}
			classes.set(statement.name.text, members)
		}
	}
	return classes
}

const declared = declaredMembers(['generated/Refs.generated.ts', 'src/HeapRef.ts'])

/** One way to call a member: `get`/`set` of an accessor, or a method call. */
export interface MemberCall {
	readonly member: string
	readonly how: 'get' | 'set' | 'call'
	readonly args: readonly unknown[]
}

/** What a ref class holds: a number row's value ref or array ref, or an encoding's string ref or slice ref. */
export interface RefClassCase {
	readonly className: string
	readonly byteSize: number
	/** A valid value for `write`, `value` and the atomics' value (a string for string refs). */
	readonly value: unknown
	/** A second one (compare-exchange's replacement). */
	readonly other: unknown
	readonly element?: NormalizedElement
	readonly array: boolean
	/** Makes a live ref of the class on `t` (allocated; `at`: wrapped at that address). */
	make(t: TestHeap, at?: number): Record<string, unknown> & { readonly address: number }
}

/** Every ref class, from the descriptor tables. */
export const refClassCases: readonly RefClassCase[] = [
	...elements.flatMap((element): RefClassCase[] => {
		const [value, other] = exactSamples(element)
		const { methods } = element
		return [
			{
				className: element.refClass,
				byteSize: element.byteSize,
				value,
				other,
				element,
				array: false,
				make: (t, at) => (at === undefined ? callMethod(t.heap, methods.alloc) : callMethod(t.heap, methods.wrap, at)),
			},
			{
				className: element.arrayRefClass,
				byteSize: element.byteSize,
				value,
				other,
				element,
				array: true,
				make: (t, at) => (at === undefined ? callMethod(t.heap, methods.allocArray, 2) : callMethod(t.heap, methods.wrapArray, at, 2)),
			},
		]
	}),
	...encodings.flatMap((encoding): RefClassCase[] => [
		{
			className: encoding.refClass,
			byteSize: encoding.bytesPerElement,
			value: 'ab',
			other: 'cd',
			array: false,
			make: (t, at) => {
				if (at === undefined) return callMethod(t.heap, encoding.methods.alloc, 'xyz')
				return callMethod(t.heap, encoding.methods.wrap, at)
			},
		},
		{
			className: encoding.sliceRefClass,
			byteSize: encoding.bytesPerElement,
			value: 'ab',
			other: 'cd',
			array: false,
			make: (t, at) => (at === undefined ? callMethod(t.heap, encoding.methods.allocSlice, 'xyz') : callMethod(t.heap, encoding.methods.wrapSlice, at, 3)),
		},
	]),
]

/** The public members of `ref`, from its class up to `HeapRef`, each once (the most derived declaration). */
export function publicMembers(ref: object): Map<string, Kind> {
	const members = new Map<string, Kind>()
	for (let prototype = Object.getPrototypeOf(ref) as object | null; prototype !== null && prototype !== Object.prototype; prototype = Object.getPrototypeOf(prototype) as object | null) {
		const own = declared.get((prototype as { constructor: { name: string } }).constructor.name)
		if (own === undefined) throw new Error(`refNameProbes: no declaration of ${(prototype as { constructor: { name: string } }).constructor.name}`)
		for (const [name, kind] of own) {
			const seen = members.get(name)
			members.set(name, seen === undefined ? kind : { get: seen.get || kind.get, set: seen.set || kind.set, method: seen.method || kind.method })
		}
	}
	return members
}

/** The calls of each public member of `ref` (`refCase`'s class) with valid arguments: a getter read, a setter write, a method call. */
export function memberCalls(refCase: RefClassCase, ref: object, value: unknown = refCase.value): MemberCall[] {
	const calls: MemberCall[] = []
	for (const [member, kind] of publicMembers(ref)) {
		if (kind.get) calls.push({ member, how: 'get', args: [] })
		if (kind.set) calls.push({ member, how: 'set', args: [value] })
		if (!kind.method) continue
		const index = member.endsWith('At') || member === 'readAt' ? [0] : []
		let args: unknown[]
		if (member.startsWith('compareExchange')) args = [...index, value, refCase.other]
		else if (member.startsWith('read') || member === 'clear' || member === 'free' || member === 'release' || member.startsWith('to')) args = index
		else args = [...index, value]
		calls.push({ member, how: 'call', args })
	}
	return calls
}

/** Runs `call` on `ref`; the error it throws, or `undefined`. */
export function errorOf(ref: Record<string, unknown>, call: MemberCall): unknown {
	try {
		if (call.how === 'get') void ref[call.member]
		else if (call.how === 'set') ref[call.member] = call.args[0]
		else callMethod(ref, call.member, ...call.args)
	} catch (error) {
		return error
	}
	return undefined
}

/** An error a trigger may cause: its class, its code, and its message after the member's name. */
export interface ExpectedError {
	readonly Class: new (...args: never[]) => Error
	readonly code: string
	readonly rest: RegExp
}

/** A slow-path trigger: a heap, and refs of a class in the state that makes their members fail. */
export interface Trigger {
	readonly name: string
	/** Whether it applies to the class (a misaligned address, for instance, only to wrapped value refs). */
	applies(refCase: RefClassCase): boolean
	/** The value the members that write are given (the class's valid one when absent). */
	value?(refCase: RefClassCase): unknown
	/** Only these members are probed (all when absent). */
	readonly members?: (call: MemberCall) => boolean
	/** The errors it may cause; anything else is a failure. */
	readonly errors: readonly ExpectedError[]
	/** A heap, and a maker of refs in the failing state (a fresh one each call). */
	setUp(refCase: RefClassCase): { readonly t: TestHeap; readonly make: () => Record<string, unknown> & { readonly address: number } }
}

const neverPolled: WasmHeapManagerOptions = { pollingMode: 'never' }
const everyClass = (): boolean => true
/** Refs made first, then the heap changed under them: `count` of them, handed out one a call. */
const madeBefore = (t: TestHeap, refCase: RefClassCase, change: () => void, count = 64) => {
	const refs: ReturnType<RefClassCase['make']>[] = []
	for (let i = 0; i < count; i++) refs.push(refCase.make(t))
	change()
	return { t, make: () => refs.pop()! }
}

export const triggers: readonly Trigger[] = [
	{
		name: 'the ref freed',
		applies: everyClass,
		errors: [{ Class: Error, code: 'ERR_HEAP_REF_FREED', rest: /^the reference to address \d+ has been freed$/ }],
		setUp(refCase) {
			const t = createTestHeap({ maximum: 8 })
			return {
				t,
				make: () => {
					const ref = refCase.make(t)
					;(ref as unknown as { free(): void }).free()
					return ref
				},
			}
		},
	},
	{
		name: "the memory grew under pollingMode 'never' (the ref's buffer detached)",
		applies: everyClass,
		errors: [
			{
				Class: RangeError,
				code: 'ERR_HEAP_OUT_OF_RANGE',
				rest: /^address \d+ is out of range: the heap's buffer was detached \(its memory grew\), and pollingMode 'never' does not fetch the new one; for a memory that grows, use 'whenEmpty' \(the default\)$/,
			},
		],
		setUp(refCase) {
			const t = createTestHeap({ ...neverPolled, maximum: 8 })
			return madeBefore(t, refCase, () => t.memory.grow(1))
		},
	},
	{
		name: "the heap source returns a detached buffer (pollingMode 'whenEmpty')",
		applies: everyClass,
		errors: [
			{
				Class: TypeError,
				code: 'ERR_HEAP_INVALID_ARGUMENT',
				rest: /^getLatestHeap returned a detached ArrayBuffer \(the buffer of a memory that has grown since, or one transferred\): it must return the heap's current buffer, such as memory\.buffer read at each call$/,
			},
		],
		setUp(refCase) {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 8 })
			const allocator = new TestAllocator(memory)
			let buffer: ArrayBuffer = memory.buffer
			const t: TestHeap = { heap: createWasmHeapManager(() => buffer, allocator.alloc, allocator.free), memory, allocator }
			return madeBefore(t, refCase, () => {
				// The source now gives a detached buffer, and the one the manager holds is detached too.
				buffer = new ArrayBuffer(65536)
				structuredClone(buffer, { transfer: [buffer] })
				memory.grow(1)
			})
		},
	},
	{
		name: 'wrapped at a misaligned address',
		// Array and string refs refuse a misaligned address when wrapped; a wrapped ref's free() frees through the test allocator.
		applies: (refCase) => refCase.element !== undefined && !refCase.array && refCase.byteSize > 1,
		members: (call) => call.member !== 'free',
		errors: [{ Class: RangeError, code: 'ERR_HEAP_MISALIGNED', rest: /^address \d+ is not aligned to \d bytes, which this access requires \(heap of \d+ bytes\)$/ }],
		setUp(refCase) {
			const t = createTestHeap({ maximum: 8 })
			let address = 256
			return {
				t,
				make: () => {
					address += 64
					return refCase.make(t, address + refCase.byteSize / 2)
				},
			}
		},
	},
	{
		name: 'a stored uint64 above 2^53 - 1 (Pointer53)',
		applies: (refCase) => refCase.element?.kind === 'pointer53',
		members: (call) => !call.member.startsWith('write') && call.how !== 'set',
		errors: [{ Class: RangeError, code: 'ERR_HEAP_INVALID_VALUE', rest: /^the uint64 at address \d+ holds 1152921504606846983, which is above the largest pointer53 value 2\^53 - 1$/ }],
		setUp(refCase) {
			const t = createTestHeap({ maximum: 8 })
			return {
				t,
				make: () => {
					const ref = refCase.make(t)
					new DataView(t.memory.buffer).setBigUint64(ref.address, 2n ** 60n + 7n, true)
					return ref
				},
			}
		},
	},
	{
		name: 'a value the row refuses (out of range for Pointer53, of the other type for the others)',
		applies: everyClass,
		value: (refCase) => (refCase.element?.kind === 'pointer53' ? 2 ** 53 : refCase.element !== undefined ? wrongTypeValueOf(refCase.element) : Symbol('s')),
		members: (call) => /^(write|value|add|sub|and|or|xor|exchange|compareExchange)/.test(call.member) && call.how !== 'get',
		errors: [
			{ Class: TypeError, code: 'ERR_HEAP_INVALID_VALUE', rest: /^(value|expected) must be a (number|bigint|string), received (1n?|symbol)$/ },
			{ Class: RangeError, code: 'ERR_HEAP_INVALID_VALUE', rest: /^9007199254740992 is not a valid pointer53 value: it must be an integer from 0 to 2\^53 - 1$/ },
		],
		setUp(refCase) {
			const t = createTestHeap({ maximum: 8 })
			return { t, make: () => refCase.make(t) }
		},
	},
]

/** One probed call: the class, member and trigger, and the error (or `undefined`). */
export interface Probe {
	readonly className: string
	readonly member: string
	readonly how: MemberCall['how']
	readonly trigger: string
	readonly error: unknown
	/** Whether the ref's bytes were unchanged by the call. */
	readonly unchanged: boolean
}

/** Every member of `refCase`'s class under `trigger`, each called on a fresh ref. */
export function probeCase(refCase: RefClassCase, trigger: Trigger): Probe[] {
	const probes: Probe[] = []
	const { t, make } = trigger.setUp(refCase)
	const value = trigger.value?.(refCase) ?? refCase.value
	for (const call of memberCalls(refCase, make(), value)) {
		if (trigger.members !== undefined && !trigger.members(call)) continue
		const ref = make()
		const before = new Uint8Array(t.memory.buffer).slice()
		const error = errorOf(ref, call)
		const after = new Uint8Array(t.memory.buffer)
		const unchanged = error === undefined || (before.length <= after.length && before.every((byte, i) => after[i] === byte))
		probes.push({ className: refCase.className, member: call.member, how: call.how, trigger: trigger.name, error, unchanged })
	}
	return probes
}

/** Every class × member × trigger. */
export function probeAll(): Probe[] {
	return refClassCases.flatMap((refCase) => triggers.filter((trigger) => trigger.applies(refCase)).flatMap((trigger) => probeCase(refCase, trigger)))
}

/** Whether `probe`'s error names its member first (`Int32Ref.value: ...`). */
export function namesItsMember(probe: Probe): boolean {
	return probe.error instanceof Error && probe.error.message.startsWith(`${probe.className}.${probe.member}: `)
}


/** Whether `error` is one of `trigger`'s errors, named `member` (class, code, the rest of the message). */
export function isExpectedError(error: unknown, trigger: Trigger, name: string): boolean {
	if (!(error instanceof Error) || !error.message.startsWith(`${name}: `)) return false
	const rest = error.message.slice(name.length + 2)
	const code = (error as { code?: unknown }).code
	return trigger.errors.some((expected) => error.constructor === expected.Class && code === expected.code && expected.rest.test(rest))
}

/**
 * A struct's numeric fields name themselves (`S.Int32: ...`) on their cold path too: a
 * struct with one field of each element row (named as the row), its field accessors' get
 * and set on a struct ref and on an element of a struct array, under `trigger` (one of
 * {@link triggers}' first three: freed, the memory grown under 'never', a detached source).
 * Struct refs' whole reads and writes and struct arrays' `readAt`/`writeAt` are not covered.
 */
export function probeStructFields(trigger: Trigger): Probe[] {
	const fields = Object.fromEntries(elements.map((element) => [element.name, element.name]))
	const S = defineStruct('S', fields as never)
	const structCase: RefClassCase = {
		className: 'S',
		byteSize: 8,
		value: 0,
		other: 0,
		array: false,
		make: (t) => t.heap.allocStruct(S) as never,
	}
	const elementCase: RefClassCase = { ...structCase, make: (t) => (t.heap.allocStructArray(S, 2) as unknown as { at(index: number): never }).at(1) }
	const probes: Probe[] = []
	// (an element is freed with its array: the freed trigger frees what it makes, so it takes the struct ref only)
	for (const refCase of trigger === triggers[0] ? [structCase] : [structCase, elementCase]) {
		const { t, make } = trigger.setUp(refCase)
		for (const element of elements) {
			const value = exactSamples(element)[0]
			for (const call of [{ member: element.name, how: 'get', args: [] }, { member: element.name, how: 'set', args: [value] }] as const) {
				const ref = make()
				const before = new Uint8Array(t.memory.buffer).slice()
				const error = errorOf(ref, call)
				const after = new Uint8Array(t.memory.buffer)
				const unchanged = error === undefined || (before.length <= after.length && before.every((byte, i) => after[i] === byte))
				probes.push({ className: 'S', member: element.name, how: call.how, trigger: trigger.name, error, unchanged })
			}
		}
	}
	return probes
}

/**
 * A struct ref's, a fixed-array field's and a struct array's members that read or write
 * the heap after checking their arguments (`S2.write`, `S2.a.readAt`, `S2ArrayRef.writeAt`...),
 * under the memory grown under 'never' or a source giving a detached buffer ({@link triggers}'
 * second and third): each probe's `className` is what its error should start with (a
 * struct array's reads name the element's field, `S2ArrayRef[0].x`, as they do for a
 * stored value they cannot give). `expected` is the name before `: `.
 */
export function probeStructMembers(trigger: Trigger): (Probe & { readonly expected: string })[] {
	const S2 = defineStruct('S2', { x: 'Int32', a: { array: 'Int16', length: 3 }, flags: { array: 'Uint8', length: 2 } })
	type Target = Record<string, unknown> & { readonly address: number }
	const made: { target: (ref: Target) => Target; calls: { member: string; args: unknown[]; expected: (name: string) => string }[] }[] = [
		{
			target: (ref) => ref,
			calls: [
				{ member: 'read', args: [], expected: (name) => `${name}.read.x` },
				{ member: 'write', args: [{ x: 1 }], expected: (name) => `${name}.write` },
				{ member: 'write', args: [{ a: [1, 2] }], expected: (name) => `${name}.write` },
				{ member: 'clear', args: [], expected: (name) => `${name}.clear` },
			],
		},
		...['a', 'flags'].map((field) => ({
			target: (ref: Target) => ref[field] as Target,
			calls: ['readAt', 'at', 'read', 'writeAt', 'write'].map((member) => ({
				member,
				args: member === 'writeAt' ? [1, 7] : member === 'write' ? [[7, 8]] : member === 'read' ? [] : [1],
				expected: (name: string) => `${name}.${member}`,
			})),
		})),
	]
	const probes: (Probe & { readonly expected: string })[] = []
	const structCase: RefClassCase = { className: 'S2', byteSize: 12, value: 0, other: 0, array: false, make: (t) => t.heap.allocStruct(S2) as never }
	for (const { target, calls } of made) {
		for (const call of calls) {
			const { t, make } = trigger.setUp(structCase)
			const ref = target(make())
			const name = (ref as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag]
			const before = new Uint8Array(t.memory.buffer).slice()
			const error = errorOf(ref, { member: call.member, how: 'call', args: call.args } as MemberCall)
			const after = new Uint8Array(t.memory.buffer)
			const unchanged = before.length <= after.length && before.every((byte, i) => after[i] === byte)
			probes.push({ className: name, member: call.member, how: 'call', trigger: trigger.name, error, unchanged, expected: call.expected(name) })
		}
	}
	const arrayCase: RefClassCase = { ...structCase, make: (t) => t.heap.allocStructArray(S2, 2) as never }
	for (const call of [
		{ member: 'readAt', args: [0], expected: 'S2ArrayRef[0].x' },
		{ member: 'read', args: [], expected: 'S2ArrayRef[0].x' },
		{ member: 'writeAt', args: [1, { x: 1 }], expected: 'S2ArrayRef.writeAt' },
		{ member: 'write', args: [[{ x: 1 }, { a: [3] }]], expected: 'S2ArrayRef.write' },
	]) {
		const { t, make } = trigger.setUp(arrayCase)
		const ref = make()
		const before = new Uint8Array(t.memory.buffer).slice()
		const error = errorOf(ref, { member: call.member, how: 'call', args: call.args } as MemberCall)
		const after = new Uint8Array(t.memory.buffer)
		const unchanged = before.length <= after.length && before.every((byte, i) => after[i] === byte)
		probes.push({ className: 'S2ArrayRef', member: call.member, how: 'call', trigger: trigger.name, error, unchanged, expected: call.expected })
	}
	return probes
}
