/**
 * A small benchmark harness: every case runs the library beside its baselines in the
 * same process, interleaved round by round (so machine noise hits all alike), and
 * reports the median of the rounds as throughput and as ratios library/baseline
 * (above 1 means the library is faster). Nothing here asserts timing: goals are
 * printed and recorded, never enforced by tests.
 */
import { environment, nowNs } from './runtime.js'

/** One timed operation batch: performs `operations` operations and returns something to keep alive. */
export type Batch = () => unknown

export interface BenchCase {
	readonly suite: string
	readonly name: string
	/** Operations one call of each batch performs. */
	readonly operations: number
	readonly library: Batch
	/** Baselines by name, e.g. `raw`, `emscripten`. */
	readonly baselines: Readonly<Record<string, Batch>>
	/** Goals as minimum ratios library/baseline, by baseline name. */
	readonly goals?: Readonly<Record<string, number>>
	/**
	 * Goals as "the library takes at most the baseline's time plus this many nanoseconds
	 * per operation", by baseline name. Each becomes a ratio goal once the baseline is
	 * measured (`baseline / (baseline + ns)`, rounded up to two decimals), so it is
	 * reported like any other goal.
	 */
	readonly goalsWithinNs?: Readonly<Record<string, number>>
	/** Bytes one operation reads or writes (strings): the table then shows throughput in bytes per second. */
	readonly bytesPerOperation?: number
	/**
	 * Untimed set-up before every call of a variant's batch (warm-up and timed rounds
	 * alike), by variant name (`library` or a baseline's). A case with any `prepare`
	 * never repeats its batches: each call must take long enough to time on its own
	 * (e.g. `freeAll()` of refs that `prepare` allocated).
	 */
	readonly prepare?: Readonly<Record<string, () => void>>
}

export interface CaseResult {
	readonly suite: string
	readonly name: string
	/** Median nanoseconds per operation, by variant (`library` and each baseline). */
	readonly nsPerOperation: Record<string, number>
	/** library speed / baseline speed, by baseline. */
	readonly ratios: Record<string, number>
	readonly goals: Record<string, number>
	/** Baselines whose goal was missed. */
	readonly missed: string[]
	/** Operations per timed batch call (after repetition) and the rounds' count, for the record. */
	readonly operationsPerSample: number
	readonly rounds: number
	readonly bytesPerOperation?: number
	/** The kind of memory the case ran on, where a run measures more than one (`npm run bench:browser`). */
	readonly memory?: 'plain' | 'shared'
}

let sink: unknown
/** Keeps a value alive so the JIT cannot drop the work that produced it. */
export function keep(value: unknown): void {
	sink = value
}

/** The last value kept (read by the results writer, so that the sink is observable). */
export function lastKept(): unknown {
	return sink
}

function timeBatch(batch: Batch): number {
	const start = nowNs()
	keep(batch())
	return nowNs() - start
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b)
	return sorted[Math.floor(sorted.length / 2)]!
}

export interface RunOptions {
	readonly rounds: number
	readonly warmupRounds: number
	/** Minimum nanoseconds per timed batch: batches are repeated until each variant takes this long. */
	readonly minimumBatchNs: number
	/** Nanoseconds of running the repeated batches in turn, untimed, before the timed rounds (0: none; a case with `prepare` is not settled). */
	readonly settleNs?: number
}

export const defaultRunOptions: RunOptions = {
	rounds: Number(environment('BENCH_ROUNDS') ?? 25),
	warmupRounds: Number(environment('BENCH_WARMUP_ROUNDS') ?? 15),
	// BENCH_BATCH_NS: shorter batches when the machine is shared: a batch that a busy
	// scheduler interrupts is an outlier the median drops, and short batches are
	// interrupted less often (a long one is nearly always, on an oversubscribed machine).
	minimumBatchNs: Number(environment('BENCH_BATCH_NS') ?? 2_000_000),
	// BENCH_SETTLE_NS: the settling before the timed rounds (see runCase).
	settleNs: Number(environment('BENCH_SETTLE_NS') ?? 150_000_000),
}

