/**
 * Runs a script of test/support in a child Node process with `--expose-gc` (and tsx), for
 * the tests that watch what the garbage collector frees; the script prints its findings.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Runs `test/support/<script>` with `--expose-gc`; its stdout and stderr come back as text. */
export function runWithGc(script: string): SpawnSyncReturns<string> {
	return spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))], {
		encoding: 'utf8',
		timeout: 100_000,
	})
}
