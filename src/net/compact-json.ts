/**
 * A large JSON answer, made small as it streams in (./body.ts uses it for any
 * body over 64 KiB): whitespace between tokens dropped, every string cut after
 * MAX_STRING_BYTES of content at a whole character or escape, and what is left
 * must fit in MAX_CONTENT_BYTES with at most MAX_VALUES values, or it
 * overflows. So JSON.parse never sees more than 2 MiB or 25,000 values of
 * one answer, whatever the service sent: a page of 100 executions or
 * pipelines, the most the action asks for, holds a few thousand.
 *
 * No text the action reads is near MAX_STRING_BYTES: IDs, tokens and keys are
 * far shorter. Texts shown to people (`Message`, `ErrorInfo`) are shown up to
 * 4,096 characters; in an answer over 64 KiB, one in another script, or full
 * of escapes, shows fewer. A pipeline's `BuildContent` and `TestContent` (up
 * to 16 KB each, never read) are what make a healthy page of 100 pipelines
 * large: cut, such a page keeps under 1 MiB, escaped or not.
 *
 * It only drops bytes JSON ignores, or the end of an over-long string: a valid
 * body parses to the same value, strings cut aside; an invalid one stays
 * invalid, unless what made it invalid was in the part of a string cut off.
 */

/** The bytes of one string's content that are kept. */
export const MAX_STRING_BYTES = 4 * 1024
/** What is left: at most this many bytes and values. */
export const MAX_CONTENT_BYTES = 2 * 1024 * 1024
export const MAX_VALUES = 25_000

/** `…` as a JSON escape: the end of a string that was cut. */
const CUT_MARK = Buffer.from('\\u2026')
const QUOTE = 0x22
const BACKSLASH = 0x5c
const LETTER_U = 0x75
const COLON = 0x3a

/** What is left would be larger than the bound. */
export class Overflow extends Error {}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}

function isHexDigit(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x46) ||
    (byte >= 0x61 && byte <= 0x66)
  )
}

/** Bytes of a number or a literal: two of them that whitespace kept apart stay apart. */
function isWord(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2b ||
    byte === 0x2d ||
    byte === 0x2e
  )
}

/** `\\uD800` to `\\uDBFF`: the first half of a pair, which must not be kept alone. */
function isHighSurrogateEscape(unit: number[]): boolean {
  if (unit.length !== 6 || unit[0] !== BACKSLASH || unit[1] !== LETTER_U) return false
  const value = parseInt(String.fromCharCode(...unit.slice(2)), 16)
  return value >= 0xd800 && value <= 0xdbff
}

/** A byte inside a string that is a whole character and ends nothing: ASCII, no quote or backslash. */
function isPlain(byte: number): boolean {
  return byte < 0x80 && byte !== QUOTE && byte !== BACKSLASH
}

/** The bytes a UTF-8 character that starts with `lead` takes (1 for a stray byte). */
function charLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
}

export class CompactJson {
  /** Grown as needed: most bodies that pass through are mostly whitespace or cut text. */
  private out = Buffer.allocUnsafe(64 * 1024)
  private length = 0
  private values = 0
  private inString = false
  private spaced = false
  /** Of the current string: content bytes kept, and whether it was cut. */
  private kept = 0
  private cut = false
  /** The escape or character being read inside a string (a chunk may end in it). */
  private unit: number[] = []
  /** In a string that was cut, the byte after a backslash is skipped, a quote too. */
  private skipNext = false

  write(chunk: Buffer): void {
    let i = 0
    while (i < chunk.length) {
      if (!this.inString) this.tokenByte(chunk[i++])
      else if (this.cut) i = this.skipCut(chunk, i)
      else if (this.unit.length === 0 && isPlain(chunk[i])) i = this.copyPlain(chunk, i)
      else this.stringByte(chunk[i++])
    }
  }

  /** A run of plain ASCII inside a string, copied at once while there is room. */
  private copyPlain(chunk: Buffer, start: number): number {
    let end = start
    while (end < chunk.length && isPlain(chunk[end])) end++
    const room = MAX_STRING_BYTES - this.kept
    const take = Math.min(end - start, room)
    this.push(chunk.subarray(start, start + take))
    this.kept += take
    if (take === end - start) return end
    this.cut = true
    this.push(CUT_MARK)
    return start + take
  }

