/**
 * The closing note on a missed goal: by how much (from the data) and why (from what the
 * library does on that path, matched by case name). Used by run.ts and benchmarks-md.ts.
 * The reasons describe the code paths, so they hold as numbers move; when a code path
 * changes, change its reason here.
 */
import type { CaseResult } from './harness.js'

interface Reason {
	readonly suite: string
	readonly baseline?: string
	readonly name: RegExp
	readonly why: string
}

const reasons: Reason[] = [
	// ---- numeric access -------------------------------------------------------------
	{
		suite: 'numeric|access',
		baseline: 'raw',
		name: /^(read|write)(Int8|Uint8)$/,
		why:
			'raw is a plain typed-array index (`HEAPU8[a]`), the cheapest access V8 has; the method adds the bounds check ' +
			'(`address >= 0 && address <= length - size && Number.isInteger(address)`, against the live length of a cached view) ' +
			'and loads the manager\'s view object, about 2 ns per call, which is as much again as the access itself',
	},
	{
		suite: 'numeric|access',
		baseline: 'raw',
		name: /^(read|write)[A-Za-z0-9]+$/,
		why:
			'the same DataView access as raw plus the bounds check and two dependent loads (the manager\'s view object, then ' +
			'its view and length), about 2 ns per call; raw does no check of its own beyond V8\'s. The bare access costs ' +
			'1.5-2 ns here, so the check alone halves throughput',
	},
	{
		suite: 'numeric|access',
		baseline: 'raw',
		name: /Ref\.value|Ref value|ArrayRef\.|Ref\.read/,
		why:
			'a ref access loads the ref, its manager, the manager\'s views and the ref\'s `liveEnd` (which doubles as the ' +
			'freed flag) before the access: four dependent loads and a compare that the raw loop, an index into a typed ' +
			'array, does not do. At under 1 ns per raw access that fixed cost dominates',
	},
	// ---- strings ------------------------------------------------------------------------
	{
		suite: 'strings',
		baseline: 'emscripten',
		name: / (5|6|8) B/,
		why:
			'at 5-8 bytes the fixed cost per call is the whole time: the method validates the address, alignment and room, ' +
			'polls for a replaced heap and checks for U+0000 (or non-ASCII) before writing; Emscripten\'s helper checks nothing',
	},
	{
		suite: 'strings',
		name: /^UTF-32 write/,
		why:
			'a write walks the string three times: `indexOf("\\0")`, a pass counting code points (so the room check comes ' +
			'before anything is written) and the encoding pass; raw and `stringToUTF32` walk it once, without validating',
	},
	{
		suite: 'strings',
		baseline: 'raw',
		name: /^ASCII write/,
		why:
			'the write validates first with `value.search(/[^\\x01-\\x7f]/)` (a character above U+007F or a U+0000 must throw ' +
			'before anything is written); V8\'s regex scan costs several times what `encodeInto` itself does. Raw writes ' +
			'without validating',
	},
	{
		suite: 'strings',
		baseline: 'raw',
		name: /^UTF-8 write/,
		why:
			'the write searches for U+0000 (`indexOf`) before `encodeInto`, and with an exact room that might not fit it ' +
			'measures or backs up first, so that a string that does not fit leaves memory untouched; raw `encodeInto` ' +
			'truncates silently',
	},
	{
		suite: 'strings',
		name: / read /,
		why:
			'the read finds the terminator within the heap\'s bounds, then decodes; for ASCII it decodes with TextDecoder and ' +
			'checks that no byte was above 0x7F (they read as Latin-1), for UTF-16 that no U+FFFD appeared (lone surrogates ' +
			'must round-trip), each an extra pass over the result',
	},
	// ---- allocation -------------------------------------------------------------------
	{
		suite: 'allocation',
		baseline: 'raw',
		name: /^allocInt32/,
		why:
			'besides `_malloc` and `_free` (about 10 ns together), `allocInt32()` + `free()` validates the address returned, ' +
			'zeroes the region, constructs the ref, and records it in and removes it from the allocation table (a `Map`): ' +
			'JavaScript object work that costs several times a wasm `malloc` of 4 bytes',
	},
	{
		suite: 'tracking',
		name: /live vs fewer/,
		why:
			'`free(address)` is one `Map` lookup whatever the count, but with 100,000 live refs the table (and the refs it ' +
			'points to) no longer fits in the CPU caches, so each lookup misses; the bare `_free`/`_malloc` on as many ' +
			'blocks slows down for the same reason (see its rows)',
	},
]

function percent(value: number): string {
	return `${Math.round(value * 100)}%`
}

/** How far a ratio falls short of its goal, e.g. `0.45x vs raw, goal 0.5x: 10% short`. */
export function shortfall(result: CaseResult, baseline: string): string {
	const ratio = result.ratios[baseline]!
	const goal = result.goals[baseline]!
	return `${ratio.toFixed(2)}x vs ${baseline}, goal ${goal}x: ${percent(1 - ratio / goal)} short (needs ${(goal / ratio).toFixed(2)}x the speed)`
}

/** Why the library is slower than a baseline on a case, if a reason is known. */
export function reasonFor(result: CaseResult, baseline: string): string | undefined {
	return reasons.find(
		(reason) =>
			new RegExp(`^(${reason.suite})$`).test(result.suite) &&
			(reason.baseline === undefined || reason.baseline === baseline) &&
			reason.name.test(result.name),
	)?.why
}

/** One line for a missed goal: the case, the shortfall and the reason. */
export function describeMiss(result: CaseResult, baseline: string): string {
	const why = reasonFor(result, baseline)
	return `${result.suite} / ${result.name}: ${shortfall(result, baseline)}${why === undefined ? '' : ` — ${why}`}`
}
