/**
 * `import-c --lang c++`: clang's JSON AST of a C++ header made into the AST of the C
 * header it lays out as, which the rest of import-c reads. Namespaces and `extern "C"`
 * blocks are opened; each record and enum gets its simple name (`geo::Vec3` is `Vec3`;
 * two of one name are `geo_Vec3` and `ui_Vec3`); a class template's instantiations are
 * records named after their typedef or `using` alias (`using Vec3f = Vec3<float>`), else
 * after their spelling (`Vec3_float`); a non-virtual base class's members come first, as
 * C++ lays them out (the layout check refuses a record whose base does not lay out so);
 * static members and member functions have no storage and are not members. What has no
 * C layout is refused with its reason: virtual functions (a vtable pointer at offset 0),
 * virtual bases, reference and pointer-to-member members.
 */
import { declarationFiles } from './declarationFiles.js'
import type { ClangNode } from './importC.js'

/** A node with what import-c reads of a C++ one: `unsupported` refuses the record, saying why. */
type Node = { -readonly [Key in keyof ClangNode]: ClangNode[Key] } & { bases?: readonly CxxBase[]; definitionData?: { isPolymorphic?: boolean } }

interface CxxBase {
	readonly type: { readonly qualType: string; readonly desugaredQualType?: string }
	readonly isVirtual?: boolean
}

const emptyClass = 'an empty class: C++ gives it sizeof 1, and a declaration needs a field'

/** What {@link normalizeCxx} gives: the C-like AST and the names clang's layout dump gives its records. */
export interface CxxHeader {
	readonly ast: ClangNode
	/** Each record's name in clang's layout dump (`geo::Vec3<float>`) to its name in the module (`Vec3f`). */
	readonly dumpNames: ReadonlyMap<string, string>
}

interface Declared {
	readonly node: Node
	/** `geo::Vec3`, `geo::Vec3<float>`. */
	readonly qualified: string
	readonly simple: string
	/** The file its declaration is in (resolved). */
	readonly file: string | undefined
	name?: string
}

/** The type arguments of a template instantiation as clang spells them (`float`, `unsigned int`), or undefined for one it does not spell so. */
function templateArguments(node: Node): string | undefined {
	const args = (node.inner ?? []).filter((child) => child.kind === 'TemplateArgument')
	const spelled = args.map((arg) => arg.type?.qualType ?? arg.value)
	return spelled.every((text) => text !== undefined) ? spelled.join(', ') : undefined
}

/** The spelling import-c reads a C++ type in: what clang desugars it to (typedefs and aliases followed: `std::uint32_t` is `unsigned int`). */
function desugared(type: { readonly qualType: string; readonly desugaredQualType?: string } | undefined): string {
	return type?.desugaredQualType ?? type?.qualType ?? ''
}

/**
 * The C-like AST of a C++ header's AST (see the module's comment). Each top-level
 * declaration is given the file it is declared in as its `loc`, so that import-c tells the
 * header's own declarations from the system headers' as it does for C.
 */
