/**
 * Builds of the library to compare in one process: a folder holding `dist/index.js`, or a
 * commit exported with `git archive` into .tmp/builds/<commit>/ and built there with
 * `npm run build`, once. Used by compare-builds.ts and allocation-builds.ts.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** `dist/index.js` of `spec`: a folder that has one, or a commit exported and built under .tmp/builds/. */
export function buildEntry(spec: string): { entry: string; description: string } {
	const folderEntry = join(resolve(spec), 'dist/index.js')
	if (existsSync(folderEntry)) return { entry: folderEntry, description: `the build in ${resolve(spec)}` }
	const commit = execFileSync('git', ['rev-parse', '--verify', `${spec}^{commit}`], { cwd: root, encoding: 'utf8' }).trim()
	const short = commit.slice(0, 7)
	const subject = execFileSync('git', ['log', '-1', '--format=%s', commit], { cwd: root, encoding: 'utf8' }).trim()
	const folder = join(root, '.tmp/builds', commit)
	const entry = join(folder, 'dist/index.js')
	if (!existsSync(entry)) {
		console.log(`building ${short} in ${folder} ...`)
		rmSync(folder, { recursive: true, force: true })
		mkdirSync(folder, { recursive: true })
		execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C '${folder}'`], { cwd: root })
		symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'))
		execFileSync('npm', ['run', '-s', 'build'], { cwd: folder, stdio: 'pipe' })
	}
	return { entry, description: `commit ${short} (${subject.length > 70 ? `${subject.slice(0, 67)}...` : subject})` }
}

