/**
 * The floor of start-up (tools/bench/startup.ts): a script that loads only what
 * any signed HTTPS client must (node:http, node:https, node:crypto), signs one
 * string and sends one request to FLOOR_URL. No action can reach its first
 * request sooner than this on the same machine.
 */
import { createHmac } from 'node:crypto'
import { request } from 'node:http'
import 'node:https'

const signature = createHmac('sha1', 'secret&').update('GET&%2F&').digest('base64')
const sent = request(`${process.env.FLOOR_URL}?Signature=${encodeURIComponent(signature)}`)
sent.on('response', () => process.exit(0))
sent.on('error', () => process.exit(1))
sent.end()
