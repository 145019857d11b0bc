/**
 * Which file each declaration of a header's clang JSON AST is in: shared by import-c's C
 * reading (importC.ts) and its C++ one (importCxx.ts), a module of its own so that neither
 * imports the other for it.
 */
import { resolve } from 'node:path'
import type { ClangNode } from './importC.js'

/**
 * The file each declaration of `ast` is in, nested ones included: where its name is, after
 * macro expansion, resolved. clang's JSON leaves a location's `file` out when it is the file
 * of the location written before it, in the order of the text, nested nodes' included.
 */
export function declarationFiles(ast: ClangNode): Map<ClangNode, string | undefined> {
	const files = new Map<ClangNode, string | undefined>()
	let last: string | undefined
	const visit = (value: unknown): void => {
		if (Array.isArray(value)) {
			for (const item of value) visit(item)
			return
		}
		if (value === null || typeof value !== 'object') return
		const object = value as Record<string, unknown>
		// a location (`includedFrom` has a file alone, and does not count)
		if (typeof object.file === 'string' && typeof object.col === 'number') last = object.file
		const isNode = typeof object.kind === 'string'
		// a node's `loc` is written first, its `spellingLoc` before its `expansionLoc`
		if (isNode) {
			visit(object.loc)
			files.set(object as unknown as ClangNode, last === undefined ? undefined : resolve(last))
		}
		for (const key in object) if (!(isNode && key === 'loc')) visit(object[key])
	}
	visit(ast)
	return files
}
