/**
 * The release line: package.json, jsr.json and CHANGELOG.md agree on the version;
 * package.json says where the project lives; and MIGRATING.md's tables of renamed and
 * removed names are true of the built declarations (every old name is gone, every new
 * name is there).
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const read = (path: string): string => readFileSync(join(root, path), 'utf8')
const manifest = JSON.parse(read('package.json')) as Record<string, unknown> & { version: string }

/** Every name the declarations give a user: exported declarations and their members, across the entry points. */
function declaredNames(): Set<string> {
	const names = new Set<string>()
	for (const file of ['dist/index.d.ts', 'dist/allocator.d.ts', 'dist/structs.d.ts']) {
		const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, true)
		const visit = (node: ts.Node): void => {
			if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.name) {
				names.add(node.name.text)
			}
			if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && node.name) {
				for (const member of node.members) if (member.name && ts.isIdentifier(member.name)) names.add(member.name.text)
			}
			if (ts.isVariableStatement(node)) for (const declaration of node.declarationList.declarations) names.add(declaration.name.getText(source))
			ts.forEachChild(node, visit)
		}
		visit(source)
	}
	return names
}

/** The backticked names in column `column` of the table under `heading` (a name is the first identifier of a cell's first backticked span). */
function tableColumn(markdown: string, heading: string, column: number): string[][] {
	const start = markdown.indexOf(`\n## ${heading}\n`)
	expect(start, `MIGRATING.md has a "## ${heading}" section`).to.not.equal(-1)
	const end = markdown.indexOf('\n## ', start + 1)
	const rows = markdown
		.slice(start, end === -1 ? undefined : end)
		.split('\n')
		.filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && !line.startsWith('| 0.5.x'))
	return rows.map((row) => {
		const cell = row.split(' | ')[column]!.replace(/^\| /, '')
		return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!)
	})
}

describe('release', () => {
	before(function () {
		this.timeout(300_000)
		const build = spawnSync(process.execPath, [join(root, 'scripts/ensure-build.mjs')], { cwd: root, encoding: 'utf8' })
		expect(build.status, build.stderr).to.equal(0)
	})

	it('continues the 0.5 line published under this name: a version above 0.5.1', () => {
		const [major, minor] = manifest.version.split('.').map(Number) as [number, number]
		expect(major > 0 || minor > 5, manifest.version).to.equal(true)
	})

	it('package.json names the repository, its home page and where to report bugs, all one project', () => {
		const repository = manifest.repository as { type: string; url: string }
		expect(repository.type).to.equal('git')
		const project = /^git\+(https:\/\/github\.com\/[\w.-]+\/wasm-heap-manager)\.git$/.exec(repository.url)?.[1]
		expect(project, repository.url).to.be.a('string')
		expect(manifest.homepage).to.equal(`${project}#readme`)
		expect(manifest.bugs).to.deep.equal({ url: `${project}/issues` })
	})

	it('jsr.json has the same version and license, and exports the same entry points as package.json but the generator', () => {
		const jsr = JSON.parse(read('jsr.json')) as { version: string; license: string; exports: Record<string, string> }
		expect(jsr.version).to.equal(manifest.version)
		expect(jsr.license).to.equal(manifest.license)
		// The struct generator (./codegen, a bin on npm) needs ts-morph, which JSR cannot
		// take as an optional peer: it stays npm-only.
		const npmEntries = Object.keys(manifest.exports as object).filter((key) => key !== './package.json' && key !== './codegen')
		expect(Object.keys(jsr.exports).sort()).to.deep.equal(npmEntries.sort())
		for (const [entry, path] of Object.entries(jsr.exports)) {
			// The TypeScript source of the entry that package.json maps to dist/<name>.js.
			const name = entry === '.' ? 'index' : entry.slice(2)
			expect(path, entry).to.equal(`./src/${name}.ts`)
			expect(read(path), path).to.contain('export')
		}
		// and the generator's sources, which no JSR entry reaches (node:child_process, ts-morph), are not published
		const publish = (JSON.parse(read('jsr.json')) as { publish: { include: string[]; exclude?: string[] } }).publish
		expect(publish.exclude ?? [], 'jsr.json publish.exclude').to.include('src/generator')
	})

	it("CHANGELOG.md's newest entry is this version", () => {
		const newest = /^## \[?(\d+\.\d+\.\d+)\]?/m.exec(read('CHANGELOG.md'))?.[1]
		expect(newest).to.equal(manifest.version)
	})

	it("MIGRATING.md's renamed names are gone from the declarations and their new names are there", () => {
		const names = declaredNames()
		const migrating = read('MIGRATING.md')
		const olds = tableColumn(migrating, 'Renamed', 0).map((cells) => cells[0]!)
		const news = tableColumn(migrating, 'Renamed', 1).map((cells) => cells[0]!)
		expect(olds).to.include.members(['readUint8Clamped', 'allocatedByteCount', 'NullTerminatedUtf8StringRef'])
		expect(olds).to.have.length(news.length)
		expect(olds.filter((name) => names.has(name)), 'old names still declared').to.deep.equal([])
		expect(news.filter((name) => !names.has(name)), 'new names not declared').to.deep.equal([])
	})

	it("MIGRATING.md's removed names are gone from the declarations", () => {
		const names = declaredNames()
		const removed = tableColumn(read('MIGRATING.md'), 'Removed', 0).flat().filter((name) => /^\w+$/.test(name))
		expect(removed).to.include.members(['isNotFreed', 'heapGetter', 'NumericRef', 'DataType'])
		// The whole-heap views came back under their 0.5 names.
		expect(removed).to.not.include('heapInt8')
		expect(names.has('heapInt8') && names.has('heapDataView')).to.equal(true)
		expect(removed.filter((name) => names.has(name)), 'removed names still declared').to.deep.equal([])
	})
})
