/**
 * What the benchmark suites need of the engine they run on, for Node and for a browser
 * alike (`npm run bench:browser` bundles the suites for Chromium): settings, a clock and
 * the engine's name. Nothing here imports a Node module.
 */

interface NodeLike {
	readonly env?: Readonly<Record<string, string | undefined>>
	readonly version?: string
	readonly hrtime?: { bigint(): bigint }
}

/** Node's `process`, or `undefined` in a browser. */
const nodeProcess = (globalThis as { process?: NodeLike }).process

/**
 * A setting such as `BENCH_ROUNDS`: Node's environment, or in a browser the
 * `benchEnvironment` object the page sets on the global before the suites load.
 */
export function environment(name: string): string | undefined {
	const browser = (globalThis as { benchEnvironment?: Readonly<Record<string, string | undefined>> }).benchEnvironment
	return browser?.[name] ?? nodeProcess?.env?.[name]
}

/**
 * Nanoseconds from an arbitrary origin: `process.hrtime` on Node, `performance.now()`
 * elsewhere (5 µs steps in a cross-origin-isolated Chromium page or worker: a 2 ms batch
 * is timed to 0.25%).
 */
export const nowNs: () => number =
	nodeProcess?.hrtime !== undefined ? () => Number(nodeProcess.hrtime!.bigint()) : () => performance.now() * 1e6

/** The engine, for messages: `Node v20.20.2`, or the browser's user agent. */
export function engineDescription(): string {
	if (nodeProcess?.version !== undefined) return `Node ${nodeProcess.version}`
	return (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? 'an unknown engine'
}

/**
 * `BENCH_SCALE` (default 1): the factor on every suite's operations per batch, e.g.
 * 0.01 for a quick check that every case runs (the browser bench's smoke test). Read
 * when a suite builds its cases.
 */
export function operationScale(): number {
	const scale = Number(environment('BENCH_SCALE') ?? 1)
	if (!(scale > 0 && scale <= 1)) throw new RangeError(`BENCH_SCALE must be in (0, 1], got ${environment('BENCH_SCALE')}`)
	return scale
}
