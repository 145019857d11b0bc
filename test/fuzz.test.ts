/**
 * A short seeded run of the fuzzing campaign (`npm run fuzz` runs long ones), and
 * proof that the campaign finds and shrinks a defect planted in the manager.
 */
import { expect } from 'chai'
import { replay, runCampaign, runEpisode, supportedKinds } from './fuzz/campaign.js'
import { heapKinds, unsupportedReason, type HeapKind } from './fuzz/environments.js'
import { defaultRunnerOptions, type RunnerOptions } from './fuzz/runner.js'
import { summary } from './fuzz/summary.js'

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
		// Found through writeUint16 itself or a Uint16 ref's write, which calls it.
		expect(finding.violation.signature).to.match(/^heap-differs-from-model in (writeUint16|Uint16(Array)?Ref\.(write|writeAt|value))$/)
		expect(finding.ops.length).to.be.lessThan(4)
		expect(finding.reproducer).to.match(/heap\.writeUint16\(|\.write\(|\.writeAt\(|\.value = /)
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
		const result = runCampaign({ seed: 6, ops: 8000, runner: options, plant, maxFindings: 1 })
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
		const result = runCampaign({ seed: 7, ops: 8000, runner: options, plant, maxFindings: 1 })
		expect(result.findings).to.have.length(1)
		expect(result.findings[0]!.violation.signature).to.match(/^wrong-result in (xorBigInt64Atomic|BigInt64(Array)?Ref\.xorAtomic(At)?)$/)
		expect(result.findings[0]!.ops.length).to.be.lessThan(4)
	})

	it('replays an episode exactly from its seed', () => {
		const { kinds } = supportedKinds()
		const first = runEpisode(9, 3, kinds, 200, options)
		const second = runEpisode(9, 3, kinds, 200, options)
		expect(second.config).to.deep.equal(first.config)
		expect(second.ops.map((op) => [op.kind, op.member, op.args.length])).to.deep.equal(first.ops.map((op) => [op.kind, op.member, op.args.length]))
	})
})
