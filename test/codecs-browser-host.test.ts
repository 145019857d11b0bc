/**
 * The codecs switch to the native coders at other lengths in a browser (src/codecs/host.ts).
 * Browsers run the portable suite's string tests (npm run test:runtimes); here the whole
 * codec suite runs again in a Node process that src/codecs/host.ts takes for a browser
 * (test/support/browser-host.mjs hides process.versions.node, and Node's UTF-16 copies
 * `Buffer.prototype.ucs2Write` and `ucs2Slice`, before the codecs load), so that every path
 * around the browser thresholds, and the UTF-16 codec without the host's copies, is checked
 * on every `npm test`.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

describe('the codecs with the browser thresholds', function () {
	this.timeout(300_000)

	it('pass test/codecs.test.ts and test/host-copies.test.ts in a process taken for a browser host, without the host UTF-16 copies', function () {
		const run = spawnSync(
			process.execPath,
			['--import', 'tsx', '--import', './test/support/browser-host.mjs', 'node_modules/mocha/bin/mocha.js', '--no-config', '--reporter', 'spec', '--timeout', '120000', 'test/codecs.test.ts', 'test/host-copies.test.ts'],
			{ cwd: root, encoding: 'utf8' },
		)
		const output = `${run.stdout}\n${run.stderr}`
		expect(run.status, output.slice(-4000)).to.equal(0)
		// the run was a browser host's, and every test ran
		expect(output).to.include('this process is a browser host')
		expect(output).to.include('finds none in this process, where they are hidden')
		expect(output).to.match(/\b\d{3} passing\b/)
		expect(output).to.not.match(/\bfailing\b|\bpending\b/)
	})
})
