// Opens the navigation on the entry points on a reader's first visit (the modules, the main
// entry, its "Entry points" group): TypeDoc's accordions start from these saved states, and
// a state the reader set (by opening or closing one) is kept.
const firstVisit = []
for (const key of ['Modules', 'Modules$wasm-heap-manager', 'Modules$wasm-heap-manager$Entry points']) {
	try {
		if (localStorage.getItem(`tsd-accordion-${key}`) === null) {
			localStorage.setItem(`tsd-accordion-${key}`, 'true')
			firstVisit.push(key)
		}
	} catch {
		// no localStorage (a file:// page in some browsers): the navigation starts closed
	}
}

// TypeDoc loads its own script async and this one deferred, so on a slow load its script
// may build the navigation, reading the saved states, before this file ran: open those
// accordions where they are (opening one saves its state, as a reader's click does).
function openFirstVisit() {
	for (let index = firstVisit.length - 1; index >= 0; index--) {
		const summary = document.querySelector(`#tsd-nav-container summary[data-key="${CSS.escape(firstVisit[index])}"]`)
		if (summary === null) continue
		if (summary.parentElement instanceof HTMLDetailsElement) summary.parentElement.open = true
		firstVisit.splice(index, 1)
	}
	return firstVisit.length === 0
}
if (firstVisit.length > 0 && !openFirstVisit()) {
	const observer = new MutationObserver(() => {
		if (openFirstVisit()) observer.disconnect()
	})
	observer.observe(document.documentElement, { childList: true, subtree: true })
	setTimeout(() => observer.disconnect(), 30_000)
}
