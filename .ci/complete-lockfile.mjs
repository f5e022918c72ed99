// The npm registry reachable from this project's machines does not serve every
// platform build of some optional native packages (e.g. @unrs/resolver-binding-*
// for android, darwin, win32: 404). npm then leaves them out of package-lock.json,
// and `npm ci` rejects the lockfile as out of sync. This records each missing
// optional dependency with the os/cpu its name implies, so npm ci skips it on
// other platforms exactly as it would with a complete lockfile. Run it after any
// `npm install` that rewrites the lockfile: node .ci/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs'

const path = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(path, 'utf8'))
const packages = lock.packages
const platform = (name) => {
  const os = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32', 'wasm32'].find((o) =>
    name.includes(`-${o}-`)
  )
  const cpu = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'wasi'].find(
    (c) => name.includes(`-${c}`)
  )
  return os === 'wasm32'
    ? { cpu: ['wasm32'] }
    : { os: os ? [os] : undefined, cpu: cpu ? [cpu] : undefined }
}
let added = 0
for (const [key, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = key ? `${key}/node_modules/${name}` : `node_modules/${name}`
    if (packages[base] || packages[`node_modules/${name}`]) continue
    packages[`node_modules/${name}`] = {
      version,
      dev: entry.dev,
      optional: true,
      ...platform(name)
    }
    added++
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1))
)
lock.packages = sorted
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n')
console.log(`complete-lockfile: recorded ${added} optional platform package(s)`)
