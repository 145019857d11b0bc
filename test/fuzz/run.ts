/**
 * `npm run fuzz`: a differential, seeded fuzzing campaign against the manager (see
 * test/fuzz/runner.ts for what is checked).
 *
 *   npm run fuzz -- --ops 200000 --seed 7          a campaign
 *   npm run fuzz -- --seed 7 --episode 12 --keep 3,17,45   replay a reproducer
 *
 * Options: --ops N (default 20000), --seed N (default: from the clock, printed),
 * --kinds memory,resizable,... (heap kinds), --exclude growInValueOf,... (input classes
 * and checks to leave out, named as in RunnerOptions), --no-shrink, --time SECONDS,
 * --episode E [--keep i,j,k] (run one episode, or only those of its operations).
 * Exits 1 when a defect was found.
 */
import { heapKinds, type HeapKind } from './environments.js'
import { replay, reproducer, runCampaign, runEpisode, supportedKinds } from './campaign.js'
import { defaultRunnerOptions, coveredMembers, type RunnerOptions } from './runner.js'
import { summary } from './summary.js'

function parseArguments(argv: readonly string[]): Map<string, string> {
	const options = new Map<string, string>()
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!
		if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`)
		const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined]
		if (inline !== undefined) options.set(name, inline)
		else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) options.set(name, argv[++i]!)
		else options.set(name, 'true')
	}
	return options
}

function integer(value: string | undefined, fallback: number, name: string): number {
	if (value === undefined) return fallback
	const parsed = Number(value)
	if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer, received ${value}`)
	return parsed
}

function main(): void {
	const args = parseArguments(process.argv.slice(2))
	const seed = integer(args.get('seed'), Date.now() % 2 ** 31, 'seed')
	const runnerOptions: Record<string, boolean> = { ...defaultRunnerOptions }
	for (const name of (args.get('exclude') ?? '').split(',').filter(Boolean)) {
		if (!(name in runnerOptions)) throw new Error(`--exclude ${name}: known are ${Object.keys(runnerOptions).join(', ')}`)
		runnerOptions[name] = false
	}
	const options = runnerOptions as unknown as RunnerOptions
	const requested = (args.get('kinds') ?? '').split(',').filter(Boolean) as HeapKind[]
	for (const kind of requested) if (!heapKinds.includes(kind)) throw new Error(`--kinds ${kind}: known are ${heapKinds.join(', ')}`)
	const kinds = requested.length > 0 ? requested : heapKinds

	if (args.has('episode')) {
		const episode = integer(args.get('episode'), 0, 'episode')
		const { kinds: supported } = supportedKinds(kinds)
		const result = runEpisode(seed, episode, supported, integer(args.get('ops'), 1000, 'ops'), options)
		const keep = args.get('keep')
		const wanted = keep === undefined ? undefined : new Set(keep.split(',').map(Number))
		const ops = wanted === undefined ? result.ops : result.ops.filter((op) => wanted.has(op.index))
		const violation = replay(result.config, ops, options)
		if (violation === undefined) {
			console.log(`seed ${seed}, episode ${episode}: ${ops.length} operations, no violation`)
			return
		}
		console.log(reproducer(seed, episode, result.config, ops, violation, options))
		process.exitCode = 1
		return
	}

	const ops = integer(args.get('ops'), 20000, 'ops')
	const seconds = args.get('time')
	const { manager, refs } = coveredMembers()
	console.log(`fuzzing ${manager.size} manager members and ${refs.size} ref classes: seed ${seed}, ${ops} operations`)
	const result = runCampaign({
		seed,
		ops,
		kinds,
		runner: options,
		shrink: args.get('no-shrink') === undefined,
		...(seconds === undefined ? {} : { timeLimitMs: Number(seconds) * 1000 }),
		log: (line) => console.log(line),
	})
	console.log(summary(result))
	if (result.findings.length > 0) process.exitCode = 1
}

main()
