// Preloaded (node --import) by test/codecs-browser-host.test.ts, after tsx: hides
// process.versions.node, so that src/codecs/host.ts takes this process for a browser and
// the codecs use the thresholds measured in Chromium; and hides Node's
// Buffer.prototype.ucs2Write, ucs2Slice and latin1Slice, which a browser does not have, so
// that src/codecs/hostCopies.ts finds none and the UTF-16 and ASCII codecs keep their loops
// and TextDecoder. It hides process.getBuiltinModule too, through which
// src/codecs/hostCopies.ts finds node:buffer's isAscii.
const versions = { ...process.versions }
delete versions.node
Object.defineProperty(process, 'versions', { value: versions, configurable: true, enumerable: true })
for (const name of ['ucs2Write', 'ucs2Slice', 'latin1Slice']) {
	Object.defineProperty(Buffer.prototype, name, { value: undefined, configurable: true, writable: true })
}
Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true, writable: true })
