/**
 * The API reference as a reader meets it: `typedoc` (typedoc.json) builds it into a temporary
 * folder, a server on 127.0.0.1 serves it, and Chromium (Debian's, through playwright-core)
 * opens the index page and the manager's page. The README is the index page, the entry
 * points come first, and the manager's members are listed under the task groups that
 * codegen/docGroups.ts gives the generated members (and src/ the hand-written ones).
 * Screenshots go to the temporary folder, with copies in ../notes/ when that folder exists.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { emitterGroups, exportGroups, grouped, groupedMembers, groupOf, memberGroups } from '../codegen/docGroups.js'
import { Part } from '../codegen/emitted.js'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'
const notes = resolve(root, '..', '..', 'notes')

/** The manager page's groups, in order (typedoc.json's groupOrder), and one member each must list. */
const managerGroups: readonly [string, string][] = [
	['Constructors', 'constructor'],
	['Heap', 'heapDataView'],
	['Numbers', 'readInt32'],
	['Views', 'viewInt32Array'],
	['Allocation & ownership', 'allocInt32'],
	['Refs', 'wrapInt32'],
	['Strings', 'readNullTerminatedUtf8String'],
	['String slices', 'readUtf8StringSlice'],
	['Structs', 'allocStruct'],
	['Atomics', 'addInt32Atomic'],
	['Waits', 'waitInt32'],
	['Scopes', 'withScope'],
	['Debugging', 'report'],
]

const contentTypes: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.svg': 'image/svg+xml',
	'.md': 'text/markdown; charset=utf-8',
}

