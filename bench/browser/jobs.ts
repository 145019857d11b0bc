/** What the driver (bench/browser.ts), the page and the worker of `npm run bench:browser` say to each other. */
import type { CaseResult, RunOptions } from '../harness.js'
import type { MemoryKind } from '../heapSource.js'
import type { Regime } from '../numeric.bench.js'

/** The suites that run in the browser. */
export const browserSuites = ['numeric', 'access', 'strings', 'structs', 'structs-codegen'] as const
export type BrowserSuite = (typeof browserSuites)[number]

/** The suites timed in both regimes (pristine and realistic); the others run pristine only. */
export const suitesWithRegimes: readonly BrowserSuite[] = ['numeric', 'structs', 'structs-codegen']

/** The suites that make a `WebAssembly.Memory` of their own, a plain one: they run once, on the plain memory. */
export const plainMemoryOnly: readonly BrowserSuite[] = ['structs', 'structs-codegen']

/** What the page asks of a worker: one suite on one memory in one regime. */
export interface Job {
	readonly suite: BrowserSuite
	readonly memory: MemoryKind
	readonly regime: Regime
	readonly options: RunOptions
	/** The `BENCH_*` settings of the driver's environment (e.g. `BENCH_SCALE`), read by the suites as on Node. */
	readonly environment: Readonly<Record<string, string>>
	/** Only the cases whose name matches this regular expression (all when absent). */
	readonly filter?: string
}

/** What a worker posts back: lines as the harness prints them, then one `done` or `failed`. */
export type JobMessage =
	| { readonly kind: 'line'; readonly line: string }
	| { readonly kind: 'done'; readonly results: CaseResult[]; readonly skipped: readonly string[] }
	| { readonly kind: 'failed'; readonly error: string }
