// Preloaded into the action's process by the launcher (NODE_OPTIONS=--require):
// host names in $HOSTS_MAP ("name=address,name=address") resolve to those
// addresses, as a hosts file would: a test reaches a cloud host name on
// 127.0.0.1 without DNS. Every other name resolves as usual.
const dns = require('node:dns')

const map = new Map(
  (process.env.HOSTS_MAP || '')
    .split(',')
    .filter(Boolean)
    .map((entry) => entry.split('='))
)
const lookup = dns.lookup
dns.lookup = function (hostname, options, callback) {
  const address = map.get(hostname)
  if (!address) return lookup.call(this, hostname, options, callback)
  const done = typeof options === 'function' ? options : callback
  const all = typeof options === 'object' && options !== null && options.all
  process.nextTick(() => (all ? done(null, [{ address, family: 4 }]) : done(null, address, 4)))
}
