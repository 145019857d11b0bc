// Opens the navigation on the entry points on a reader's first visit (the modules, the main
// entry, its "Entry points" group): TypeDoc's accordions start from these saved states, and
// a state the reader set (by opening or closing one) is kept.
for (const key of ['Modules', 'Modules$wasm-heap-manager', 'Modules$wasm-heap-manager$Entry points']) {
	try {
		if (localStorage.getItem(`tsd-accordion-${key}`) === null) localStorage.setItem(`tsd-accordion-${key}`, 'true')
	} catch {
		// no localStorage (a file:// page in some browsers): the navigation starts closed
	}
}
