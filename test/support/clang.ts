/** The clang the live import-c and generate tests run, or a skipped test when there is none. */
import { execFileSync } from 'node:child_process'
import { findClang } from '../../src/generator/importC.js'

/** The clang on the PATH (or $CLANG) that runs; otherwise logs why and skips the test or hook `context` runs. */
export function clangOrSkip(context: Mocha.Context): string {
	try {
		const clang = findClang()
		execFileSync(clang, ['--version'], { stdio: 'ignore' })
		return clang
	} catch {
		console.log('      skipped: no clang on the PATH (apt-get install clang-14)')
		context.skip()
	}
}
