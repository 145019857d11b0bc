/**
 * `npm run serve:browser` on a fresh clone: with no dist/, the server builds it first (as
 * `npm run demo` does), so the page's `import '../../dist/index.js'` resolves. Then the
 * page itself, in Chromium: every step with the code that ran beside its result, and live
 * hex views of the heap regions the steps touched.
 */
import { expect } from 'chai'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'

/** playwright-core (a devDependency): it drives the system's Chromium and downloads nothing. */
const loadPlaywright = (): Promise<any> => import('playwright-core')

/** What each step's code panel must show: its function's name and a token of its code. */
const steps = [
	['numbers', 'heap.writeInt32(at, 0x12345678)'],
	['arrays', 'heap.allocFloat32Array([0.5, 1.25, 2, 4.25])'],
	['strings', 'heap.allocNullTerminatedUtf16String(text)'],
	['growth', 'heap.allocUint8Array(4 * 1024 * 1024)'],
	['atomics', 'zero.writeAtomic(-0)'],
	['worker', 'new Worker(workerUrl, { type: \'module\' })'],
	['safety', 'heap.readInt32(size - 2)'],
	['tracking', 'clamped.free()'],
] as const

/** Lines without their indentation, for comparing a code panel with main.js. */
const unindented = (text: string) =>
	text
		.split('\n')
		.map((line) => line.trim())
		.join('\n')