  /**
   * The rest of a string that was cut: skipped to its closing quote, escapes
   * and all. The quote is searched for once per chunk, and again only once an
   * escape took it: a chunk of backslashes costs one pass, not one per escape.
   */
  private skipCut(chunk: Buffer, start: number): number {
    let i = start
    if (this.skipNext) {
      this.skipNext = false
      i++
    }
    let quote = chunk.indexOf(QUOTE, i)
    for (;;) {
      const backslash = chunk.indexOf(BACKSLASH, i)
      if (backslash < 0 || (quote >= 0 && quote < backslash)) break
      if (backslash + 1 >= chunk.length) {
        this.skipNext = true
        return chunk.length
      }
      i = backslash + 2
      if (quote >= 0 && quote < i) quote = chunk.indexOf(QUOTE, i)
    }
    if (quote < 0) return chunk.length
    this.closeString()
    return quote + 1
  }

  /** What is left, once the whole body was written. */
  end(): Buffer {
    if (this.unit.length > 0) this.flushUnit()
    return this.out.subarray(0, this.length)
  }

  private push(bytes: ArrayLike<number>): void {
    const needed = this.length + bytes.length
    if (needed > MAX_CONTENT_BYTES)
      throw new Overflow(`over ${MAX_CONTENT_BYTES / 1048576} MiB of JSON`)
    if (needed > this.out.length) this.grow(needed)
    if (Buffer.isBuffer(bytes)) this.length += bytes.copy(this.out, this.length)
    else for (let i = 0; i < bytes.length; i++) this.out[this.length++] = bytes[i]
  }

  private grow(needed: number): void {
    let size = this.out.length
    while (size < needed) size *= 2
    const larger = Buffer.allocUnsafe(Math.min(size, MAX_CONTENT_BYTES))
    this.out.copy(larger, 0, 0, this.length)
    this.out = larger
  }

  /** Outside strings: whitespace dropped, a string opened, values counted. */
  private tokenByte(byte: number): void {
    if (isWhitespace(byte)) {
      this.spaced = true
      return
    }
    const last = this.out[this.length - 1]
    if (this.spaced && this.length > 0 && isWord(byte) && isWord(last)) this.push([0x20])
    this.spaced = false
    // A cut key could merge with another cut the same way: members would vanish.
    if (byte === COLON && this.cut) throw new Overflow(`a key over ${MAX_STRING_BYTES / 1024} KiB`)
    // A `[`, `{` or `,` begins a value (or a key): counting them bounds the tree.
    if ((byte === 0x5b || byte === 0x7b || byte === 0x2c) && ++this.values > MAX_VALUES)
      throw new Overflow(`over ${MAX_VALUES.toLocaleString('en-US')} JSON values`)
    if (byte === QUOTE) {
      this.inString = true
      this.kept = 0
      this.cut = false
    }
    this.push([byte])
  }

  /** Inside a string: whole escapes and characters, kept while there is room. */
  private stringByte(byte: number): void {
    if (this.unit.length > 0) {
      if (this.continues(byte)) {
        this.unit.push(byte)
        if (this.unitDone()) this.flushUnit()
        return
      }
      this.flushUnit()
      if (this.cut) return this.cutByte(byte)
    }
    if (byte === QUOTE) return this.closeString()
    this.unit.push(byte)
    if (this.unitDone()) this.flushUnit()
  }

  /** A byte of a string that was cut, met outside skipCut: it only matters as a quote or an escape. */
  private cutByte(byte: number): void {
    if (byte === QUOTE) this.closeString()
    else if (byte === BACKSLASH) this.skipNext = true
  }

  private closeString(): void {
    this.inString = false
    this.push([QUOTE])
  }

  /** Whether `byte` belongs to the escape or character being read. */
  private continues(byte: number): boolean {
    if (this.unit[0] !== BACKSLASH) return (byte & 0xc0) === 0x80
    // Any byte after a backslash (a quote too); after \u, hex digits only.
    return this.unit.length === 1 || (this.unit[1] === LETTER_U && isHexDigit(byte))
  }

  private unitDone(): boolean {
    const [first, second] = this.unit
    if (first !== BACKSLASH) return this.unit.length >= charLength(first)
    if (this.unit.length < 2) return false
    return second === LETTER_U ? this.unit.length === 6 : true
  }

  private flushUnit(): void {
    // A high surrogate's escape is kept only with room for its low one after it.
    const needs = this.unit.length + (isHighSurrogateEscape(this.unit) ? 6 : 0)
    if (!this.cut && this.kept + needs <= MAX_STRING_BYTES) {
      this.push(this.unit)
      this.kept += this.unit.length
    } else if (!this.cut) {
      this.cut = true
      this.push(CUT_MARK)
    }
    this.unit = []
  }
}
