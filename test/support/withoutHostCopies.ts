/**
 * Imported first, for its effect: hides Node's `Buffer.prototype.ucs2Write`, `ucs2Slice`
 * and `latin1Slice` before the library loads, so that src/codecs/hostCopies.ts finds none
 * and the UTF-16 and ASCII codecs read and write as they do in a browser (their loops and
 * `TextDecoder`).
 */
for (const name of ['ucs2Write', 'ucs2Slice', 'latin1Slice']) {
	Object.defineProperty(Buffer.prototype, name, { value: undefined, configurable: true, writable: true })
}
