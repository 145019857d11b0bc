// The page around the example's steps: one card per step with the code that ran (the step
// function's own source text, so it cannot drift from what ran), its result, and a hex view
// of each heap region it touched. The hex views re-read the heap on every animation frame:
// bytes the step wrote are marked, and bytes changed since (by a later step, the worker or
// you in the console) are marked differently.
//
// Nothing here evaluates code: the source is shown as text (Function.prototype.toString),
// so the page runs under a strict Content-Security-Policy.

const bytesPerRow = 16
const maxRowsPerRegion = 8
const hexDigits = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/** Creates an element with a class and optional text. */
function element(tag, className, text) {
	const node = document.createElement(tag)
	if (className) node.className = className
	if (text !== undefined) node.textContent = text
	return node
}

/** The source of a function, with the indentation it had in the file removed. */
export function sourceOf(fn) {
	const lines = fn.toString().split('\n')
	const indents = lines
		.slice(1)
		.filter((line) => line.trim() !== '')
		.map((line) => /^[\t ]*/.exec(line)[0].length)
	const common = indents.length > 0 ? Math.min(...indents) : 0
	// The first line has no indentation of its own in toString(); the last (the closing
	// brace) sits one level out, so it sets the common indentation.
	return [lines[0], ...lines.slice(1).map((line) => line.slice(common))].join('\n').replaceAll('\t', '  ')
}

