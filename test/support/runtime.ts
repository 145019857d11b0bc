/** The running engine, named for the skip and log lines of the suites that depend on it. */

/** `Node v24.1.0` (with ` --experimental-wasm-memory64` when that flag is on), `Bun 1.2.3`, `Deno 2.1.0`, or the user agent elsewhere. */
export function runtimeName(): string {
	if (typeof process !== 'undefined' && process.versions !== undefined) {
		const versions = process.versions as Record<string, string | undefined>
		if (versions.bun !== undefined) return `Bun ${versions.bun}`
		if (versions.deno !== undefined) return `Deno ${versions.deno}`
		if (versions.node !== undefined) {
			const flag = process.execArgv.includes('--experimental-wasm-memory64') ? ' --experimental-wasm-memory64' : ''
			return `Node ${process.version}${flag}`
		}
	}
	return typeof navigator !== 'undefined' ? navigator.userAgent : 'this runtime'
}
