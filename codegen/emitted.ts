/**
 * What an emitter returns: the members it made, grouped by the class they go into,
 * with the imports those members use. `main` assembles files from these parts and
 * never lists an import by hand.
 */
import type {
	ConstructorDeclarationStructure,
	GetAccessorDeclarationStructure,
	ImportDeclarationStructure,
	MethodDeclarationStructure,
	OptionalKind,
	PropertyDeclarationStructure,
	SetAccessorDeclarationStructure,
} from 'ts-morph'

export type Method = OptionalKind<MethodDeclarationStructure>
export type Getter = OptionalKind<GetAccessorDeclarationStructure>
export type Setter = OptionalKind<SetAccessorDeclarationStructure>
export type Property = OptionalKind<PropertyDeclarationStructure>
export type Constructor = OptionalKind<ConstructorDeclarationStructure>

/** Members for one class, and the names they import, by module. */
export class Part {
	readonly methods: Method[] = []
	readonly getAccessors: Getter[] = []
	readonly setAccessors: Setter[] = []
	readonly properties: Property[] = []
	/** At most one, for the class's own fields that must be set in a fixed order (ref classes). */
	readonly ctors: Constructor[] = []
	/** Imported names by module specifier (relative to `generated/`). */
	readonly imports = new Map<string, Set<string>>()

	/** Records that the members use `names` from `module`. Returns `this`. */
	use(module: string, ...names: string[]): this {
		let set = this.imports.get(module)
		if (set === undefined) this.imports.set(module, (set = new Set()))
		for (const name of names) set.add(name)
		return this
	}

	/** Adds every member and import of `other`. */
	add(other: Part): this {
		this.methods.push(...other.methods)
		this.getAccessors.push(...other.getAccessors)
		this.setAccessors.push(...other.setAccessors)
		this.properties.push(...other.properties)
		this.ctors.push(...other.ctors)
		for (const [module, names] of other.imports) this.use(module, ...names)
		return this
	}
}

/** The parts one facet emitter made for one row: manager members, value-ref members, array-ref members. */
export interface FacetParts {
	readonly manager: Part
	readonly ref: Part
	readonly arrayRef: Part
}

/** Empty parts, for an emitter to fill. */
export function facetParts(): FacetParts {
	return { manager: new Part(), ref: new Part(), arrayRef: new Part() }
}

/**
 * The one-line provenance comment above each generated member (as protobuf-es marks
 * `@generated from`): which row and which emitter made it.
 */
export function provenance(row: string, emitter: string): string {
	return `// ${row} · codegen/${emitter}.ts\n`
}

/** Import declarations for a set of parts, sorted by module and name (deterministic output). */
export function importDeclarations(
	parts: readonly Part[],
	except: ReadonlySet<string> = new Set(),
): OptionalKind<ImportDeclarationStructure>[] {
	const merged = new Part()
	for (const part of parts) merged.add(part)
	return [...merged.imports.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([moduleSpecifier, names]) => ({
			moduleSpecifier,
			namedImports: [...names].filter((name) => !except.has(name)).sort().map((name) => importSpecifier(name)),
		}))
		.filter((declaration) => declaration.namedImports.length > 0)
}

/** `name` or `name as alias` (written `original as alias` by the emitters). */
function importSpecifier(name: string): string | { name: string; alias: string } {
	const match = / as /.exec(name)
	if (match === null) return name
	return { name: name.slice(0, match.index), alias: name.slice(match.index + 4) }
}
