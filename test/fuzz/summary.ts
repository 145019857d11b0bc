/** The closing report of a campaign: what ran, what was tried, and each defect with its reproducer. */
import type { CampaignResult } from './campaign.js'
import { elementTypes, encodings } from './catalog.js'
import { uncoveredMembers } from './runner.js'

/** Type names, longest first, so that `BigUint64` is replaced before `Uint64`. */
const typeNames = [...elementTypes.map((type) => type.name), ...encodings.map((encoding) => encoding.name)].sort((a, b) => b.length - a.length)
const typePattern = new RegExp(typeNames.join('|'), 'g')

/** Member names with the type replaced by `<T>`, each with how many types it stands for: `addInt8Atomic, addInt16Atomic` → `add<T>Atomic ×2`. */
export function groupByType(names: readonly string[]): string[] {
	const groups = new Map<string, number>()
	for (const name of names) {
		const key = name.replace(typePattern, '<T>')
		groups.set(key, (groups.get(key) ?? 0) + 1)
	}
	return [...groups].map(([key, count]) => (count > 1 ? `${key} ×${count}` : key))
}

export function summary(result: CampaignResult): string {
	const { stats } = result
	const lines = [
		`seed ${result.seed}: ${stats.ops} operations in ${result.episodes} episodes, ${(result.elapsedMs / 1000).toFixed(1)} s`,
		`  heaps: ${[...result.episodesByKind].map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
		`  episodes with options: ${[...result.episodesByOption].map(([option, count]) => `${option} ${count}`).join(', ') || 'none'}`,
		...result.skippedKinds.map((reason) => `  skipped ${reason}`),
		`  calls that had to throw (bad arguments or faults): ${stats.badInputs}; calls with odd arguments (objects, symbols, bigints, null, ...): ${stats.oddArguments}`,
		`  allocator/deallocator faults injected: ${stats.faults}; growth behind the manager's back: ${stats.growthOutside}; calls during which the heap grew: ${stats.growthInsideCalls}`,
		`  calls that threw: ${stats.threw}; skipped operations (their ref was never made): ${stats.skipped}`,
		`  operations by kind: ${[...stats.byKind].sort((a, b) => b[1] - a[1]).map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
		`  operations by heap: ${[...result.opsByHeap].sort((a, b) => b[1] - a[1]).map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
		`  distinct members exercised: ${stats.members.size}`,
	]
	const uncovered = uncoveredMembers()
	if (uncovered.length > 0) lines.push(`  public members no operation exercises (teach test/fuzz/runner.ts): ${groupByType(uncovered).join(', ')}`)
	if (result.findings.length === 0) {
		lines.push('  no defects found')
	} else {
		lines.push(`  ${result.findings.length} distinct defect(s):`)
		for (const finding of result.findings) {
			lines.push('', `[${finding.violation.signature}] hit ${finding.hits}×, shrunk from ${finding.originalLength} to ${finding.ops.length} operations`, finding.reproducer)
		}
	}
	return lines.join('\n')
}

