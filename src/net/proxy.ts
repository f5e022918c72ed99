/**
 * Which way each request goes: straight, or through the proxy the environment
 * names (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, either case), with the runner's
 * and @actions/http-client's semantics, decided by http-client's own
 * `getProxyUrl`. https goes through a CONNECT tunnel (`https-proxy-agent`),
 * plain http through a forwarding proxy (`http-proxy-agent`); certificates are
 * verified by Node's defaults (a TLS-inspecting proxy's CA comes through
 * NODE_EXTRA_CA_CERTS). Loopback hosts (http-client's rule) and the instance
 * metadata service are never proxied. Proxy credentials are masked, and a
 * proxy is named without them.
 */
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { METADATA_HOST } from '../inputs/endpoints.js'
import type { Route, Router } from './exchange.js'

/** A proxy variable that is set but names no usable HTTP proxy. */
class ProxySettingError extends Error {
  constructor(variable: string, problem: string) {
    super(`The environment variable ${variable} ${problem}`)
    this.name = 'ProxySettingError'
  }
}

/** A proxy, as messages name it: scheme, host and port, never the credentials. */
export function proxyName(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`
}

/**
 * The router for this step. `mask` takes the proxies' credentials before
 * anything is logged. A malformed proxy variable is an error when the first
 * request that would use it is routed (http-client would drop it silently).
 */
export function createRouter(mask: (secret: string) => void): Router {
  const direct: Record<string, Route> = {
    'http:': { agent: new HttpAgent({ keepAlive: true }) },
    'https:': { agent: new HttpsAgent({ keepAlive: true }) }
  }
  const proxied = new Map<string, Promise<Route>>()
  return (url) => {
    const proxy = url.hostname === METADATA_HOST ? undefined : getProxyUrl(url)
    if (!proxy) return direct[url.protocol] ?? direct['https:']
    const key = `${url.protocol} ${proxy.href}`
    let route = proxied.get(key)
    if (!route) {
      route = proxyRoute(url.protocol, proxy, mask)
      proxied.set(key, route)
    }
    return route
  }
}

/** The agents load only when a proxy is in use: most runs never need them. */
async function proxyRoute(
  protocol: string,
  proxy: URL,
  mask: (secret: string) => void
): Promise<Route> {
  const variable = protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'
  if ((proxy.protocol !== 'http:' && proxy.protocol !== 'https:') || !proxy.hostname)
    throw new ProxySettingError(
      variable,
      'is not an HTTP proxy URL: give http://[user:password@]host[:port] (or https://)'
    )
  for (const secret of [proxy.password, encodeURIComponent(proxy.password)])
    if (secret) mask(secret)
  // http-client's URL holds the credentials decoded; the agents decode them once more.
  const target = new URL(proxyName(proxy))
  target.username = encodeURIComponent(proxy.username)
  target.password = encodeURIComponent(proxy.password)
  const agent =
    protocol === 'https:'
      ? new (await import('https-proxy-agent')).HttpsProxyAgent(target, { keepAlive: true })
      : new (await import('http-proxy-agent')).HttpProxyAgent(target, { keepAlive: true })
  return { agent, proxy: proxyName(proxy) }
}