export function normalizeCxx(ast: ClangNode): CxxHeader {
	const files = declarationFiles(ast)

	const records: Declared[] = []
	const enums: Declared[] = []
	const aliases: { node: Node; qualified: string; target: string; file: string | undefined }[] = []
	const top: ClangNode[] = []
	/** Walks a scope (the translation unit, a namespace, an extern "C" block, a record): collects records, enums and aliases. */
	const collect = (nodes: readonly ClangNode[], scope: string, atTop: boolean): void => {
		for (const [index, original] of nodes.entries()) {
			let node = original as Node
			if (node.isImplicit) continue
			// `typedef struct { ... } Plain;`: C++ names the unnamed class Plain (and spells it so)
			const typedef = nodes[index + 1]
			if (node.kind === 'CXXRecordDecl' && node.name === undefined && typedef?.kind === 'TypedefDecl' && typedef.inner?.some((child) => child.ownedTagDecl?.id === node.id && node.id !== undefined)) {
				node = { ...node, name: typedef.name! }
				files.set(node, files.get(original))
			}
			switch (node.kind) {
				case 'NamespaceDecl':
					// clang spells an unnamed namespace's members `(anonymous namespace)::Name`
					collect(node.inner ?? [], `${scope}${node.name ?? '(anonymous namespace)'}::`, atTop)
					break
				case 'LinkageSpecDecl':
					collect(node.inner ?? [], scope, atTop)
					break
				case 'CXXRecordDecl':
				case 'RecordDecl':
					if (node.name !== undefined && node.completeDefinition) {
						records.push({ node, qualified: `${scope}${node.name}`, simple: node.name, file: files.get(node) })
						collect(node.inner ?? [], `${scope}${node.name}::`, false)
					}
					if (atTop) top.push(node)
					break
				case 'ClassTemplateDecl':
					// the template itself has no layout; its instantiations do
					for (const child of node.inner ?? []) if (child.kind === 'ClassTemplateSpecializationDecl') collect([child], scope, atTop)
					break
				case 'ClassTemplateSpecializationDecl': {
					const args = templateArguments(node)
					if (node.completeDefinition && node.name !== undefined && args !== undefined) {
						records.push({ node, qualified: `${scope}${node.name}<${args}>`, simple: `${node.name}_${args.replace(/\W+/g, '_')}`, file: files.get(node) })
						if (atTop) top.push(node)
					}
					break
				}
				case 'EnumDecl':
					if (node.name !== undefined) enums.push({ node, qualified: `${scope}${node.name}`, simple: node.name, file: files.get(node) })
					if (atTop) top.push(node)
					break
				case 'TypedefDecl':
				case 'TypeAliasDecl':
					if (node.name !== undefined) aliases.push({ node, qualified: `${scope}${node.name}`, target: desugared(node.type), file: files.get(node) })
					if (atTop) top.push(node)
					break
				default:
					break
			}
		}
	}
	collect(ast.inner ?? [], '', true)

	// names: an instantiation takes its first alias's; a simple name two declarations have is qualified (`geo_Vec3`)
	const byQualified = new Map<string, Declared>([...records, ...enums].map((declared) => [declared.qualified, declared]))
	for (const alias of aliases) {
		const target = byQualified.get(alias.target.replace(/^(?:struct|class|union|enum) /, ''))
		if (target !== undefined && target.node.kind === 'ClassTemplateSpecializationDecl' && target.name === undefined) target.name = alias.node.name!
	}
	const counts = new Map<string, number>()
	for (const declared of [...records, ...enums]) counts.set(declared.simple, (counts.get(declared.simple) ?? 0) + 1)
	for (const declared of [...records, ...enums]) {
		declared.name ??= counts.get(declared.simple)! > 1 ? declared.qualified.replace(/\(anonymous namespace\)/g, 'anonymous').replace(/::/g, '_').replace(/\W+/g, '_') : declared.simple
	}
	// qualified spellings, longest first, so that `geo::Vec3<float>` is replaced before `Vec3`
	const spellings = [...byQualified.values()].sort((a, b) => b.qualified.length - a.qualified.length)
	const tagOf = (declared: Declared): string => (declared.node.kind === 'EnumDecl' ? 'enum' : declared.node.tagUsed === 'union' ? 'union' : 'struct')
	/** A C++ type spelling as the C one import-c reads: each record and enum as its tag (`struct Vec3f`). */
	const cSpelling = (text: string): string => {
		let out = text
		for (const declared of spellings) {
			const pattern = new RegExp(`(?:\\b(?:struct|class|union|enum) )?(?<![\\w:])${declared.qualified.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w<])`, 'g')
			out = out.replace(pattern, `${tagOf(declared)} ${declared.name}`)
		}
		return out
	}
	const recordByQualified = new Map(records.map((declared) => [declared.qualified, declared]))
	const normalizedRecords = new Map<Node, Node>()
	/** A record's fields as C lays them out: its non-virtual bases' members first, in order. */
	const normalizeRecord = (node: Node, name: string | undefined): Node => {
		const done = normalizedRecords.get(node)
		if (done !== undefined) return done
		let unsupported: string | undefined
		if (node.definitionData?.isPolymorphic) {
			unsupported = 'virtual functions: C++ puts a vtable pointer at offset 0 (and in each polymorphic base), which no field type offers'
		}
		const inherited: ClangNode[] = []
		const hints: string[] = []
		for (const base of node.bases ?? []) {
			const spelled = desugared(base.type)
			if (base.isVirtual) {
				unsupported ??= `a virtual base class (${spelled}), which C++ reaches through a vtable pointer`
				continue
			}
			const declared = recordByQualified.get(spelled.replace(/^(?:struct|class|union) /, ''))
			if (declared === undefined) {
				unsupported ??= `a base class (${spelled}) that has no definition here`
				continue
			}
			const normalized = normalizeRecord(declared.node, declared.name)
			// an empty base takes no bytes (C++'s empty base optimisation): it adds no members
			unsupported ??= normalized.unsupported === undefined || normalized.unsupported === emptyClass ? undefined : `a base class (${spelled}) that is left out: it uses ${normalized.unsupported}`
			inherited.push(...(normalized.inner ?? []).filter((child) => child.kind === 'FieldDecl'))
			hints.push(
				`its base class ${spelled}'s members are declared first; C++ starts the class's own members after the base's sizeof, tail padding included, unless the base is not a POD (a constructor, private members...), which a declaration cannot say`,
			)
		}
		const inner: ClangNode[] = [...inherited]
		for (const original of node.inner ?? []) {
			const child = original as Node
			if (child.kind === 'CXXRecordDecl' || child.kind === 'RecordDecl') {
				if (child.isImplicit) continue
				const nested = records.find((declared) => declared.node === child)
				inner.push(normalizeRecord(child, nested?.name ?? child.name))
				continue
			}
			if (child.kind === 'EnumDecl') {
				const nested = enums.find((declared) => declared.node === child)
				inner.push(normalizeEnum(child, nested?.name ?? child.name))
				continue
			}
			if (child.kind === 'FieldDecl') {
				const spelled = desugared(child.type)
				if (/&/.test(spelled)) unsupported ??= `a reference member (${spelled} ${child.name ?? ''}), which C++ stores as an address no field type can follow`
				else if (/::\*/.test(spelled)) unsupported ??= `a pointer to member (${spelled} ${child.name ?? ''}), which no field type offers`
				inner.push({ ...child, type: { qualType: cSpelling(spelled) } })
				continue
			}
			// the record's attributes (packed, aligned); methods, static members, access specifiers have no storage
			if (child.kind.endsWith('Attr')) inner.push(child)
		}
		if (!inner.some((child) => child.kind === 'FieldDecl')) unsupported ??= emptyClass
		const duplicate = inner.filter((child) => child.kind === 'FieldDecl' && child.name !== undefined).find((child, index, fields) => fields.findIndex((other) => other.name === child.name) !== index)
		if (duplicate !== undefined) unsupported ??= `a member ${duplicate.name} that a base class has too, which one declaration cannot hold twice`
		const result: Node = {
			...node,
			kind: 'RecordDecl',
			tagUsed: node.tagUsed === 'union' ? 'union' : 'struct',
			...(name === undefined ? { name: undefined } : { name }),
			inner,
			...(unsupported === undefined ? {} : { unsupported }),
			...(hints.length === 0 ? {} : { hints }),
		}
		delete result.bases
		normalizedRecords.set(node, result)
		return result
	}
	const normalizeEnum = (node: Node, name: string | undefined): Node => ({
		...node,
		name,
		...(node.fixedUnderlyingType === undefined ? {} : { fixedUnderlyingType: { qualType: desugared(node.fixedUnderlyingType) } }),
	})

	const inner: Node[] = []
	for (const node of top as Node[]) {
		const file = files.get(node)
		// the file it is declared in, first, as declarationFiles reads it
		const loc = file === undefined ? {} : { file, line: 1, col: 1 }
		if (node.kind === 'CXXRecordDecl' || node.kind === 'RecordDecl' || node.kind === 'ClassTemplateSpecializationDecl') {
			const declared = records.find((entry) => entry.node === node)
			inner.push({ ...normalizeRecord(node, declared?.name ?? node.name), loc, range: undefined })
		} else if (node.kind === 'EnumDecl') {
			const declared = enums.find((entry) => entry.node === node)
			inner.push({ ...normalizeEnum(node, declared?.name), loc, range: undefined })
		} else {
			const alias = aliases.find((entry) => entry.node === node)!
			const owned = (node.inner ?? []).find((child) => child.ownedTagDecl !== undefined)
			inner.push({ kind: 'TypedefDecl', name: node.name, type: { qualType: cSpelling(alias.target) }, loc, inner: owned === undefined ? [] : [owned], ...(node.id === undefined ? {} : { id: node.id }) })
		}
	}
	const dumpNames = new Map<string, string>()
	for (const declared of records) if (declared.name !== undefined) dumpNames.set(declared.qualified, declared.name)
	return { ast: { ...ast, inner }, dumpNames }
}

