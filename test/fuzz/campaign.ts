/**
 * A fuzzing campaign: seeded episodes, each on a fresh heap of a random kind with
 * random options, each a sequence of generated operations checked against the model.
 * A violation ends its episode; the campaign shrinks the episode's operations to a
 * minimal sequence that still shows the same defect (same kind, same method) and
 * keeps one reproducer per defect.
 */
import { describeEnv, heapKinds, unsupportedReason, type EnvConfig, type HeapKind } from './environments.js'
import { Random, deriveSeed } from './random.js'
import { Runner, Stats, Violation, defaultRunnerOptions, type Op, type RunnerOptions } from './runner.js'
import { StructCatalog } from './structs.js'

/** A runner for `config`, with the episode's struct types. */
function makeRunner(config: EnvConfig, options: RunnerOptions, plant?: (manager: any) => void): Runner {
	const runner = new Runner(config, options, plant)
	if (config.structSeed !== undefined) runner.structs = new StructCatalog(config.structSeed, config.abi)
	return runner
}

export interface CampaignOptions {
	readonly seed: number
	/** Operations to run in all (the last episode is cut to fit). */
	readonly ops: number
	/** Heap kinds to use (default: every kind this engine supports). */
	readonly kinds?: readonly HeapKind[]
	readonly runner?: RunnerOptions
	readonly shrink?: boolean
	/** Longest episode. */
	readonly maxEpisodeOps?: number
	/** Stop after this long (ms), whatever `ops` says. */
	readonly timeLimitMs?: number
	/** Stop after this many distinct defects (default 40). */
	readonly maxFindings?: number
	readonly log?: (line: string) => void
	/** For the fuzzer's own tests: a defect planted in every manager. */
	readonly plant?: (manager: any) => void
}

export interface Finding {
	readonly violation: Violation
	readonly seed: number
	readonly episode: number
	readonly config: EnvConfig
	/** The shrunk operations (indices are those of the original episode). */
	readonly ops: readonly Op[]
	readonly originalLength: number
	/** How often this defect was hit in the campaign. */
	hits: number
	readonly reproducer: string
}

export interface CampaignResult {
	readonly seed: number
	readonly stats: Stats
	readonly episodes: number
	readonly episodesByKind: Map<string, number>
	/** Episodes whose manager had `debug: true`, and those with each `abi` option. */
	readonly episodesByOption: Map<string, number>
	/** Operations run on each kind of heap. */
	readonly opsByHeap: Map<string, number>
	readonly skippedKinds: readonly string[]
	readonly findings: Finding[]
	readonly elapsedMs: number
}

const kindWeights: Record<HeapKind, number> = {
	memory: 18,
	sharedMemory: 12,
	replaced: 8,
	detachedCopy: 10,
	emscripten: 12,
	resizable: 10,
	growableShared: 8,
	fixed: 8,
	memory2GiB: 3,
	arrayBuffer5GiB: 3,
	builtin: 8,
	builtinBare: 6,
}

/** The heap and options of episode `episode` of campaign `seed`. */
export function episodeConfig(rng: Random, kinds: readonly HeapKind[]): EnvConfig {
	const kind = rng.weighted(kinds.map((k) => [kindWeights[k], k] as const))
	const pollingModes =
		kind === 'replaced'
			? (['always'] as const)
			: kind === 'fixed' || kind === 'arrayBuffer5GiB'
				? ([undefined, 'whenEmpty', 'always', 'never'] as const)
				: ([undefined, 'whenEmpty', 'always'] as const)
	const config = {
		kind,
		pollingMode: rng.pick<EnvConfig['pollingMode']>(pollingModes),
		clearAllocatedRegions: rng.chance(0.8),
		trackAllocations: rng.chance(0.85),
		memory64Allocator: rng.chance(0.1),
		emscriptenHeap: rng.chance(0.5) ? 'wasmMemory' : 'HEAPU8',
		initialPages: rng.int(1, 4),
	} as const
	const structSeed = rng.u32()
	// Debug mode in one episode in six (taken from the struct seed, so that the other choices stay as they were).
	const debug = structSeed % 6 === 0
	// The Emscripten ABI in one episode in five, wasm64 in one in five (struct layouts follow the manager's abi option).
	const abiRoll = Math.floor(structSeed / 8) % 5
	const abi = abiRoll === 0 ? ({ abi: 'emscripten' } as const) : abiRoll === 1 ? ({ abi: 'wasm64' } as const) : {}
	// The built-in allocator takes numbers (never a memory64 export's bigints), over a shared memory or not.
	if (kind === 'builtin' || kind === 'builtinBare') return { ...config, structSeed, debug, ...abi, memory64Allocator: false, sharedBuiltin: rng.chance(0.4) }
	return { ...config, structSeed, debug, ...abi }
}