/** Runs one case: warm-up, calibration, then interleaved timed rounds. */
export function runCase(benchCase: BenchCase, options: RunOptions = defaultRunOptions): CaseResult {
	const prepare = benchCase.prepare
	const variants: [string, Batch][] = [['library', benchCase.library], ...Object.entries(benchCase.baselines)]
	for (let round = 0; round < options.warmupRounds; round++) {
		for (const [name, batch] of variants) {
			prepare?.[name]?.()
			keep(batch())
		}
	}

	// Repeat each batch so that one timing covers at least minimumBatchNs of the slowest variant.
	let repeats = 1
	const slowest = Math.max(
		...variants.map(([name, batch]) => {
			prepare?.[name]?.()
			const once = timeBatch(batch)
			if (once > 0 || prepare !== undefined) return once
			// Below the clock's step (5 µs for `performance.now()` in a cross-origin-isolated
			// page): time more calls at once until the clock moves.
			for (let calls = 2; calls <= 1 << 20; calls *= 2) {
				const elapsed = timeBatch(() => {
					let last: unknown
					for (let i = 0; i < calls; i++) last = batch()
					return last
				})
				if (elapsed > 0) return elapsed / calls
			}
			return 1
		}),
	)
	if (prepare === undefined && slowest < options.minimumBatchNs) repeats = Math.ceil(options.minimumBatchNs / Math.max(slowest, 1))
	const repeated = variants.map(([name, batch]): [string, Batch] => [
		name,
		repeats === 1
			? batch
			: () => {
					let last: unknown
					for (let i = 0; i < repeats; i++) last = batch()
					return last
				},
	])

	// Settling: the batches as they will be timed, in turn, for at least settleNs. V8 compiles a
	// loop that got hot during the warm-up on its concurrent thread, and the loop runs its
	// baseline code until that job completes; on a busy machine the job took up to 31 ms of
	// compiling and completed in round 18 of 25, so that variant's median was its baseline
	// speed (readStruct at 47 ns instead of 17: bench/notes.ts).
	const settleNs = options.settleNs ?? 0
	if (prepare === undefined && settleNs > 0) {
		const settleStart = nowNs()
		while (nowNs() - settleStart < settleNs) for (const [, batch] of repeated) keep(batch())
	}

	const times = new Map<string, number[]>(variants.map(([name]) => [name, []]))
	for (let round = 0; round < options.rounds; round++) {
		// Rotate the order every round so no variant always runs first.
		for (let offset = 0; offset < repeated.length; offset++) {
			const [name, batch] = repeated[(round + offset) % repeated.length]!
			prepare?.[name]?.()
			times.get(name)!.push(timeBatch(batch))
		}
	}

	const nsPerOperation: Record<string, number> = {}
	for (const [name, samples] of times) nsPerOperation[name] = median(samples) / (repeats * benchCase.operations)
	// A variant whose median batch ran within one step of a coarse clock (5 µs for
	// `performance.now()` in a browser; batches calibrated on code not yet optimised, as
	// with few warm-up rounds) is timed again alone, with more calls per batch, until the clock moves.
	for (const [name, batch] of repeated) {
		for (let factor = 2; nsPerOperation[name] === 0 && prepare === undefined && factor <= 1 << 16; factor *= 2) {
			const samples = Array.from({ length: options.rounds }, () =>
				timeBatch(() => {
					let last: unknown
					for (let i = 0; i < factor; i++) last = batch()
					return last
				}),
			)
			nsPerOperation[name] = median(samples) / (factor * repeats * benchCase.operations)
		}
	}
	const ratios: Record<string, number> = {}
	for (const name of Object.keys(benchCase.baselines)) ratios[name] = nsPerOperation[name]! / nsPerOperation.library!
	// Goals against a baseline the case does not have (e.g. `emscripten` on a shared heap) are dropped.
	const goals = Object.fromEntries(Object.entries(benchCase.goals ?? {}).filter(([name]) => benchCase.baselines[name] !== undefined))
	for (const [name, extraNs] of Object.entries(benchCase.goalsWithinNs ?? {})) {
		if (benchCase.baselines[name] === undefined) continue
		const baselineNs = nsPerOperation[name]!
		goals[name] = Math.ceil((100 * baselineNs) / (baselineNs + extraNs)) / 100
	}
	const missed = Object.entries(goals)
		.filter(([name, goal]) => !(ratios[name]! >= goal))
		.map(([name]) => name)
	return {
		suite: benchCase.suite,
		name: benchCase.name,
		nsPerOperation,
		ratios,
		goals,
		missed,
		operationsPerSample: repeats * benchCase.operations,
		rounds: options.rounds,
		...(benchCase.bytesPerOperation === undefined ? {} : { bytesPerOperation: benchCase.bytesPerOperation }),
	}
}

export function formatNs(ns: number): string {
	return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(1)} ns`
}

/** Throughput of one variant: bytes per second for cases that move bytes, operations per second otherwise. */
export function formatThroughput(nsPerOperation: number, bytesPerOperation?: number): string {
	if (bytesPerOperation !== undefined) {
		const bytesPerSecond = (bytesPerOperation * 1e9) / nsPerOperation
		return bytesPerSecond >= 1e9 ? `${(bytesPerSecond / 1e9).toFixed(2)} GB/s` : `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`
	}
	const perSecond = 1e9 / nsPerOperation
	return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(1)} M/s` : `${(perSecond / 1e3).toFixed(1)} k/s`
}

/** A ratio with two decimals, or two significant digits below 0.1 (so 0.004x does not print as 0.00x). */
export function formatRatio(ratio: number): string {
	return `${ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2)}x`
}

/** Runs the cases, printing one table row per case as it completes. */
export function runSuite(title: string, cases: readonly BenchCase[], baselineNames: readonly string[], options: RunOptions = defaultRunOptions): CaseResult[] {
	console.log(`\n${title}`)
	const nameWidth = Math.max(34, ...cases.map((benchCase) => benchCase.name.length))
	const header = ['case'.padEnd(nameWidth), 'library'.padStart(11), 'throughput'.padStart(11), ...baselineNames.map((name) => name.padStart(11)), ...baselineNames.map((name) => `vs ${name}`.padStart(14))]
	console.log(header.join(' '))
	const results: CaseResult[] = []
	for (const benchCase of cases) {
		const result = runCase(benchCase, options)
		results.push(result)
		const cells = [
			result.name.padEnd(nameWidth),
			formatNs(result.nsPerOperation.library!).padStart(11),
			formatThroughput(result.nsPerOperation.library!, result.bytesPerOperation).padStart(11),
			...baselineNames.map((name) => (result.nsPerOperation[name] === undefined ? '—' : formatNs(result.nsPerOperation[name]!)).padStart(11)),
			...baselineNames.map((name) => {
				const ratio = result.ratios[name]
				if (ratio === undefined) return '—'.padStart(14)
				const goal = result.goals[name]
				const mark = goal === undefined ? '' : ratio >= goal ? ` ≥${goal}` : ` <${goal}!`
				return `${formatRatio(ratio)}${mark}`.padStart(14)
			}),
		]
		console.log(cells.join(' '))
	}
	return results
}
