/**
 * A short seeded run of the fuzzing campaign (`npm run fuzz` runs long ones), and
 * proof that the campaign finds and shrinks a defect planted in the manager.
 */
import { expect } from 'chai'
import { createWasmHeapManager } from '../src/index.js'
import { replay, runCampaign, runEpisode, supportedKinds } from './fuzz/campaign.js'
import { heapKinds, unsupportedReason, type HeapKind } from './fuzz/environments.js'
import { defaultRunnerOptions, uncoveredMembers, type RunnerOptions } from './fuzz/runner.js'
import { groupByType, summary } from './fuzz/summary.js'

/**
 * The input classes and checks the short run leaves out, each for a defect that is
 * still open. Remove an entry when its defect is fixed.
 */
const openDefects: Partial<Record<keyof RunnerOptions, string>> = {}

const options: RunnerOptions = { ...defaultRunnerOptions, ...Object.fromEntries(Object.keys(openDefects).map((name) => [name, false])) }

/** Operations per heap kind: the heaps over 2 GiB run about ten times slower (every call is checked against the model). */
const opsPerKind = (kind: HeapKind): number => (kind === 'memory2GiB' || kind === 'arrayBuffer5GiB' ? 300 : 1200)

describe('fuzzing campaign (short seeded run; npm run fuzz runs long ones)', function () {
	this.timeout(120000)

	for (const kind of heapKinds) {
		const reason = unsupportedReason(kind)
		if (reason !== undefined) {
			// Said in the output, not silently left out.
			it.skip(`${kind}: not run, ${reason}`)
			continue
		}
		it(`${kind}: every call keeps the heap equal to the model, and every failing call leaves it untouched`, () => {
			const result = runCampaign({ seed: 1, ops: opsPerKind(kind), kinds: [kind], timeLimitMs: 5000, runner: options })
			expect(result.skippedKinds).to.deep.equal([])
			expect(result.stats.ops, 'operations run').to.be.greaterThan(50)
			expect(result.stats.badInputs, 'calls that had to throw').to.be.greaterThan(5)
			expect(result.findings, summary(result)).to.deep.equal([])
		})
	}

	it('exercises every area: slices, whole-heap views, scopes, waitAsync, read-modify-writes, structs, the built-in allocator', () => {
		const kinds = heapKinds.filter((kind) => kind !== 'memory2GiB' && kind !== 'arrayBuffer5GiB')
		const result = runCampaign({ seed: 4, ops: 6000, runner: options, kinds })
		expect(result.findings, summary(result)).to.deep.equal([])
		for (const kind of ['sliceRead', 'sliceWrite', 'sliceAlloc', 'sliceWrap', 'strlen', 'encodedLength', 'heapView', 'scope', 'withScope', 'waitAsync', 'notify', 'rmw', 'struct']) {
			expect(result.stats.byKind.get(kind) ?? 0, `${kind} operations`).to.be.greaterThan(10)
		}
		expect(result.episodesByKind.get('builtin') ?? 0, 'episodes on the built-in allocator').to.be.greaterThan(0)
		expect(result.episodesByKind.get('builtinBare') ?? 0, 'episodes on createWasmHeapManager(memory)').to.be.greaterThan(0)
		const members = result.stats.members
		for (const member of ['readUtf16StringSlice', 'allocUtf32StringSlice', 'encodedLengthOfUtf8String', 'lengthOfNullTerminatedAsciiString', 'heapDataView', 'heapFloat64', 'openScope', 'HeapScope.keep', 'HeapScope.close', 'withScope', 'waitInt32Async', 'compareExchangeUint8Atomic', 'allocStruct', 'writeStruct', 'readStruct', 'allocStructArray', 'StructRef.<field>', 'StructArrayRef.at']) {
			expect(members.has(member), `${member} was called`).to.equal(true)
		}
		expect([...members].some((member) => /^Utf8StringSliceRef\.(write|set value)$/.test(member)), 'a slice ref was written').to.equal(true)
		// The summaries: toJSON and util.inspect of the manager and of refs of every family, abi, report (debug episodes and others), checkLive.
		for (const member of ['WasmHeapManager.toJSON', 'WasmHeapManager.[nodejs.util.inspect.custom]', 'WasmHeapManager.abi', 'WasmHeapManager.report', 'StructRef.checkLive', 'StructRef.toJSON']) {
			expect(members.has(member), `${member} was called`).to.equal(true)
		}
		for (const family of [/^(Int|Uint|Float|BigInt|BigUint)\d+Ref$/, /^(?!Struct)\w+ArrayRef$/, /^\w+StringRef$/, /^\w+StringSliceRef$/]) {
			for (const summary of ['toJSON', '[nodejs.util.inspect.custom]']) {
				expect([...members].some((member) => member.endsWith(`.${summary}`) && family.test(member.slice(0, -summary.length - 1))), `${summary} of a ref of ${family}`).to.equal(true)
			}
		}
		expect(result.episodesByOption.get('debug: true') ?? 0, 'episodes in debug mode').to.be.greaterThan(0)
		expect(result.episodesByOption.get("abi: 'emscripten'") ?? 0, 'episodes with the Emscripten ABI').to.be.greaterThan(0)
		expect(result.episodesByOption.get("abi: 'wasm64'") ?? 0, 'episodes with the wasm64 ABI').to.be.greaterThan(0)
		for (const member of ['StructArrayRef.at(reuse)', 'StructRef.<record field>', 'StructRef.<array field>', 'StructRef.<abi-sized field>', 'StructRef.<self pointer field>']) expect(members.has(member), `${member} was called`).to.equal(true)
		expect([...members].some((member) => /^StructArrayRef\.(toJSON|\[nodejs\.util\.inspect\.custom\])$/.test(member)), 'a summary of a StructArrayRef').to.equal(true)
		expect(result.stats.byKind.get('summary') ?? 0, 'summary operations').to.be.greaterThan(30)
		// Every public member is exercised: a new member fails here until the fuzzer learns it.
		expect(groupByType(uncoveredMembers())).to.deep.equal([])
	})

	it('finds a defect planted in the manager and shrinks it to the calls that show it', () => {
		// A writeUint16 that also overwrites the next byte.
		const plant = (manager: any): void => {
			const original = manager.writeUint16
			manager.writeUint16 = function (this: unknown, address: number, value: number): void {
				original.call(this, address, value)
				if (typeof address === 'number' && address + 3 <= manager.heap.byteLength) manager.writeUint8(address + 2, 0xa5)
			}
		}
		const result = runCampaign({ seed: 5, ops: 4000, runner: options, plant, maxFindings: 1 })
		expect(result.findings).to.have.length(1)
		const finding = result.findings[0]!
		// Found through writeUint16 itself, a Uint16 ref's write, or a struct's Uint16 field, which call it.
		expect(finding.violation.signature).to.match(/^heap-differs-from-model in (writeUint16|Uint16(Array)?Ref\.(write|writeAt|value)|allocStruct|allocStructArray|writeStruct|StructRef\.(write|<(record |array |abi-sized |self pointer )?field>)|StructArrayRef\.writeAt)$/)
		expect(finding.ops.length).to.be.lessThan(4)
		expect(finding.reproducer).to.match(/heap\.writeUint16\(|\.write\(|\.writeAt\(|\.value = |Struct(Array)?\(S\d|\.f\d+ = /)
		// The reproducer's operations replay to the same defect.
		expect(replay(finding.config, finding.ops, options, plant)?.signature).to.equal(finding.violation.signature)
		expect(replay(finding.config, finding.ops, options)).to.equal(undefined)
	})

	it('finds an engine error escaping a method', () => {
		const plant = (manager: any): void => {
			const original = manager.readFloat32
			manager.readFloat32 = function (this: unknown, address: number): number {
				if (typeof address !== 'number') return new DataView(new ArrayBuffer(0)).getFloat32(0)
				return original.call(this, address)
			}
		}
		const result = runCampaign({ seed: 6, ops: 40000, runner: options, plant, maxFindings: 1 })
		expect(result.findings.map((finding) => finding.violation.signature)).to.deep.equal(['engine-error in readFloat32'])
	})

	it('finds a wrong result of an atomic read-modify-write', () => {
		// An xorBigInt64Atomic (which the refs' xorAtomic and xorAtomicAt call) that returns one more than the value held before.
		const plant = (manager: any): void => {
			const original = manager.xorBigInt64Atomic
			manager.xorBigInt64Atomic = function (this: unknown, address: number, value: bigint): unknown {
				const result = original.call(this, address, value)
				return typeof result === 'bigint' ? result + 1n : result
			}
		}
		const result = runCampaign({ seed: 7, ops: 40000, runner: options, plant, maxFindings: 1 })
		expect(result.findings).to.have.length(1)
		expect(result.findings[0]!.violation.signature).to.match(/^wrong-result in (xorBigInt64Atomic|BigInt64(Array)?Ref\.xorAtomic(At)?)$/)
		expect(result.findings[0]!.ops.length).to.be.lessThan(4)
	})

	/** Runs a campaign with a planted defect, on `kinds`, until it is found; the finding's signature and its shrunk length. */
	const findPlanted = (seed: number, plant: (manager: any) => void, kinds?: HeapKind[], ops = 20000) => {
		const result = runCampaign({ seed, ops, runner: options, plant, maxFindings: 1, ...(kinds === undefined ? {} : { kinds }) })
		expect(result.findings, summary(result)).to.have.length(1)
		const finding = result.findings[0]!
		// The shrunk reproducer replays to the same defect, and to none without the plant.
		expect(replay(finding.config, finding.ops, options, plant)?.signature).to.equal(finding.violation.signature)
		expect(replay(finding.config, finding.ops, options)).to.equal(undefined)
		return finding
	}

	it('finds a string slice read one element short, through the manager or a slice ref', () => {
		const finding = findPlanted(11, (manager) => {
			const original = manager.readUtf8StringSlice
			manager.readUtf8StringSlice = function (this: unknown, address: number, count: number): unknown {
				return original.call(this, address, typeof count === 'number' && count > 0 ? count - 1 : count)
			}
		})
		expect(finding.violation.signature).to.match(/^wrong-result in (readUtf8StringSlice|Utf8StringSliceRef\.(read|value))$/)
		expect(finding.ops.length).to.be.lessThan(4)
	})

	it('finds a whole-heap view that does not follow growth', () => {
		const finding = findPlanted(12, (manager) => {
			let first: unknown
			Object.defineProperty(manager, 'heapFloat64', { get: () => (first ??= new Float64Array(manager.heap)) })
		}, ['memory', 'sharedMemory', 'resizable'])
		expect(finding.violation.signature).to.match(/^(stale|wrong)-view in heapFloat64$/)
		expect(finding.ops.length).to.be.lessThan(4)
	})

	it('finds a withScope that frees nothing, and a scope whose close frees nothing', () => {
		const finding = findPlanted(13, (manager) => {
			manager.withScope = (fn: () => unknown) => fn()
		})
		// Its refs stay live (or a promise fn returns is not refused, the scope having been skipped).
		expect(finding.violation.signature).to.match(/^(isFreed-wrong|wrong-deallocations|missing-throw) in withScope$/)
		expect(finding.ops.length).to.equal(1)
		// A keep() that returns the ref but leaves it in the scope: closing frees it.
		const keeping = findPlanted(14, (manager) => {
			const open = manager.openScope
			manager.openScope = function (this: unknown): unknown {
				const scope = open.call(this)
				const keep = scope.keep
				scope.keep = function (this: unknown, ref: { scope?: unknown } | null): unknown {
					if (typeof ref === 'object' && ref !== null && ref.scope === scope) return ref
					return keep.call(this, ref)
				}
				return scope
			}
		})
		expect(keeping.violation.signature).to.match(/^(wrong-deallocations|isFreed-wrong) in HeapScope\.close$/)
		expect(keeping.ops.length).to.be.lessThan(6)
	})

	it('finds a wait<T>Async that resolves with the wrong result, and a notify that wakes nobody', () => {
		const finding = findPlanted(25, (manager) => {
			const original = manager.waitInt32Async
			manager.waitInt32Async = function (this: unknown, ...args: unknown[]): unknown {
				const promise = original.apply(this, args)
				return promise.then(() => 'ok')
			}
		}, ['sharedMemory', 'growableShared'])
		expect(finding.violation.signature).to.equal('wrong-result in waitInt32Async')
		expect(finding.ops.length, finding.reproducer).to.be.lessThan(3)
		expect(finding.ops.length).to.be.lessThan(3)
		// And a notify that wakes nobody: found once a wait<T>Async waits at its address.
		const notifying = findPlanted(19, (manager) => {
			const original = manager.notify
			manager.notify = function (this: unknown, ...args: unknown[]): unknown {
				original.apply(this, args)
				return 0
			}
		}, ['sharedMemory', 'growableShared'])
		expect(notifying.violation.signature).to.equal('wrong-result in notify')
		expect(notifying.reproducer, notifying.reproducer).to.match(/wait(Int32|Uint32|BigInt64|BigUint64|Pointer32|Pointer64)Async\([^)]*600000\)/)
		expect(notifying.ops.length, notifying.reproducer).to.be.lessThan(4)
	})

	it('finds a write into the built-in allocator\'s block header through its check()', () => {
		const finding = findPlanted(16, (manager) => {
			const original = manager.allocUint8Array
			manager.allocUint8Array = function (this: unknown, ...args: unknown[]): unknown {
				const ref = original.apply(this, args)
				// The last byte of the 8-byte header in front of the block.
				const bytes = new Uint8Array(manager.heap)
				bytes[ref.address - 1] = bytes[ref.address - 1]! ^ 0x40
				return ref
			}
		}, ['builtin', 'builtinBare'])
		expect(finding.violation.signature).to.equal('allocator-corrupt in allocUint8Array')
		expect(finding.ops.length).to.equal(1)
	})

	it('finds a struct field written one byte past its offset, and shrinks it to the calls that show it', () => {
		// The manager's writeUint16 as the struct codecs call it (writeStruct, allocStruct's init, ref.write(), writeAt):
		// one byte too far. Direct writeUint16 calls are left alone.
		const finding = findPlanted(17, (manager) => {
			const original = manager.writeUint16
			manager.writeUint16 = function (this: unknown, address: number, value: number): unknown {
				const fromStruct = /structs[\\/]codecs\.ts/.test(new Error().stack ?? '')
				return original.call(this, fromStruct ? address + 1 : address, value)
			}
		}, undefined, 60000)
		expect(finding.violation.signature).to.match(/^(heap-differs-from-model|heap-changed-by-failed-call|unexpected-throw) in (writeStruct|allocStruct|allocStructArray|StructRef\.(write|<(record |array |abi-sized |self pointer )?field>)|StructArrayRef\.writeAt)$/)
		expect(finding.ops.length).to.be.lessThan(4)
		expect(finding.reproducer).to.match(/defineStruct\('S\d', \{/)
	})

	it('finds a manager summary that writes to the heap, and a report() that does not throw without debug mode', () => {
		const writing = findPlanted(19, (manager) => {
			const original = manager.toJSON
			manager.toJSON = function (this: unknown): unknown {
				const bytes = new Uint8Array(manager.heap)
				bytes[16] = bytes[16]! ^ 1
				return original.call(this)
			}
		})
		expect(writing.violation.signature).to.equal('heap-differs-from-model in WasmHeapManager.toJSON')
		expect(writing.ops.length).to.equal(1)
		const reporting = findPlanted(20, (manager) => {
			manager.report = () => ({ count: 0, byteSize: 0, sites: [], table: '0 live refs' })
		})
		expect(reporting.violation.signature).to.match(/^(missing-throw|wrong-result|wrong-tracking) in WasmHeapManager\.report$/)
		expect(reporting.ops.length).to.be.lessThan(4)
	})

	it('finds a manager whose abi is not the one it was created with', () => {
		const finding = findPlanted(26, (manager) => {
			Object.defineProperty(manager, 'abi', { get: () => 'wasm32' })
		})
		expect(finding.violation.signature).to.equal('wrong-result in WasmHeapManager.abi')
		expect(finding.reproducer).to.match(/abi: 'emscripten'/)
		expect(finding.ops.length).to.equal(1)
	})

	it('finds a freed struct ref whose checkLive does not throw', () => {
		const finding = findPlanted(21, (manager) => {
			const original = manager.allocStruct
			manager.allocStruct = function (this: unknown, ...args: unknown[]): unknown {
				const ref = original.apply(this, args)
				// Only as the fuzzer calls it (the ref's own members call it with their names).
				const checkLive = ref.checkLive
				ref.checkLive = function (this: unknown, member: unknown): unknown {
					return /runner\.ts/.test(new Error().stack?.split('\n')[2] ?? '') ? undefined : checkLive.call(this, member)
				}
				return ref
			}
		}, undefined, 40000)
		expect(finding.violation.signature).to.equal('missing-throw in StructRef.checkLive')
		// An allocation, its free (perhaps through a scope), the checkLive.
		expect(finding.ops.length).to.be.lessThan(8)
	})

	it('finds a StructArrayRef.at(index, reuse) that ignores reuse', () => {
		const finding = findPlanted(22, (manager) => {
			const original = manager.allocStructArray
			manager.allocStructArray = function (this: unknown, ...args: unknown[]): unknown {
				const ref = original.apply(this, args)
				const at = ref.at
				ref.at = function (this: unknown, index: unknown): unknown {
					return at.call(this, index)
				}
				return ref
			}
		}, undefined, 40000)
		expect(finding.violation.signature).to.match(/^(wrong-ref|missing-throw) in StructArrayRef\.at\(reuse\)$/)
		expect(finding.ops.length).to.be.lessThan(4)
	})

	it("models an array allocated from a heap view of its own type as a byte copy (a NaN's payload kept), as the manager makes it", () => {
		// Campaign seed 20261205, episode 404: the model decoded and re-encoded each Float64, turning
		// a NaN with payload 0xfff0... into 0xfff8...; the manager copies the bytes.
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 })
		let next = 1024
		const heap = createWasmHeapManager(() => memory.buffer, (size: number) => ((next += 64), next - 64), () => undefined)
		const bytes = new Uint8Array(memory.buffer)
		bytes.set([1, 2, 3, 4, 5, 6, 0xf0, 0xff], 40)
		const ref = heap.allocFloat64Array(new Float64Array(memory.buffer, 40, 1))
		expect([...new Uint8Array(memory.buffer, ref.address, 8)]).to.deep.equal([1, 2, 3, 4, 5, 6, 0xf0, 0xff])
		const { kinds } = supportedKinds()
		const episode = runEpisode(20261205, 404, kinds, 500, options)
		expect(episode.violation).to.equal(undefined)
		expect(replay(episode.config, episode.ops.filter((op) => [12, 18, 41].includes(op.index)), options)).to.equal(undefined)
	})

	it('replays an episode exactly from its seed', () => {
		const { kinds } = supportedKinds()
		const first = runEpisode(9, 3, kinds, 200, options)
		const second = runEpisode(9, 3, kinds, 200, options)
		expect(second.config).to.deep.equal(first.config)
		expect(second.ops.map((op) => [op.kind, op.member, op.args.length])).to.deep.equal(first.ops.map((op) => [op.kind, op.member, op.args.length]))
	})
})