/** Runs `ops` on a fresh heap of `config`; the first violation, or `undefined`. */
export function replay(config: EnvConfig, ops: readonly Op[], options: RunnerOptions, plant?: (manager: any) => void): Violation | undefined {
	const runner = makeRunner(config, options, plant)
	try {
		for (const op of ops) {
			try {
				runner.step(op)
			} catch (error) {
				if (error instanceof Violation) return error
				throw error
			}
		}
		return undefined
	} finally {
		runner.finish()
	}
}

/** The smallest subsequence of `ops` (found by removing chunks, then single operations) that still shows `signature`. */
export function shrink(config: EnvConfig, ops: readonly Op[], signature: string, options: RunnerOptions, budgetMs = 8000, plant?: (manager: any) => void): Op[] {
	let current = [...ops]
	const started = Date.now()
	const fails = (candidate: readonly Op[]): boolean => replay(config, candidate, options, plant)?.signature === signature
	let chunk = Math.max(1, Math.floor(current.length / 2))
	while (Date.now() - started < budgetMs) {
		let progress = false
		for (let start = 0; start < current.length && Date.now() - started < budgetMs; ) {
			const candidate = [...current.slice(0, start), ...current.slice(start + chunk)]
			if (candidate.length < current.length && fails(candidate)) {
				current = candidate
				progress = true
			} else {
				start += chunk
			}
		}
		if (!progress) {
			if (chunk === 1) break
			chunk = Math.max(1, Math.floor(chunk / 2))
		}
	}
	return current
}

/** A reproducer: the heap, the operations as code, the violation, and the command that replays it. */
export function reproducer(seed: number, episode: number, config: EnvConfig, ops: readonly Op[], violation: Violation, options: RunnerOptions): string {
	const env = describeEnv(config)
	const excluded = Object.entries(options)
		.filter(([name, on]) => on !== (defaultRunnerOptions as unknown as Record<string, boolean>)[name])
		.map(([name]) => name)
	const structs = config.structSeed !== undefined && ops.some((op) => op.kind === 'struct') ? [new StructCatalog(config.structSeed, config.abi).describe()] : []
	return [
		`seed ${seed}, episode ${episode}: ${env}`,
		...structs,
		`replay: npm run fuzz -- --seed ${seed} --episode ${episode} --keep ${ops.map((op) => op.index).join(',')}${excluded.length > 0 ? ` --exclude ${excluded.join(',')}` : ''}`,
		...ops.map((op) => `  ${Runner.code(op)}`),
		`  → ${violation.message}`,
	].join('\n')
}

