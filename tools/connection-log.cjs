// Preloaded into the action's process by the launcher (NODE_OPTIONS=--require):
// appends every outgoing TCP connection and DNS look-up to $CONNECTION_LOG, so a
// test can prove the action talks to no host it was not told to use.
const fs = require('node:fs')
const net = require('node:net')
const dns = require('node:dns')

const file = process.env.CONNECTION_LOG
const note = (entry) => fs.appendFileSync(file, JSON.stringify(entry) + '\n')

const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  const options =
    typeof args[0] === 'object' && args[0] !== null
      ? Array.isArray(args[0])
        ? args[0][0]
        : args[0]
      : { port: args[0], host: args[1] }
  if (options && (options.port !== undefined || options.path !== undefined)) {
    note({
      kind: 'connect',
      host: options.host ?? 'localhost',
      port: options.port,
      path: options.path
    })
  }
  return connect.apply(this, args)
}
const lookup = dns.lookup
dns.lookup = function (hostname, ...rest) {
  note({ kind: 'lookup', host: hostname })
  return lookup.call(this, hostname, ...rest)
}
