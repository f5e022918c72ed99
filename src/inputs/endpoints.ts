/**
 * Endpoints as users give them (`endpoint`, `sts-endpoint`,
 * `metadata-endpoint`): `host`, `host:port` or `scheme://host[:port]`, judged
 * by a real URL parser, and nothing else.
 */
import { InputError } from '../api/errors.js'

export interface Endpoint {
  /** Host, with `:port` when one was given. */
  host: string
  protocol: 'https' | 'http'
}

/** Loopback hosts, as the URL parser writes them (it turns `127.1` into `127.0.0.1`). */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/**
 * `host`, `host:port` or `scheme://host[:port]`, judged by a real URL parser:
 * no user info, path, query or fragment; `http://` only for loopback hosts.
 */
export function parseEndpoint(name: string, value: string): Endpoint {
  const url = endpointUrl(name, value)
  const protocol = url.protocol.slice(0, -1) as 'https' | 'http'
  const hostname = url.hostname
  const host = url.host
  if (protocol === 'http' && !LOOPBACK.test(hostname)) {
    throw new InputError(
      name,
      `uses plain http:// for "${hostname}"; http is accepted only for loopback hosts (localhost, 127.0.0.0/8, [::1]); use https://`
    )
  }
  return { host, protocol }
}

/** The instance metadata service's address on every ECS instance. */
export const METADATA_HOST = '100.100.100.200'

/**
 * `host[:port]` or `http://host[:port]`: the metadata service speaks plain HTTP,
 * so only its own address or a loopback host (an emulator) is accepted.
 */
export function parseMetadataEndpoint(name: string, value: string): Endpoint {
  const url = endpointUrl(name, value, 'http')
  if (url.protocol !== 'http:')
    throw new InputError(name, `must be plain http:// (the metadata service speaks nothing else)`)
  if (url.hostname !== METADATA_HOST && !LOOPBACK.test(url.hostname))
    throw new InputError(
      name,
      `must be the metadata service (${METADATA_HOST}) or a loopback host, not "${url.hostname}"`
    )
  return { host: url.host, protocol: 'http' }
}

function endpointUrl(name: string, value: string, scheme = 'https'): URL {
  const example = '(e.g. ecs-vpc.cn-hangzhou.aliyuncs.com)'
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${scheme}://${value}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new InputError(name, `"${value}" is not a host name or URL ${example}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError(name, `must use https:// (or http:// for loopback), not ${url.protocol}//`)
  if (url.username || url.password || /@/.test(value))
    throw new InputError(
      name,
      `must not contain user info ("user@"): give the host alone ${example}`
    )
  if (
    url.pathname !== '/' ||
    url.search ||
    url.hash ||
    /[?#]/.test(value) ||
    /\/\/[^/]*\/./.test(withScheme)
  )
    throw new InputError(name, `must be a host, with no path, query or fragment ${example}`)
  return url
}
