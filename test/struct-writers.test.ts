/**
 * The whole-struct writers (`writeStruct`, `StructRef.write`, `allocStruct(type, init)`,
 * `allocStructArray(type, values)`, `StructArrayRef.write`) and a pointer field's getter,
 * at the edges their fast paths could get wrong: what a value gives (unknown keys, nested
 * partials, short arrays, getters and proxies: each property read once, the keys first in
 * their order, then the fields they left out by name), what is written (nothing for a bad value, also in the last field), and the
 * refs a pointer field gives (the class, fields and ownership of `wrapStruct`'s).
 */
import { expect } from 'chai'
import { defineEnum, defineStruct, StructArrayRef, StructRef, type StructType } from '../src/index.js'
import { caught, expectSameBytes, expectThrow } from './support/dynamic.js'
import { createTestHeap, registrableClass, snapshot } from './support/heaps.js'

const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
const Kind = defineEnum('Kind', 'Uint32', { A: 1, B: 2 })
const Body = defineStruct('Body', { pos: Vec2, vel: Vec2, mass: 'Float64', kind: Kind, hist: { array: 'Int32', length: 4 } })
const Node: StructType = defineStruct('Node', { v: 'Int32', next: { pointer: (): StructType => Node } })
const Other = defineStruct('Other', { v: 'Int32' })

/** Every trap a proxy's handler saw, as `trap key` lines, for the init objects given to the writers. */
function logged<T extends object>(log: string[], name: string, target: T): T {
	return new Proxy(target, {
		get(object, key, receiver) {
			log.push(`${name} get ${String(key)}`)
			return Reflect.get(object, key, receiver)
		},
		has(object, key) {
			log.push(`${name} has ${String(key)}`)
			return Reflect.has(object, key)
		},
		ownKeys(object) {
			log.push(`${name} ownKeys`)
			return Reflect.ownKeys(object)
		},
		getOwnPropertyDescriptor(object, key) {
			log.push(`${name} getOwnPropertyDescriptor ${String(key)}`)
			return Reflect.getOwnPropertyDescriptor(object, key)
		},
		getPrototypeOf(object) {
			log.push(`${name} getPrototypeOf`)
			return Reflect.getPrototypeOf(object)
		},
	})
}

/** A Body value whose objects and array are logging proxies. */
function loggedBody(log: string[], hist: number[] = [1, 2]): object {
	return logged(log, 'body', { kind: 2, hist: logged(log, 'hist', hist), mass: 5, pos: logged(log, 'pos', { y: 4 }) })
}

/**
 * The traps a Body value from {@link loggedBody} sees, checked then written: its keys as `for...in`
 * lists them (the prototype asked for the inherited ones), each key's value read as it comes,
 * then in declaration order each field the keys left out read by name (`vel`; `pos`'s `x`), and
 * each nested value walked so when its field's turn comes. Every property read once.
 */
const bodyTraps = [
	'body ownKeys',
	'body getPrototypeOf',
	'body getOwnPropertyDescriptor kind',
	'body get kind',
	'body getOwnPropertyDescriptor hist',
	'body get hist',
	'body getOwnPropertyDescriptor mass',
	'body get mass',
	'body getOwnPropertyDescriptor pos',
	'body get pos',
	'pos ownKeys',
	'pos getPrototypeOf',
	'pos getOwnPropertyDescriptor y',
	'pos get y',
	'pos get x',
	'body get vel',
	'hist get length',
	'hist get length',
	'hist get 0',
	'hist get 1',
]

