/**
 * An answer's body, read within the memory bound whatever the service sends
 * (SPEC "Bounds"): at most MAX_RESPONSE_BYTES on the wire and again after
 * decompression, which streams (no compressed and inflated copies side by
 * side); a body over 64 KiB is made small as it comes in (./compact-json.ts),
 * so no more than 2 MiB of it is ever held or parsed, and the memory its reads
 * leave behind is given back as it comes (./reclaim.ts). Over the bound, an answer
 * with a success status is refused (its data cannot be trusted whole); one
 * with an error status is dropped, and its status tells what happened.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Transform } from 'node:stream'
import { CompactJson, Overflow } from './compact-json.js'
import { TransportError } from './errors.js'
import { LARGE_BYTES, Reclaimer } from './reclaim.js'

export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024
/** Bodies up to this size are kept as they are. */
const AS_IS_BYTES = LARGE_BYTES

export interface Body {
  bytes: Buffer
  /** Why the body was not kept: it was over the bound, on an error status. */
  dropped?: string
}

/** Over the bound: refused on a success status, dropped on an error status. */
function overBound(status: number, why: string): Body {
  if (status >= 400) return { bytes: Buffer.alloc(0), dropped: why }
  throw new TransportError(
    { kind: 'too-large', code: 'ResponseTooLarge', reached: true },
    `the answer is ${why}; it was refused`
  )
}

/**
 * The body's bytes as they come (decompressed): copied while small (however
 * many pieces they come in, no piece is held), then compacted.
 */
class Collector {
  private kept = Buffer.allocUnsafe(4096)
  private size = 0
  private compact?: CompactJson

  /** Throws an Overflow past the bound. */
  add(chunk: Buffer): void {
    const at = this.size
    this.size += chunk.length
    if (this.size > MAX_RESPONSE_BYTES)
      throw new Overflow(`over ${MAX_RESPONSE_BYTES / 1048576} MiB`)
    if (this.compact) return this.compact.write(chunk)
    if (this.size <= AS_IS_BYTES) {
      if (this.size > this.kept.length) this.grow(at)
      chunk.copy(this.kept, at)
      return
    }
    this.compact = new CompactJson()
    this.compact.write(this.kept.subarray(0, at))
    this.compact.write(chunk)
    this.kept = Buffer.alloc(0)
  }

  /** Room for `this.size` bytes, `used` of them kept so far. */
  private grow(used: number): void {
    let size = this.kept.length
    while (size < this.size) size *= 4
    const larger = Buffer.allocUnsafe(Math.min(size, AS_IS_BYTES))
    this.kept.copy(larger, 0, 0, used)
    this.kept = larger
  }

  bytes(): Buffer {
    return this.compact ? this.compact.end() : this.kept.subarray(0, this.size)
  }
}

function encodingOf(headers: IncomingHttpHeaders): string {
  const encoding = String(headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase()
  return encoding === 'identity' ? '' : encoding
}

/** A streaming inflater for an encoding; zlib loads only when an answer comes compressed. */
async function inflaterFor(encoding: string): Promise<Transform> {
  if (!['gzip', 'x-gzip', 'deflate', 'br'].includes(encoding))
    throw new TransportError(
      { kind: 'encoding', code: 'UnknownEncoding', reached: true },
      `the answer came in an encoding that was not asked for (${encoding.slice(0, 20)})`
    )
  const zlib = await import('node:zlib')
  if (encoding === 'deflate') return zlib.createInflate()
  return encoding === 'br' ? zlib.createBrotliDecompress() : zlib.createGunzip()
}

function badEncoding(encoding: string): TransportError {
  return new TransportError(
    { kind: 'encoding', code: 'BadEncoding', reached: true },
    `the answer's ${encoding} body could not be inflated`
  )
}

/** The body, within the bound. */
export async function readBody(incoming: IncomingMessage): Promise<Body> {
  const encoding = encodingOf(incoming.headers)
  const inflater = encoding ? await inflaterFor(encoding) : undefined
  return new Promise((resolve, reject) => {
    const reclaimer = new Reclaimer()
    const collector = new Collector()
    let wire = 0
    let settled = false
    const settle = (outcome: () => Body, stop: boolean): void => {
      if (settled) return
      settled = true
      if (stop) {
        incoming.destroy()
        inflater?.destroy()
      }
      try {
        resolve(outcome())
      } catch (error) {
        reject(error as Error)
      }
    }
    const fail = (error: Error): void =>
      settle(() => {
        throw error
      }, true)
    const take = (chunk: Buffer): void => {
      try {
        collector.add(chunk)
      } catch (error) {
        if (error instanceof Overflow)
          settle(() => overBound(incoming.statusCode ?? 0, error.message), true)
        else fail(error as Error)
      }
    }
    incoming.on('data', (chunk: Buffer) => {
      wire += chunk.length
      reclaimer.count(chunk.length)
      if (wire > MAX_RESPONSE_BYTES)
        settle(() => overBound(incoming.statusCode ?? 0, 'over 16 MiB on the wire'), true)
      else if (!inflater) take(chunk)
    })
    const source = inflater ? incoming.pipe(inflater) : incoming
    if (inflater) {
      inflater.on('data', (chunk: Buffer) => {
        reclaimer.count(chunk.length)
        take(chunk)
      })
      // No body at all (a 204, an empty 503) says nothing about its encoding.
      inflater.on('error', () =>
        wire === 0 ? settle(() => ({ bytes: Buffer.alloc(0) }), false) : fail(badEncoding(encoding))
      )
    }
    source.on('end', () => settle(() => ({ bytes: collector.bytes() }), false))
    incoming.on('aborted', () =>
      fail(Object.assign(new Error('the answer was cut short'), { code: 'HPE_CUT_SHORT' }))
    )
    incoming.on('error', fail)
  })
}