// A small tokenizer, just for colour: comments, strings, numbers, keywords; everything
// else is plain text.
const tokenPattern =
	/(\/\/[^\n]*)|('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)|\b(0x[0-9a-f_]+n?|\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?n?)\b|\b(const|let|return|function|async|await|new|try|catch|throw|if|else|for|of|typeof|instanceof)\b/gi
const tokenClasses = ['comment', 'string', 'number', 'keyword']

/** Fills a <code> element with the source, coloured by token (as text nodes and spans). */
function highlight(code, source) {
	let last = 0
	for (const match of source.matchAll(tokenPattern)) {
		if (match.index > last) code.append(source.slice(last, match.index))
		const kind = tokenClasses[match.slice(1).findIndex((group) => group !== undefined)]
		code.append(element('span', `tok-${kind}`, match[0]))
		last = match.index + match[0].length
	}
	code.append(source.slice(last))
}

const hexAddress = (address) => address.toString(16).padStart(8, '0')

/**
 * A live hex view of `byteLength` bytes at `address` (at most `maxRowsPerRegion` rows).
 * `before` is a copy of the whole heap taken before the step ran; the bytes as they were
 * right after the step are copied now.
 */
class HexView {
	constructor(heap, label, region, before) {
		this.heap = heap
		this.ref = region.ref
		this.address = region.address
		this.byteLength = Math.min(region.byteLength, maxRowsPerRegion * bytesPerRow)
		const now = heap.viewUint8Array(this.address, this.byteLength)
		this.after = now.slice()
		this.before = Uint8Array.from(this.after, (_, index) => before[this.address + index] ?? 0) // past the old end: new, zeroed memory
		this.shown = new Uint8Array(this.byteLength)
		this.states = new Uint8Array(this.byteLength).fill(255) // 255: not rendered yet

		this.root = element('figure', 'region')
		this.root.dataset.region = label
		this.root.dataset.address = String(this.address)
		const caption = element('figcaption')
		caption.append(element('span', 'region-name', label))
		const type = region.ref ? `${region.ref.constructor.name} · ` : ''
		caption.append(
			element(
				'span',
				'region-meta',
				`${type}address ${this.address} (0x${this.address.toString(16)}) · ${region.byteLength.toLocaleString('en')} bytes`,
			),
		)
		this.freedBadge = element('span', 'badge freed', 'freed')
		this.freedBadge.hidden = true
		caption.append(this.freedBadge)
		this.root.append(caption)

		const table = element('div', 'hex')
		this.cells = [] // per byte: [hex span, ascii span]
		const firstRow = this.address - (this.address % bytesPerRow)
		const end = this.address + this.byteLength
		for (let rowStart = firstRow; rowStart < end; rowStart += bytesPerRow) {
			const row = element('div', 'hex-row')
			row.append(element('span', 'hex-offset', hexAddress(rowStart)))
			const hex = element('span', 'hex-bytes')
			const ascii = element('span', 'hex-ascii')
			for (let column = 0; column < bytesPerRow; column++) {
				const address = rowStart + column
				const inside = address >= this.address && address < end
				if (column === 8) hex.append(' ')
				const byte = element('span', inside ? 'b' : 'b outside', inside ? '' : '  ')
				const char = element('span', inside ? 'c' : 'c outside', inside ? '' : ' ')
				hex.append(byte)
				if (column < bytesPerRow - 1) hex.append(' ')
				ascii.append(char)
				if (inside) this.cells.push([byte, char])
			}
			row.append(hex, element('span', 'hex-bar', '|'), ascii, element('span', 'hex-bar', '|'))
			table.append(row)
		}
		this.root.append(table)
		if (region.byteLength > this.byteLength) {
			this.root.append(element('p', 'region-more', `… ${(region.byteLength - this.byteLength).toLocaleString('en')} more bytes not shown`))
		}
		this.update()
	}

	/** Re-reads the region from the heap and re-renders the bytes that changed. */
	update() {
		if (this.ref) {
			const freed = this.ref.isFreed
			if (this.freedBadge.hidden === freed) {
				this.freedBadge.hidden = !freed
				this.root.classList.toggle('is-freed', freed)
			}
		}
		let bytes
		try {
			bytes = this.heap.viewUint8Array(this.address, this.byteLength)
		} catch {
			return // the heap cannot be read right now (it never shrinks, so this is not expected)
		}
		for (let index = 0; index < this.byteLength; index++) {
			const byte = bytes[index]
			// 0: unchanged by the step, 1: written by the step, 2: changed since the step.
			const state = byte !== this.after[index] ? 2 : this.after[index] !== this.before[index] ? 1 : 0
			if (state === this.states[index] && byte === this.shown[index]) continue
			this.states[index] = state
			this.shown[index] = byte
			const [hexCell, charCell] = this.cells[index]
			hexCell.textContent = hexDigits[byte]
			charCell.textContent = byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.'
			const className = state === 2 ? 'later' : state === 1 ? 'written' : ''
			hexCell.className = `b ${className}`
			charCell.className = `c ${className}`
		}
	}
}

/**
 * The page: `addStep` adds a card whose code panel shows `run`'s source; the returned
 * `finish` fills in the result and the hex views. `startLiveViews` re-renders every hex
 * view on each animation frame.
 */
export function createPage(heap, container) {
	const views = []
	let number = 0

	function addStep(title, description, run) {
		number++
		const card = element('section', 'step running')
		card.dataset.step = run.name
		const heading = element('header', 'step-heading')
		heading.append(element('span', 'step-number', String(number)), element('h2', '', title), element('span', 'badge status', 'running'))
		card.append(heading)

		const body = element('div', 'step-body')
		const left = element('div', 'step-code')
		left.append(element('p', 'step-description', description))
		const pre = element('pre', 'code')
		const code = element('code')
		highlight(code, sourceOf(run))
		pre.append(code)
		left.append(pre)
		const right = element('div', 'step-output')
		const result = element('div', 'result')
		right.append(element('h3', '', 'Result'), result)
		const regions = element('div', 'regions')
		right.append(regions)
		body.append(left, right)
		card.append(body)
		container.append(card)

		return {
			/** Adds a second code panel (for code that ran elsewhere, such as a worker's module). */
			addSource(label, source) {
				const details = element('details', 'extra-source')
				details.append(element('summary', '', label))
				const extra = element('pre', 'code')
				const extraCode = element('code')
				highlight(extraCode, source)
				extra.append(extraCode)
				details.append(extra)
				left.append(details)
			},
			finish({ result: text, ok, show = {} }, before) {
				const status = ok === undefined ? 'skipped' : ok ? 'pass' : 'fail'
				card.classList.replace('running', status)
				card.dataset.status = status
				heading.querySelector('.status').textContent = status === 'pass' ? '✓ pass' : status === 'fail' ? '✗ fail' : 'skipped'
				result.textContent = text
				const entries = Object.entries(show)
				if (entries.length > 0) {
					regions.append(element('h3', '', entries.length === 1 ? 'Heap region it touched (live)' : 'Heap regions it touched (live)'))
				}
				for (const [label, value] of entries) {
					// A ref (address and allocatedByteSize) or a plain { address, byteLength }.
					const region =
						typeof value.allocatedByteSize === 'number'
							? { ref: value, address: value.address, byteLength: value.allocatedByteSize }
							: { address: value.address, byteLength: value.byteLength }
					try {
						const view = new HexView(heap, label, region, before)
						views.push(view)
						regions.append(view.root)
					} catch (error) {
						regions.append(element('p', 'region-error', `${label}: ${error.message}`))
					}
				}
				return status
			},
		}
	}

	function startLiveViews() {
		const frame = () => {
			for (const view of views) view.update()
			requestAnimationFrame(frame)
		}
		requestAnimationFrame(frame)
	}

	return { addStep, startLiveViews }
}