describe('npm run serve:browser', function () {
	this.timeout(300_000)
	let clone = ''
	let server: ChildProcess | undefined
	let output = ''
	let started: Promise<string> | undefined

	/** Starts serve.mjs in the clone once; resolves to the page's URL. */
	function serve(): Promise<string> {
		started ??= new Promise<string>((resolveUrl, reject) => {
			const child = spawn(process.execPath, ['examples/browser/serve.mjs', '0'], { cwd: clone, stdio: ['ignore', 'pipe', 'pipe'] })
			server = child
			child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
			child.stdout!.on('data', (chunk: Buffer) => {
				output += chunk.toString()
				const match = /open (http:\/\/127\.0\.0\.1:\d+\/examples\/browser\/)/.exec(output)
				if (match !== null) resolveUrl(match[1]!)
			})
			child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}:\n${output}`)))
		})
		return started
	}

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
		const url = await serve()
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

	it('in Chromium: every step beside the code that ran, with live hex views of the bytes it wrote, under a strict CSP', async function () {
		if (!existsSync(chromiumPath)) {
			console.log(`      skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM)`)
			this.skip()
		}
		const url = await serve()
		const { chromium } = await loadPlaywright()
		const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'], timeout: 60_000 })
		try {
			const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
			const problems: string[] = [] // page errors and console errors (a CSP violation is one)
			page.on('pageerror', (error: Error) => problems.push(`page error: ${error.message}`))
			page.on('console', (message: any) => {
				if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`)
			})
			await page.goto(url, { waitUntil: 'load' })
			await page.waitForFunction(() => document.documentElement.dataset.status !== undefined, undefined, { timeout: 60_000 })

			expect(await page.textContent('#summary')).to.equal('PASS: 8 of 8 steps passed (shared memory)')
			const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')
			expect(policy).to.contain("script-src 'self'").and.not.contain('unsafe')

			// Every step: passed, its code panel holds its function's source, exactly as in
			// main.js (indentation aside), and the code sits left of the result and hex views.
			const mainSource = unindented(readFileSync(join(root, 'examples/browser/main.js'), 'utf8'))
			expect(await page.locator('section.step').count()).to.equal(steps.length)
			for (const [name, token] of steps) {
				const card = page.locator(`section.step[data-step="${name}"]`)
				expect(await card.getAttribute('data-status'), name).to.equal('pass')
				const code = (await card.locator('.step-code pre.code').first().textContent()) as string
				expect(code, name).to.contain(token)
				expect(code.split('\n')[0], name).to.match(new RegExp(`^(async )?function ${name}\\(\\) \\{$`))
				expect(mainSource, `${name}: the code panel is the function's own text`).to.contain(unindented(code))
				const codeBox = await card.locator('.step-code').boundingBox()
				const outputBox = await card.locator('.step-output').boundingBox()
				expect(codeBox.x + codeBox.width, `${name}: two columns`).to.be.at.most(outputBox.x + 1)
				expect(Math.abs(codeBox.y - outputBox.y), `${name}: side by side`).to.be.below(2)
				expect(outputBox.x + outputBox.width, `${name}: fits 1280 px`).to.be.at.most(1280)
			}

			/** A region's hex rows as text, and the bytes marked in it (`written` or `later`). */
			const region = (step: string, label: string) =>
				page.locator(`section.step[data-step="${step}"] figure.region[data-region="${label}"]`)
			const marked = (step: string, label: string, mark: string) =>
				region(step, label).evaluate(
					(figure: Element, className: string) => Array.from(figure.querySelectorAll(`.b.${className}`), (cell) => cell.textContent).join(' '),
					mark,
				)

			// Step 1 wrote an Int32 0x12345678 (little-endian), π as a Float64, -56 as an Int8
			// and 2^64-1 as a BigUint64, each marked as written by the step.
			const block = region('numbers', 'block')
			const blockAddress = Number(await block.getAttribute('data-address'))
			const blockRows = (await block.locator('.hex-row').allTextContents()) as string[]
			expect(blockRows[0]!.startsWith((blockAddress - (blockAddress % 16)).toString(16).padStart(8, '0'))).to.equal(true)
			expect(blockRows.join('\n')).to.contain('78 56 34 12')
			expect(await marked('numbers', 'block', 'written')).to.equal('78 56 34 12 18 2d 44 54 fb 21 09 40 c8 ff ff ff ff ff ff ff ff')
			// The ASCII column: 'xV4' for 78 56 34 12, after as many blanks as the block starts into its row.
			expect(blockRows.join('\n')).to.contain(`|${' '.repeat(blockAddress % 16)}xV4`)

			// A later step changed step 2's bytes (growth wrote -1 at samples[3]): step 2's view
			// shows them as changed since, step 4's view as written by it.
			expect(await marked('growth', 'samples', 'written')).to.equal('80 bf')
			await page.waitForFunction(
				() => document.querySelectorAll('section[data-step="arrays"] figure[data-region="samples"] .b.later').length === 2,
				undefined,
				{ timeout: 10_000 },
			)
			expect(await marked('arrays', 'samples', 'later')).to.equal('80 bf')
			// The tracking step freed step 2's clamped array: its view says so.
			expect(await region('arrays', 'clamped').locator('.badge.freed').isVisible()).to.equal(true)

			// The worker keeps counting in the shared memory: the counter's view changes by itself.
			const counterText = () => region('worker', 'counter').locator('.hex-row').first().textContent()
			const first = await counterText()
			await page.waitForFunction(
				(before: string) => document.querySelector('section[data-step="worker"] figure[data-region="counter"] .hex-row')?.textContent !== before,
				first,
				{ timeout: 10_000 },
			)
			expect(await region('worker', 'the worker’s string').locator('.hex').textContent()).to.contain('hello fr')
			const workerPanel = page.locator('section.step[data-step="worker"] details.extra-source')
			expect(await workerPanel.textContent()).to.contain('setInterval(() => heap.addInt32Atomic(counter, 1), 100)')

			// Screenshots: the first screen at 1280x900 and the whole page (copied to
			// $SCREENSHOT_DIR when set, for a person to look at).
			const shots = { 'example-viewport.png': false, 'example-full.png': true }
			for (const [file, fullPage] of Object.entries(shots)) {
				const path = join(clone, file)
				await page.screenshot({ path, fullPage })
				const png = readFileSync(path)
				expect(png.subarray(1, 4).toString('latin1'), file).to.equal('PNG')
				expect(png.readUInt32BE(16), `${file} width`).to.equal(1280)
				if (fullPage) expect(png.readUInt32BE(20), `${file} height`).to.be.above(2000)
				else expect(png.readUInt32BE(20), `${file} height`).to.equal(900)
				if (process.env.SCREENSHOT_DIR) copyFileSync(path, join(process.env.SCREENSHOT_DIR, file))
			}
			// A write from outside any step (the console) shows up too, marked as changed since.
			await page.evaluate(() => (globalThis as any).example.heap.writeUint32((globalThis as any).example.refs.block.address, 0xcafebabe))
			await page.waitForFunction(
				() => document.querySelector('section[data-step="numbers"] figure[data-region="block"] .hex')?.textContent?.includes('be ba fe ca'),
				undefined,
				{ timeout: 10_000 },
			)
			expect(await marked('numbers', 'block', 'later')).to.equal('be ba fe ca')

			expect(problems).to.deep.equal([])
		} finally {
			await browser.close()
		}
	})

	it('in Chromium without cross-origin isolation: the heap is not shared, the worker step says it was skipped, the rest pass', async function () {
		if (!existsSync(chromiumPath)) {
			console.log(`      skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM)`)
			this.skip()
		}
		const url = await serve()
		const { chromium } = await loadPlaywright()
		const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'], timeout: 60_000 })
		try {
			const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
			const problems: string[] = []
			page.on('pageerror', (error: Error) => problems.push(`page error: ${error.message}`))
			// As a static server without the two headers would serve it.
			await page.route('**/*', async (route: any) => {
				const response = await route.fetch()
				const headers = { ...response.headers() }
				delete headers['cross-origin-opener-policy']
				delete headers['cross-origin-embedder-policy']
				await route.fulfill({ response, headers })
			})
			await page.goto(url, { waitUntil: 'load' })
			await page.waitForFunction(() => document.documentElement.dataset.status !== undefined, undefined, { timeout: 60_000 })
			expect(await page.evaluate(() => globalThis.crossOriginIsolated)).to.equal(false)
			expect(await page.textContent('#summary')).to.equal(
				'PASS: 7 of 7 steps passed, 1 skipped (non-shared memory: serve with serve.mjs for SharedArrayBuffer)',
			)
			const worker = page.locator('section.step[data-step="worker"]')
			expect(await worker.getAttribute('data-status')).to.equal('skipped')
			expect(await worker.locator('.result').textContent()).to.equal('skipped: sharing memory needs a cross-origin isolated page (serve.mjs)')
			// Growth detached the first buffer; the views read the new one.
			expect(await page.locator('section.step[data-step="growth"] figure[data-region="samples"] .b.written').allTextContents()).to.deep.equal(['80', 'bf'])
			expect(problems).to.deep.equal([])
		} finally {
			await browser.close()
		}
	})
})