describe('whole-struct writers and pointer fields at their edges', () => {
	// [name, write (returns the address written), the name its errors give, whether it writes in place (else to a new region)]
	const writers: readonly [string, (value: object) => number, string, boolean][] = [
		['writeStruct', (value) => (heap.writeStruct(Body, at, value as never), at), 'writeStruct(Body)', true],
		['StructRef.write', (value) => (body.write(value as never), at), 'Body.write', true],
		['allocStruct', (value) => heap.allocStruct(Body, value as never).address, 'allocStruct(Body)', false],
		['allocStructArray', (value) => heap.allocStructArray(Body, [filled, value as never]).address + 48, 'allocStructArray(Body)[1]', false],
		['StructArrayRef.write', (value) => (bodies.write([filled, value as never]), bodies.address + 48), 'BodyArrayRef[1]', true],
	]
	let { heap, memory } = createTestHeap()
	let body = heap.allocStruct(Body)
	let bodies = heap.allocStructArray(Body, 2)
	let at = body.address
	beforeEach(() => {
		;({ heap, memory } = createTestHeap())
		body = heap.allocStruct(Body)
		bodies = heap.allocStructArray(Body, 2)
		at = body.address
	})
	const filled = { pos: { x: 1, y: 2 }, vel: { x: 3, y: 4 }, mass: 5, kind: 1, hist: [6, 7, 8, 9] }

	for (const [label, write, where, inPlace] of writers) {
		describe(label, () => {
			it('writes a nested partial and a short array where they lie, leaving the fields and elements not given as they were', () => {
				write(filled)
				const address = write({ pos: { y: 20 }, hist: [60, 70] })
				const value = heap.readStruct(Body, address)
				expect([value.pos.y, ...value.hist.slice(0, 2)]).to.deep.equal([20, 60, 70])
				if (inPlace) expect(value).to.deep.equal({ pos: { x: 1, y: 20 }, vel: { x: 3, y: 4 }, mass: 5, kind: 1, hist: [60, 70, 8, 9] })
			})

			it('refuses an unknown key, also a nested one, naming it, and writes nothing', () => {
				write(filled)
				const before = snapshot(memory)
				expectThrow(() => write({ mass: 1, speed: 2 }), TypeError, `${where}: struct Body has no field "speed"; its fields are pos, vel, mass, kind, hist`)
				expectThrow(() => write({ mass: 1, pos: { x: 1, z: 2 } }), TypeError, `${where}.pos: struct Vec2 has no field "z"; its fields are x, y`)
				// as many keys as the value written before, one of them unknown
				expectThrow(() => write({ pos: filled.pos, vel: filled.vel, mass: 1, kind: 1, hits: [1] }), TypeError, `${where}: struct Body has no field "hits"; its fields are pos, vel, mass, kind, hist`)
				expectSameBytes(snapshot(memory), before)
			})

			it('refuses a bad value in the last field, also in an array element, leaving the fields before it as they were', () => {
				write(filled)
				const before = snapshot(memory)
				expectThrow(() => write({ pos: { x: 10, y: 20 }, mass: 50, kind: 2, hist: [1, 2, 3, 4n] }), TypeError, `${where}.hist[3]: value must be a number, received 4n`)
				expectThrow(() => write({ pos: { x: 10, y: 20 }, mass: 50, kind: 2, hist: [1, 2, 3, 4, 5] }), RangeError, `${where}.hist: 5 values given for an array of 4 elements`)
				expectThrow(() => write({ pos: { x: 10, y: Symbol('y') }, mass: 50 }), TypeError, `${where}.pos.y: value must be a number, received symbol`)
				expectSameBytes(snapshot(memory), before)
			})

			it('reads each property of the value once, its keys first in their order and then the fields they left out by name (a getter, a proxy), and writes what it read', () => {
				const log: string[] = []
				const address = write(loggedBody(log))
				expect(log).to.deep.equal(bodyTraps)
				expect(heap.readStruct(Body, address)).to.include({ mass: 5, kind: 2 })
				expect(heap.readStruct(Body, address).hist.slice(0, 2)).to.deep.equal([1, 2])
				expect(heap.readStruct(Body, address).pos.y).to.equal(4)
			})

			it('finds a field however the value holds it: keys in any order, not enumerable, inherited, a class getter; a key given as undefined is read once and not written', () => {
				write(filled)
				// keys in reverse declaration order, a nested one too
				const reversed = write({ hist: [16, 17], kind: 2, mass: 15, vel: { y: 14, x: 13 }, pos: { y: 12, x: 11 } })
				expect(heap.readStruct(Body, reversed)).to.deep.include({ pos: { x: 11, y: 12 }, vel: { x: 13, y: 14 }, mass: 15, kind: 2 })
				// a property that is not enumerable, one inherited (enumerable), a getter on a class: each counts as given;
				// an inherited key that is no field's is not the value's own, so not refused
				const hidden = Object.defineProperty({ pos: { x: 21 } }, 'mass', { value: 25, enumerable: false })
				const inherited = Object.assign(Object.create({ kind: 1, speed: 9 }) as object, { vel: { y: 24 } })
				class Heavy {
					get mass(): number {
						return 35
					}
				}
				let address = write(hidden)
				expect(heap.readStruct(Body, address)).to.deep.include({ mass: 25 })
				expect(heap.readStruct(Body, address).pos.x).to.equal(21)
				address = write(inherited)
				expect(heap.readStruct(Body, address)).to.deep.include({ kind: 1 })
				expect(heap.readStruct(Body, address).vel.y).to.equal(24)
				address = write(new Heavy())
				expect(heap.readStruct(Body, address).mass).to.equal(35)
				// a key given as undefined, as a getter: read once, the field left as it was
				write(filled)
				let reads = 0
				const address2 = write({
					get mass(): undefined {
						reads++
						return undefined
					},
					kind: 2,
				})
				expect(reads).to.equal(1)
				if (inPlace) expect(heap.readStruct(Body, address2)).to.deep.include({ mass: 5, kind: 2 })
			})

			it("converts a value once (its valueOf runs once) and propagates a getter's error, writing nothing", () => {
				write(filled)
				let calls = 0
				const mass = { valueOf: () => (calls++, 42) }
				write({ mass: mass as unknown as number, hist: [mass as unknown as number] })
				expect(calls).to.equal(2)
				const before = snapshot(memory)
				const failure = new Error('the getter failed')
				const value = {
					pos: { x: 11, y: 12 },
					get hist(): number[] {
						throw failure
					},
				}
				expect(() => write(value)).to.throw(failure)
				expectSameBytes(snapshot(memory), before)
			})
		})
	}

	it('reads every property of a value before it checks any: a getter that throws does so before a bad value, or an unknown key after it, is reported', () => {
		const S = defineStruct('ReadFirst', { flag: 'Bool', x: 'Int32' })
		const s = heap.allocStruct(S)
		const before = snapshot(memory)
		const failure = new Error('the getter failed')
		const throwing = {
			get x(): number {
				throw failure
			},
		}
		// a bad value before it (flag takes a boolean), an unknown key after it: the getter's error
		expect(() => heap.writeStruct(S, s.address, { flag: 1 } as never)).to.throw(TypeError, /^writeStruct\(ReadFirst\)\.flag: /)
		expect(() => heap.writeStruct(S, s.address, Object.defineProperties({ flag: 1 }, Object.getOwnPropertyDescriptors(throwing)) as never)).to.throw(failure)
		expect(() => heap.writeStruct(S, s.address, Object.defineProperties(Object.defineProperties({}, Object.getOwnPropertyDescriptors(throwing)), { bogus: { value: 1, enumerable: true } }) as never)).to.throw(failure)
		expectSameBytes(snapshot(memory), before)
	})

	it("a library call a getter makes inside a nested value, failing, throws its own error, not renamed to the outer value's path", () => {
		const Inner = defineStruct('ReenterInner', { a: 'Int32' })
		const Outer = defineStruct('ReenterOuter', { inner: Inner, xs: { array: 'Int32', length: 2 } })
		const outer = heap.allocStruct(Outer)
		const other = heap.allocStruct(Outer)
		let inner: unknown
		const value = {
			inner: {
				get a(): number {
					try {
						heap.writeStruct(Outer, other.address, { bogus: 1 } as never)
					} catch (error) {
						inner = error
						throw error
					}
					return 1
				},
			},
		}
		const thrown = caught(() => heap.writeStruct(Outer, outer.address, value as never))
		expect(thrown).to.equal(inner)
		expect(thrown.message).to.match(/^writeStruct\(ReenterOuter\): struct ReenterOuter has no field "bogus"/)
		// an element's valueOf, the same
		const element = {
			valueOf(): number {
				heap.writeStruct(Outer, other.address, { xs: [1, 2, 3] })
				return 1
			},
		}
		expectThrow(() => heap.writeStruct(Outer, outer.address, { xs: [1, element as never] }), RangeError, 'writeStruct(ReenterOuter).xs: 3 values given for an array of 2 elements')
	})

	it('an inherited enumerable key that is no field is not counted as a field given (a class getter after it is still read), and an inherited toString is not the field toString', () => {
		// as many keys as fields (a, and the inherited extra), b only on the class
		const AB = defineStruct('InheritedAB', { a: 'Int32', b: 'Int32' })
		const ab = heap.allocStruct(AB, { a: 1, b: 2 })
		class WithB {
			get b(): number {
				return 7
			}
		}
		const proto = Object.assign(Object.create(WithB.prototype) as object, { extra: 1 })
		heap.writeStruct(AB, ab.address, Object.assign(Object.create(proto) as object, { a: 5 }) as never)
		expect(heap.readStruct(AB, ab.address)).to.deep.equal({ a: 5, b: 7 })
		// toString inherited from a prototype of the value's own (enumerable there): not given
		const S = defineStruct('InheritedToString', { a: 'Int32', toString: 'Int32' })
		const s = heap.allocStruct(S, { a: 1, toString: 3 } as never)
		heap.writeStruct(S, s.address, Object.create({ toString: 9, a: 6 }) as never)
		expect(heap.readStruct(S, s.address)).to.deep.equal({ a: 6, toString: 3 })
	})

	it('names the path of a bad value through arrays of structs in structs', () => {
		const Poly = defineStruct('Poly', { pts: { array: Vec2, length: 3 } })
		const Scene = defineStruct('Scene', { polys: { array: Poly, length: 2 }, tag: 'BigInt64' })
		const scene = heap.allocStruct(Scene)
		const before = snapshot(memory)
		const pts = [{ x: 1 }, { y: 2 }, { x: 3, y: 1n as never }]
		expectThrow(() => heap.writeStruct(Scene, scene.address, { polys: [{}, { pts }] }), TypeError, 'writeStruct(Scene).polys[1].pts[2].y: value must be a number, received 1n')
		expectThrow(() => scene.write({ polys: [{ pts: [{}, { z: 1 } as never] }] }), TypeError, 'Scene.write.polys[0].pts[1]: struct Vec2 has no field "z"; its fields are x, y')
		expectThrow(() => scene.write({ tag: 1.5 as never }), TypeError, /^Scene\.write\.tag: /)
		expectThrow(() => heap.allocStructArray(Scene, [{}, { polys: [{ pts: 5 as never }] }]), TypeError, /^allocStructArray\(Scene\)\[1\]\.polys\[0\]\.pts: an array of 3 elements takes an array, received /)
		expectSameBytes(snapshot(memory), before)
	})

	it('refuses a ref of another struct for a pointer field, naming the field, and writes nothing', () => {
		const node = heap.allocStruct(Node, { v: 1 })
		const other = heap.allocStruct(Other, { v: 2 })
		const before = snapshot(memory)
		expectThrow(() => heap.writeStruct(Node, node.address, { v: 5, next: other as never }), TypeError, 'writeStruct(Node).next: a pointer to Node takes a ref of Node, received a ref of Other (pass its address to store it anyway, as a C cast would)')
		expectThrow(() => node.write({ v: 5, next: heap.allocInt32() as never }), TypeError, /^Node\.write\.next: a pointer to Node takes a ref of Node, received a ref of Int32Ref/)
		expectSameBytes(snapshot(memory), before)
	})

	describe("a pointer field's target refs, step by step in a walk", () => {
		/** The own properties of a ref (its fields as the library keeps them), to compare with wrapStruct's. */
		const own = (ref: object): [string, unknown][] => Object.getOwnPropertyNames(ref).map((name) => [name, (ref as Record<string, unknown>)[name]])

		it("gives wrapStruct's ref at each step: its class, fields, alignment, untracked and not freed; a new ref each time", () => {
			const nodes = heap.allocStructArray(Node, 4)
			for (let index = 0; index < 3; index++) nodes.at(index).next = nodes.at(index + 1)
			// twice over the list: the first step goes wrapStruct's way, the later ones may not
			for (let round = 0; round < 2; round++) {
				let steps = 0
				for (let node = nodes.at(0) as StructRef | null; node !== null; node = (node as unknown as { next: StructRef | null }).next) {
					steps++
					if (node.address === nodes.address) continue
					const wrapped = heap.wrapStruct(Node, node.address)
					expect(Object.getPrototypeOf(node)).to.equal(Object.getPrototypeOf(wrapped))
					expect(own(node)).to.deep.equal(own(wrapped))
					expect(node.isFreed).to.equal(false)
				}
				expect(steps).to.equal(4)
			}
			const first = nodes.at(0) as unknown as { next: StructRef }
			expect(first.next).not.to.equal(first.next)
			// untracked, as wrapStruct's: freeing the array frees its region once, and the targets are only borrowed
			const target = first.next
			nodes.free()
			expect(target.isFreed).to.equal(false)
		})

		it('refuses a target past the heap after steps that found theirs in it, naming the field', () => {
			const nodes = heap.allocStructArray(Node, 3)
			nodes.at(0).next = nodes.at(1)
			nodes.at(1).next = memory.buffer.byteLength - 4
			const first = nodes.at(0) as unknown as { next: { address: number; next: unknown } }
			for (let round = 0; round < 3; round++) expect(first.next.address).to.equal(nodes.address + 8)
			expectThrow(
				() => first.next.next,
				RangeError,
				`Node.next: the pointer holds ${memory.buffer.byteLength - 4}, where no ref to its target fits: wrapStruct: address ${memory.buffer.byteLength - 4} is out of range: an 8-byte access must end within the heap of ${memory.buffer.byteLength} bytes`,
			)
		})

		it('gives a generated class registered after earlier steps, from the next step on', () => {
			const Linked: StructType = defineStruct('Linked', { v: 'Int32', next: { pointer: (): StructType => Linked } })
			const LinkedRef = registrableClass(Linked)
			const nodes = heap.allocStructArray(Linked, 2)
			nodes.at(0).next = nodes.at(1)
			const first = nodes.at(0) as unknown as { next: StructRef }
			for (let round = 0; round < 3; round++) expect(first.next).not.to.be.instanceOf(LinkedRef)
			heap.wrapStruct(LinkedRef, nodes.address)
			expect(first.next).to.be.instanceOf(LinkedRef)
			expect(Object.getPrototypeOf(first.next)).to.equal(Object.getPrototypeOf(heap.wrapStruct(Linked, nodes.address + 8)))
		})
	})
})
