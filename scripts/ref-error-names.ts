/**
 * Lists the errors of ref members that do not name the member: every public member of every
 * ref class (from the descriptor tables), and a struct's numeric fields, × each slow-path trigger of
 * test/support/refNameProbes.ts, printing `Class.member (get|set|call) [trigger]: message`
 * for each error whose message does not start with `Class.member: `, and each failing call
 * that changed the ref's bytes. Exits 1 if there is any. Run: `npx tsx scripts/ref-error-names.ts`.
 */
import { namesItsMember, probeAll, probeStructFields, triggers } from '../test/support/refNameProbes.js'

// every ref class's members, and a struct's numeric fields (get, set) under the first three triggers
const probes = [...probeAll(), ...triggers.slice(0, 3).flatMap((trigger) => probeStructFields(trigger))]
const thrown = probes.filter((probe) => probe.error !== undefined)
const misnamed = thrown.filter((probe) => !namesItsMember(probe))
const changed = thrown.filter((probe) => !probe.unchanged)
for (const probe of misnamed) {
	const message = probe.error instanceof Error ? `${probe.error.constructor.name}: ${probe.error.message}` : String(probe.error)
	console.log(`${probe.className}.${probe.member} (${probe.how}) [${probe.trigger}]: ${message}`)
}
for (const probe of changed) console.log(`${probe.className}.${probe.member} (${probe.how}) [${probe.trigger}]: the failing call changed the heap`)
console.log(`${probes.length} calls, ${thrown.length} threw, ${misnamed.length} did not name the member, ${changed.length} changed the heap`)
process.exitCode = misnamed.length + changed.length > 0 ? 1 : 0
