/**
 * An answer's body, read within the memory bound whatever the service sends
 * (SPEC "Bounds"): at most MAX_RESPONSE_BYTES on the wire and again after
 * decompression, which streams (no compressed and inflated copies side by
 * side); a body over 64 KiB is made small as it comes in (./compact-json.ts),
 * so no more than 1 MiB of it is ever held or parsed, and the memory its reads
 * leave behind is given back as it comes (./reclaim.ts). Over the bound, an answer
 * with a success status is refused (its data cannot be trusted whole); one
 * with an error status is dropped, and its status tells what happened.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Transform } from 'node:stream'
import { CompactJson, Overflow } from './compact-json.js'
import { TransportError } from './errors.js'
import { Reclaimer } from './reclaim.js'

export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024
/** Bodies up to this size are kept as they are. */
const AS_IS_BYTES = 64 * 1024

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

/** The body's bytes as they come (decompressed): kept while small, then compacted. */
class Collector {
  private chunks: Buffer[] = []
  private size = 0
  private compact?: CompactJson

  constructor(private readonly reclaimer: Reclaimer) {}

  /** Throws an Overflow past the bound. */
  add(chunk: Buffer): void {
    this.size += chunk.length
    if (this.size > MAX_RESPONSE_BYTES)
      throw new Overflow(`over ${MAX_RESPONSE_BYTES / 1048576} MiB`)
    if (this.compact) {
      this.compact.write(chunk)
      return this.reclaimer.count(chunk.length)
    }
    this.chunks.push(chunk)
    if (this.size <= AS_IS_BYTES) return
    this.compact = new CompactJson()
    this.reclaimer.begin()
    for (const kept of this.chunks) this.compact.write(kept)
    this.chunks = []
  }

  bytes(): Buffer {
    return this.compact ? this.compact.end() : Buffer.concat(this.chunks, this.size)
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
    const collector = new Collector(reclaimer)
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
        if (!(error instanceof Overflow)) throw error
        settle(() => overBound(incoming.statusCode ?? 0, error.message), true)
      }
    }
    incoming.on('data', (chunk: Buffer) => {
      wire += chunk.length
      if (wire > MAX_RESPONSE_BYTES)
        settle(() => overBound(incoming.statusCode ?? 0, 'over 16 MiB on the wire'), true)
      else if (!inflater) take(chunk)
      else if (wire > AS_IS_BYTES) reclaimer.count(chunk.length)
    })
    const source = inflater ? incoming.pipe(inflater) : incoming
    if (inflater) {
      inflater.on('data', take)
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
