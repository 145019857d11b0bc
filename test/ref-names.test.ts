/**
 * Every member of every ref class names itself in its errors (`Int32Ref.value: ...`,
 * `Int32ArrayRef.readAt: ...`), on the slow paths too, where the manager's check fails and
 * its error used to name the manager's method (`readInt32: ...`): for every value, array,
 * string and string slice ref class of the descriptor tables, every public member (read
 * from the classes' source) under each trigger of test/support/refNameProbes.ts (the ref
 * freed; the memory grown under pollingMode 'never'; a heap source returning a detached
 * buffer; a misaligned wrap; a pointer53 stored past 2^53 - 1; a value the row refuses),
 * and a struct's numeric fields (get and set) under the first three.
 * Each error is checked for its class, code and the rest of its message (the manager's,
 * unchanged), and the heap for being unchanged. `scripts/ref-error-names.ts` lists the
 * misnamed ones.
 */
import { expect } from 'chai'
import { isExpectedError, probeCase, probeStructFields, probeStructMembers, refClassCases, triggers } from './support/refNameProbes.js'

describe('every ref member names itself in its errors, on every slow path', () => {
	for (const refCase of refClassCases) {
		describe(refCase.className, () => {
			for (const trigger of triggers.filter((candidate) => candidate.applies(refCase))) {
				it(`${trigger.name}: each member's error names the member, keeps its class, code and message, and changes nothing`, () => {
					const probes = probeCase(refCase, trigger)
					const thrown = probes.filter((probe) => probe.error !== undefined)
					expect(thrown.length, 'members that threw').to.be.greaterThan(0)
					const wrong = thrown
						.filter((probe) => !isExpectedError(probe.error, trigger, `${probe.className}.${probe.member}`) || !probe.unchanged)
						.map((probe) => `${probe.member} (${probe.how}): ${probe.unchanged ? '' : '[heap changed] '}${String((probe.error as Error).message ?? probe.error)}`)
					expect(wrong).to.deep.equal([])
				})
			}
		})
	}

	describe("a struct's numeric fields (one of each element row), on a struct ref and on a struct array's element", () => {
		for (const trigger of triggers.slice(0, 3)) {
			it(`${trigger.name}: each field's get and set name the field (S.Int32), keep class, code and message, and change nothing`, () => {
				const probes = probeStructFields(trigger)
				expect(probes.every((probe) => probe.error !== undefined), 'every access throws').to.equal(true)
				const wrong = probes
					.filter((probe) => !isExpectedError(probe.error, trigger, `S.${probe.member}`) || !probe.unchanged)
					.map((probe) => `${probe.member} (${probe.how}): ${probe.unchanged ? '' : '[heap changed] '}${String((probe.error as Error).message)}`)
				expect(wrong).to.deep.equal([])
			})
		}
	})

	describe("a struct's whole reads and writes, its fixed-array fields' members and a struct array's (S2.write, S2.a.readAt, S2ArrayRef.writeAt)", () => {
		for (const trigger of triggers.slice(1, 3)) {
			it(`${trigger.name}: each names the member (or, for a struct array's reads, the element's field), keeps class, code and message, and changes nothing`, () => {
				const probes = probeStructMembers(trigger)
				expect(probes.length).to.equal(4 + 2 * 5 + 4)
				expect(probes.every((probe) => probe.error !== undefined), 'every call throws').to.equal(true)
				const wrong = probes
					.filter((probe) => !isExpectedError(probe.error, trigger, probe.expected) || !probe.unchanged)
					.map((probe) => `${probe.className}.${probe.member}: ${probe.unchanged ? '' : '[heap changed] '}${String((probe.error as Error).message)}`)
				expect(wrong).to.deep.equal([])
			})
		}
	})

	it("probes every ref class's members that read or write the heap", () => {
		// The enumeration finds the members from the source: a sample of what it must find.
		const int32 = refClassCases.find((refCase) => refCase.className === 'Int32Ref')!
		const never = triggers.find((trigger) => trigger.name.includes("'never'"))!
		const members = probeCase(int32, never).filter((probe) => probe.error !== undefined).map((probe) => `${probe.member} (${probe.how})`)
		expect(members).to.include.members(['value (get)', 'value (set)', 'read (call)', 'write (call)', 'readAtomic (call)', 'clear (call)', 'allocatedBytesView (get)'])
		expect(refClassCases.map((refCase) => refCase.className)).to.include.members(['Pointer32Ref', 'Pointer64ArrayRef', 'Utf16StringRef', 'Utf8StringSliceRef', 'Float16ArrayRef'])
	})
})
