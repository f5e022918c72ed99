/**
 * Which way each request goes (src/net/proxy.ts): the runner's and
 * @actions/http-client's semantics, loopback and the metadata service never
 * proxied, proxy credentials masked, a proxy named without them.
 */
import { afterEach, expect, test } from '@jest/globals'
import { createRouter, proxyName } from '../../src/net/proxy.js'

const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
})

async function routeWith(env: Record<string, string>, url: string) {
  for (const name of [
    'HTTPS_PROXY',
    'https_proxy',
    'HTTP_PROXY',
    'http_proxy',
    'NO_PROXY',
    'no_proxy'
  ])
    delete process.env[name]
  Object.assign(process.env, env)
  const masked: string[] = []
  const route = await createRouter((secret) => masked.push(secret))(new URL(url))
  return { proxy: route.proxy, masked }
}

test.each<[string, Record<string, string>, string, string | undefined]>([
  [
    'https takes HTTPS_PROXY',
    { HTTPS_PROXY: 'http://p:3128' },
    'https://ecs.cn-hangzhou.aliyuncs.com/',
    'http://p:3128'
  ],
  [
    'the lower-case name wins',
    { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2' },
    'https://x.com/',
    'http://low:1'
  ],
  [
    'https never falls back to HTTP_PROXY',
    { HTTP_PROXY: 'http://p:3128' },
    'https://x.com/',
    undefined
  ],
  ['http takes HTTP_PROXY', { HTTP_PROXY: 'http://p:3128' }, 'http://x.com/', 'http://p:3128'],
  [
    'a NO_PROXY suffix',
    { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'aliyuncs.com' },
    'https://ecs.cn-hangzhou.aliyuncs.com/',
    undefined
  ],
  [
    'a NO_PROXY leading dot',
    { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.aliyuncs.com' },
    'https://sts.aliyuncs.com/',
    undefined
  ],
  [
    'a NO_PROXY name is not a substring',
    { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'yuncs.com' },
    'https://sts.aliyuncs.com/',
    'http://p:1'
  ],
  ['NO_PROXY *', { HTTPS_PROXY: 'http://p:1', no_proxy: '*' }, 'https://x.com/', undefined],
  [
    'NO_PROXY with a port',
    { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'x.com:8443' },
    'https://x.com:8443/',
    undefined
  ],
  [
    'NO_PROXY with another port',
    { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'x.com:8443' },
    'https://x.com/',
    'http://p:1'
  ],
  [
    'loopback, always',
    { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1' },
    'http://127.0.0.1:8080/',
    undefined
  ],
  ['localhost, always', { HTTP_PROXY: 'http://p:1' }, 'http://localhost:9/', undefined],
  [
    'the metadata service, always',
    { HTTP_PROXY: 'http://p:1' },
    'http://100.100.100.200/latest/api/token',
    undefined
  ],
  [
    'a bare host:port gets http://',
    { HTTPS_PROXY: '10.0.0.1:3128' },
    'https://x.com/',
    'http://10.0.0.1:3128'
  ]
])('%s', async (_name, env, url, proxy) => {
  expect((await routeWith(env, url)).proxy).toBe(proxy)
})

test("the proxy's credentials are masked (decoded and encoded), and it is named without them", async () => {
  const { proxy, masked } = await routeWith(
    { HTTPS_PROXY: 'http://ci:p%40ss%3Aword@proxy.corp:3128' },
    'https://x.com/'
  )
  expect(proxy).toBe('http://proxy.corp:3128')
  expect(masked).toEqual(['p@ss:word', 'p%40ss%3Aword'])
  expect(proxyName(new URL('http://u:secret@h:1'))).toBe('http://h:1')
})

test.each(['socks5://127.0.0.1:1080', 'proxy.corp:3128'])(
  '%s names no HTTP proxy: an error naming the variable',
  async (value) => {
    await expect(routeWith({ HTTPS_PROXY: value }, 'https://x.com/')).rejects.toThrow(
      /The environment variable HTTPS_PROXY is not an HTTP proxy URL/
    )
  }
)

test('one agent per proxy and scheme: tunnels are kept alive across requests', async () => {
  process.env.HTTPS_PROXY = 'http://p:1'
  const route = createRouter(() => undefined)
  const agent = async (url: string) => (await route(new URL(url))).agent
  expect(await agent('https://a.com/')).toBe(await agent('https://b.com/'))
  expect(await agent('https://a.com/')).not.toBe(await agent('http://127.0.0.1/'))
})