/** Generates and runs episode `episode` of campaign `seed`, up to `maxOps` operations. */
export function runEpisode(
	seed: number,
	episode: number,
	kinds: readonly HeapKind[],
	maxOps: number,
	options: RunnerOptions,
	plant?: (manager: any) => void,
): { config: EnvConfig; ops: Op[]; violation: Violation | undefined; stats: Stats } {
	const rng = new Random(deriveSeed(seed, episode))
	const config = episodeConfig(rng, kinds)
	const large = config.kind === 'memory2GiB' || config.kind === 'arrayBuffer5GiB'
	const length = Math.min(maxOps, rng.int(20, large ? 150 : 500))
	const runner = makeRunner(config, options, plant)
	const ops: Op[] = []
	try {
		for (let index = 0; index < length; index++) {
			const op = runner.generate(rng, index)
			ops.push(op)
			try {
				runner.step(op)
			} catch (error) {
				if (error instanceof Violation) return { config, ops, violation: error, stats: runner.stats }
				throw new Error(`fuzz harness failure at seed ${seed}, episode ${episode}, operation ${index} (${Runner.code(op)}): ${(error as Error).stack}`)
			}
		}
		return { config, ops, violation: undefined, stats: runner.stats }
	} finally {
		runner.finish()
	}
}

/** The heap kinds this engine supports, and the reasons for the others. */
export function supportedKinds(requested: readonly HeapKind[] = heapKinds): { kinds: HeapKind[]; skipped: string[] } {
	const kinds: HeapKind[] = []
	const skipped: string[] = []
	for (const kind of requested) {
		const reason = unsupportedReason(kind)
		if (reason === undefined) kinds.push(kind)
		else skipped.push(reason)
	}
	return { kinds, skipped }
}

export function runCampaign(options: CampaignOptions): CampaignResult {
	const started = Date.now()
	const runnerOptions = options.runner ?? defaultRunnerOptions
	const log = options.log ?? (() => undefined)
	const { kinds, skipped } = supportedKinds(options.kinds)
	for (const reason of skipped) log(`skipped heap kind ${reason}`)
	const stats = new Stats()
	const findings = new Map<string, Finding>()
	const episodesByKind = new Map<string, number>()
	const episodesByOption = new Map<string, number>()
	const opsByHeap = new Map<string, number>()
	let episode = 0
	let nextReport = 10000
	const maxFindings = options.maxFindings ?? 40
	while (
		stats.ops + stats.skipped < options.ops &&
		findings.size < maxFindings &&
		(options.timeLimitMs === undefined || Date.now() - started < options.timeLimitMs)
	) {
		const budget = Math.min(options.maxEpisodeOps ?? 500, options.ops - stats.ops - stats.skipped)
		const result = runEpisode(options.seed, episode, kinds, budget, runnerOptions, options.plant)
		stats.add(result.stats)
		episodesByKind.set(result.config.kind, (episodesByKind.get(result.config.kind) ?? 0) + 1)
		for (const option of [result.config.debug === true ? 'debug: true' : undefined, result.config.abi === undefined ? undefined : `abi: '${result.config.abi}'`]) {
			if (option !== undefined) episodesByOption.set(option, (episodesByOption.get(option) ?? 0) + 1)
		}
		opsByHeap.set(result.config.kind, (opsByHeap.get(result.config.kind) ?? 0) + result.stats.ops)
		if (result.violation !== undefined) {
			const signature = result.violation.signature
			const known = findings.get(signature)
			if (known !== undefined) {
				known.hits++
			} else {
				log(`episode ${episode} (${result.config.kind}): ${result.violation.message}`)
				const ops = options.shrink === false ? result.ops : shrink(result.config, result.ops, signature, runnerOptions, 8000, options.plant)
				const confirmed = replay(result.config, ops, runnerOptions, options.plant) ?? result.violation
				findings.set(signature, {
					violation: confirmed,
					seed: options.seed,
					episode,
					config: result.config,
					ops,
					originalLength: result.ops.length,
					hits: 1,
					reproducer: reproducer(options.seed, episode, result.config, ops, confirmed, runnerOptions),
				})
			}
		}
		episode++
		if (stats.ops >= nextReport) {
			log(`${stats.ops} operations, ${episode} episodes, ${findings.size} distinct defects, ${((Date.now() - started) / 1000).toFixed(1)} s`)
			nextReport += 10000
		}
	}
	return { seed: options.seed, stats, episodes: episode, episodesByKind, episodesByOption, opsByHeap, skippedKinds: skipped, findings: [...findings.values()], elapsedMs: Date.now() - started }
}