/** The C++ source whose layout dump has each of `header`'s records: `header` included, then a `sizeof` of each top-level record and of each alias of a template instantiation (which instantiates it). */
export function cxxLayoutProbe(header: string, ast: ClangNode): string {
	const names: string[] = []
	const walk = (nodes: readonly ClangNode[], scope: string): void => {
		for (const node of nodes) {
			if (node.isImplicit) continue
			if (node.kind === 'NamespaceDecl') walk(node.inner ?? [], node.name === undefined ? scope : `${scope}${node.name}::`)
			else if (node.kind === 'LinkageSpecDecl') walk(node.inner ?? [], scope)
			else if ((node.kind === 'CXXRecordDecl' || node.kind === 'RecordDecl') && node.completeDefinition && node.name !== undefined) names.push(`${node.tagUsed === 'union' ? 'union' : 'struct'} ${scope}${node.name}`)
			else if ((node.kind === 'TypeAliasDecl' || node.kind === 'TypedefDecl') && node.name !== undefined && /</.test(desugared(node.type))) names.push(`${scope}${node.name}`)
		}
	}
	walk(ast.inner ?? [], '')
	return `#include "${header}"\n${names.map((name) => `static_assert(sizeof(${name}) > 0, "${name}");`).join('\n')}\n`
}
