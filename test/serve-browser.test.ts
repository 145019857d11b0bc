/**
 * `npm run serve:browser` on a fresh clone: with no dist/, the server builds it first (as
 * `npm run demo` does), so the page's `import '../../dist/index.js'` resolves.
 */
import { expect } from 'chai'
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')

describe('npm run serve:browser', function () {
	this.timeout(300_000)
	let clone = ''
	let server: ChildProcess | undefined

	before(() => {
		// What a clone has (no dist/), with this checkout's installed node_modules.
		clone = mkdtempSync(join(tmpdir(), 'wasm-heap-manager-serve-'))
		for (const path of ['src', 'generated', 'scripts', 'examples', 'rollup.config.mjs', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.generator.json', 'package.json']) {
			cpSync(join(root, path), join(clone, path), { recursive: true })
		}
		symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir')
	})

	after(() => {
		if (server !== undefined && server.exitCode === null) server.kill()
		if (clone) rmSync(clone, { recursive: true, force: true })
	})

	it('builds dist/ when it is missing, then serves the page and the bundle it imports', async () => {
		expect(existsSync(join(clone, 'dist'))).to.equal(false)
		const child = spawn(process.execPath, ['examples/browser/serve.mjs', '0'], { cwd: clone, stdio: ['ignore', 'pipe', 'pipe'] })
		server = child
		let output = ''
		child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
		const url = await new Promise<string>((resolveUrl, reject) => {
			child.stdout!.on('data', (chunk: Buffer) => {
				output += chunk.toString()
				const match = /open (http:\/\/127\.0\.0\.1:\d+\/examples\/browser\/)/.exec(output)
				if (match !== null) resolveUrl(match[1]!)
			})
			child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}:\n${output}`)))
		})
		expect(output).to.contain('serve: building dist/ (npm run build) ...')
		expect(existsSync(join(clone, 'dist/index.js'))).to.equal(true)

		const page = await fetch(url)
		expect(page.status).to.equal(200)
		expect(page.headers.get('cross-origin-embedder-policy')).to.equal('require-corp')
		expect(await page.text()).to.contain('main.js')
		const bundle = await fetch(new URL('../../dist/index.js', url))
		expect(bundle.status, 'the page imports ../../dist/index.js').to.equal(200)
		expect(await bundle.text()).to.contain('createWasmHeapManager')
	})
})