function serve(folder: string): Promise<{ server: Server; url: string }> {
	const server = createServer((request, response) => {
		const path = normalize(join(folder, decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname)))
		const file = path.startsWith(folder + sep) && existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path
		if (!file.startsWith(folder + sep) || !existsSync(file)) {
			response.writeHead(404).end()
			return
		}
		response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file))
	})
	return new Promise((resolveServer) =>
		server.listen(0, '127.0.0.1', () => {
			const address = server.address()
			resolveServer({ server, url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/` })
		}),
	)
}

/** Every `@group` name a TSDoc comment in `files` uses. */
function groupsUsed(files: readonly string[]): Set<string> {
	const used = new Set<string>()
	for (const file of files) for (const match of readFileSync(file, 'utf8').matchAll(/^\s*\*?\s*@group (.+)$/gm)) used.add(match[1]!.trim())
	return used
}

function sourceFiles(folder: string): string[] {
	return readdirSync(folder, { recursive: true, encoding: 'utf8' })
		.filter((name) => name.endsWith('.ts'))
		.map((name) => join(folder, name))
}

describe('codegen/docGroups.ts: the @group each emitter gives its members', () => {
	it('appends the group line to the last TSDoc block of each public, documented, ungrouped member', () => {
		const part = new Part()
		part.methods.push(
			{ name: 'readInt32', docs: ['first block', 'Reads.\n@throws RangeError if out of bounds'] },
			{ name: 'coldPath', docs: ['@internal the cold path'] },
			{ name: 'guarded', scope: 'protected' as never, docs: ['Protected.'] },
			{ name: 'undocumented' },
			{ name: 'already', docs: ['Grouped.\n@group Waits'] },
		)
		part.getAccessors.push({ name: 'heapInt32', docs: ['A view.'] })
		expect(grouped('emitAccess', part)).to.equal(part)
		expect(part.methods.map((method) => method.docs)).to.deep.equal([
			['first block', 'Reads.\n@throws RangeError if out of bounds\n@group Numbers'],
			['@internal the cold path'],
			['Protected.'],
			undefined,
			['Grouped.\n@group Waits'],
		])
		expect(groupOf(part.getAccessors[0]!)).to.equal('Numbers')
		expect(groupOf(part.methods[4]!)).to.equal('Waits')
		expect(groupOf(part.methods[1]!)).to.equal(undefined)
	})

	it('chooses by member name where the table says so, and refuses a target the emitter has no group for', () => {
		const members = [{ name: 'lengthOfNullTerminatedUtf8String', docs: ['strlen.'] }, { name: 'readUtf8StringSlice', docs: ['Reads.'] }]
		groupedMembers('emitStringSlices', 'manager', members)
		expect(members.map(groupOf)).to.deep.equal(['Strings', 'String slices'])
		expect(() => groupedMembers('emitWrap', 'ref', [{ name: 'value', docs: ['The value.'] }])).to.throw(
			Error,
			"codegen/docGroups.ts: emitter 'emitWrap' has no group for 'ref' members",
		)
		// Every group the table names is a member group.
		for (const rules of Object.values(emitterGroups)) {
			for (const rule of Object.values(rules)) if (typeof rule === 'string') expect(memberGroups).to.have.property(rule)
		}
	})
})

describe('API reference (TypeDoc) in Chromium', function () {
	this.timeout(120_000)
	let out = ''
	let server: Server | undefined
	let url = ''
	let browser: Browser | undefined
	let page: Page

	before(async () => {
		expect(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM)`).to.equal(true)
		out = mkdtempSync(join(tmpdir(), 'wasm-heap-manager-api-docs-'))
		const typedoc = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', join(out, 'api'), '--logLevel', 'Warn'], {
			cwd: root,
			encoding: 'utf8',
		})
		expect(typedoc.status, `typedoc exited with ${typedoc.status}:\n${typedoc.stdout}${typedoc.stderr}`).to.equal(0)
		;({ server, url } = await serve(join(out, 'api')))
		browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
		page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
	})

	after(async () => {
		await browser?.close()
		server?.close()
		if (out) rmSync(out, { recursive: true, force: true })
	})

	/** Saves a screenshot of the page's first screen to the temp folder, and a copy to ../notes/<name> when it exists. */
	async function screenshot(name: string): Promise<void> {
		const path = join(out, name)
		await page.screenshot({ path })
		expect(statSync(path).size).to.be.greaterThan(10_000)
		if (existsSync(notes)) copyFileSync(path, join(notes, name))
	}

	/** Opens a page of the site and waits for TypeDoc's script to render the navigation. */
	async function open(path: string): Promise<void> {
		const response = await page.goto(new URL(path, url).href, { waitUntil: 'load' })
		expect(response?.status(), path).to.equal(200)
		await page.waitForSelector('#tsd-nav-container li')
	}

	it('uses every group name from one list, and typedoc.json orders all of them', () => {
		const known = new Set<string>([...Object.keys(memberGroups), ...exportGroups])
		const moduleComment = readFileSync(join(root, 'src/index.ts'), 'utf8')
		for (const group of exportGroups) expect(moduleComment, `src/index.ts describes ${group}`).to.contain(`@groupDescription ${group}\n`)
		const used = groupsUsed([...sourceFiles(join(root, 'generated')), ...sourceFiles(join(root, 'src'))])
		expect([...used].filter((group) => !known.has(group)), 'groups used but not in codegen/docGroups.ts').to.deep.equal([])
		for (const group of ['Numbers', 'Strings', 'String slices', 'Views', 'Refs', 'Atomics', 'Waits', 'Structs', 'Allocation & ownership', 'Scopes', 'Debugging']) {
			expect(used, group).to.include(group)
		}
		const order = (JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { groupOrder: string[] }).groupOrder
		expect([...known].filter((group) => !order.includes(group)), 'groups missing from typedoc.json groupOrder').to.deep.equal([])
		const positions = managerGroups.map(([group]) => order.indexOf(group))
		expect(positions, 'the manager groups in typedoc.json groupOrder').to.deep.equal([...positions].sort((a, b) => a - b))
	})

	it('opens on the README, with its sections, and lists the entry points first', async () => {
		await open('index.html')
		const readme = readFileSync(join(root, 'README.md'), 'utf8')
		const title = /^# (.+)$/m.exec(readme)![1]!
		const sections = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]!)
		expect(sections.length).to.be.greaterThan(10)
		const headings = await page.$$eval('.col-content h1, .col-content h2', (elements) => elements.map((element) => element.textContent!.trim()))
		expect(headings).to.include(title)
		for (const section of sections.filter((section) => !section.includes('`'))) expect(headings, section).to.include(section)
		expect(await page.title()).to.contain('wasm-heap-manager')

		// The navigation: the modules (the package's entry points) before the documents, the
		// main entry first, and in it the factories before everything else.
		const navigation = await page.$$eval('#tsd-nav-container summary', (elements) => elements.map((element) => element.textContent!.trim()))
		expect(navigation.slice(0, 3)).to.deep.equal(['Modules', 'wasm-heap-manager', 'Entry points'])
		expect(navigation.indexOf('Documents')).to.be.greaterThan(navigation.indexOf('wasm-heap-manager/structs'))
		expect(navigation).to.include.members(['wasm-heap-manager/allocator', 'wasm-heap-manager/structs'])
		// On a first visit the first screen shows them (typedoc/custom.js opens those
		// accordions), under one title: the README's (typedoc/custom.css hides TypeDoc's).
		for (const name of ['createWasmHeapManager', 'wrapEmscriptenModuleHeap', 'createHeapAllocator', 'defineStruct']) {
			const link = page.locator('#tsd-nav-container a', { hasText: name }).first()
			await link.waitFor({ state: 'visible', timeout: 30_000 })
			const box = await link.boundingBox()
			expect(box!.y + box!.height, `${name} in the first screen`).to.be.lessThan(900)
		}
		expect(await page.locator('.col-content h1:visible').allTextContents()).to.deep.equal([title])
		await screenshot('docs-index.png')

		// The README's links to repository files lead to pages of the site.
		const migrating = await page.$eval('.col-content a[href*="MIGRATING"]', (element) => (element as HTMLAnchorElement).href)
		const migratingPage = await fetch(migrating)
		expect(migratingPage.status).to.equal(200)
		expect(await migratingPage.text()).to.contain('<h1')
	})

	it('opens the entry points on a first visit also when TypeDoc builds the navigation before typedoc/custom.js runs (a slow load)', async () => {
		// TypeDoc's script is async and custom.js deferred: delay custom.js until TypeDoc has
		// built the navigation from the states it found (none yet), as a loaded machine did.
		const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } })
		try {
			const slow = await context.newPage()
			let navigationBuilt = false
			await slow.route('**/assets/custom.js', async (route) => {
				await slow.waitForSelector('#tsd-nav-container li')
				navigationBuilt = true
				await route.continue()
			})
			await slow.goto(new URL('index.html', url).href, { waitUntil: 'load' })
			const link = slow.locator('#tsd-nav-container a', { hasText: 'createWasmHeapManager' }).first()
			await link.waitFor({ state: 'visible', timeout: 15_000 })
			expect(navigationBuilt, 'the navigation was built before custom.js ran').to.equal(true)
			// and the state is saved, as a reader's click saves it
			expect(await slow.evaluate(() => localStorage.getItem('tsd-accordion-Modules$wasm-heap-manager$Entry points'))).to.equal('true')
		} finally {
			await context.close()
		}
	})

	it('lists the entry points first on the main module page', async () => {
		await open('modules/wasm-heap-manager.html')
		const sections = await page.$$eval('.col-content details.tsd-member-group > summary h2', (elements) => elements.map((element) => element.textContent!.trim()))
		expect(sections.slice(0, 3)).to.deep.equal(['Entry points', 'Manager', 'Number refs'])
		const entryPoints = await page.$$eval('.col-content details.tsd-member-group:first-of-type a', (elements) => elements.map((element) => element.textContent!.trim()))
		expect(entryPoints).to.include.members(['createWasmHeapManager', 'wrapEmscriptenModuleHeap', 'createHeapAllocator', 'defineStruct'])
	})

	it("groups the manager's members by task, under collapsible headings", async () => {
		await open('classes/wasm-heap-manager.WasmHeapManager.html')
		// The index at the top: one section per group, in order, each listing its members.
		const index = await page.$$eval('.tsd-index-content section.tsd-index-section', (sections) =>
			sections.map((section) => ({
				title: section.querySelector('h3')!.textContent!.trim(),
				members: Array.from(section.querySelectorAll('a.tsd-index-link')).map((link) => link.textContent!.trim()),
			})),
		)
		expect(index.map((section) => section.title)).to.deep.equal(managerGroups.map(([group]) => group))
		for (const [group, member] of managerGroups) expect(index.find((section) => section.title === group)!.members, group).to.include(member)
		const listed = index.flatMap((section) => section.members)
		expect(listed.length, 'members listed').to.be.greaterThan(250)
		expect(new Set(listed).size, 'each member in one group').to.equal(listed.length)

		// The member details: one collapsible section per group, readInt32 under Numbers.
		const groups = page.locator('.col-content details.tsd-member-group')
		expect(await groups.count()).to.equal(managerGroups.length)
		const numbers = page.locator('details.tsd-member-group', { has: page.locator('summary h2', { hasText: /^Numbers$/ }) })
		expect(await numbers.locator('section.tsd-member h3', { hasText: /^readInt32$/ }).count()).to.equal(1)
		expect(await numbers.locator('section.tsd-member h3', { hasText: /^addInt32Atomic$/ }).count()).to.equal(0)

		// The class text's README links lead to sections of the index page.
		const readmeLinks = await page.$$eval('.col-content > .tsd-comment a', (links) => links.map((link) => (link as HTMLAnchorElement).href))
		expect(readmeLinks.map((link) => new URL(link).hash)).to.deep.equal(['#growth-and-polling', '#safety'])
		for (const link of readmeLinks) expect(new URL(link).pathname, link).to.be.oneOf(['/', '/index.html'])

		await screenshot('docs-manager.png')

		// Heights: everything open, then every group collapsed (the index of all members and
		// the group headings remain), then one group opened again.
		const height = (): Promise<number> => page.evaluate(() => document.documentElement.scrollHeight)
		const fullHeight = await height()
		const openGroups = page.locator('.col-content details.tsd-member-group[open] > summary')
		for (let clicks = 0; clicks < managerGroups.length && (await openGroups.count()) > 0; clicks++) await openGroups.first().click({ position: { x: 8, y: 12 } })
		expect(await openGroups.count(), 'groups still open').to.equal(0)
		const collapsedHeight = await height()
		await numbers.locator('> summary').click({ position: { x: 8, y: 12 } })
		const numbersHeight = await height()
		console.log(`      manager page: ${fullHeight} px with every group open, ${collapsedHeight} px collapsed, ${numbersHeight} px with Numbers open (1280 px wide)`)
		expect(collapsedHeight).to.be.lessThan(fullHeight / 10)
		expect(collapsedHeight).to.be.lessThan(15_000)
		expect(numbersHeight - collapsedHeight, 'Numbers opens its members').to.be.greaterThan(5_000)

		// Where the class text's README links lead: the index page, at those sections.
		for (const link of readmeLinks) {
			await page.goto(link, { waitUntil: 'load' })
			const id = decodeURIComponent(new URL(link).hash.slice(1))
			expect(await page.evaluate((target) => document.getElementById(target)?.textContent?.trim(), id), link).to.be.oneOf(['Growth and polling', 'Safety'])
		}
	})
})
