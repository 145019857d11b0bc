/**
 * Where the string codecs switch from their JS loops to the engine's native coders
 * (`TextEncoder.encodeInto`, `TextDecoder.decode`, `indexOf`) depends on what a native
 * call costs, and that depends on the host more than on the engine: on Node, Bun and
 * Deno a call costs about a hundred nanoseconds, in browsers several hundred (headless
 * Chromium 156: about 700 ns an `encodeInto` of 64 code units, 200-400 ns a `decode` of
 * 64 bytes, where the loops take 100-300 ns; `npx tsx bench/crossover-browser.ts`
 * against `npx tsx bench/crossover.bench.ts`). So each threshold has two values, one
 * measured on Node and one in Chromium, chosen once when the library loads.
 *
 * Node, Bun and Deno all say `process.versions.node`; a browser page or worker has no
 * `process` (an Electron renderer with Node integration counts as Node: it gets Node's
 * thresholds, which are correct anywhere and only slower there).
 */

/** Whether the host `global` is Node, Bun or Deno (its native coders are cheap to call). */
export function isServerHost(global: object): boolean {
	return typeof nodeVersion(global) === 'string'
}

/** `process.versions.node` of `global`, or `undefined` where reading it throws (a getter of a host shim). */
function nodeVersion(global: object): unknown {
	try {
		const host = (global as { process?: { versions?: { node?: unknown } } }).process
		return typeof host === 'object' && host !== null ? host.versions?.node : undefined
	} catch {
		return undefined
	}
}

/** Whether this host is Node, Bun or Deno, decided once (see {@link isServerHost}). */
const serverHost = isServerHost(globalThis)

/**
 * Whether the host's `TextDecoder` is slow on text that is not ASCII: Node up to 22,
 * where a JS loop decodes 256 bytes of mixed text faster than it (2414 vs 2722 ns on
 * Node 22.23, 1496 vs 2217 on Node 20.20; `npx tsx bench/crossover.bench.ts`, "UTF-8
 * decode, mixed"). Node 24 decodes it 3-10x faster (505 vs 145 ns at 128 bytes), as do
 * Bun and Deno, which say a later Node version, and browsers.
 */
export function hasSlowNonAsciiDecoder(global: object): boolean {
	const version = nodeVersion(global)
	return typeof version === 'string' && Number.parseInt(version, 10) < 24
}

/** {@link hasSlowNonAsciiDecoder} of this host, decided once. */
export const slowNonAsciiDecoder = hasSlowNonAsciiDecoder(globalThis)

/** `server` on Node, Bun or Deno, `browser` elsewhere: a threshold measured on each. */
export function byHost(server: number, browser: number): number {
	return serverHost ? server : browser
}
