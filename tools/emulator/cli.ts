/**
 * `npm run emulator -- [--port N] [--quirks]`: the ECS emulator on 127.0.0.1 until
 * Ctrl-C, for trying the action by hand (e.g. with @github/local-action).
 */
import {
  EcsEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID,
  TEST_PIPELINE_NAME
} from './server.js'

const args = process.argv.slice(2)
const portAt = args.indexOf('--port')
const port = portAt >= 0 ? Number(args[portAt + 1]) : 0
const emulator = new EcsEmulator({ quirks: args.includes('--quirks') })
const endpoint = await emulator.start(port)
console.log(`ECS emulator listening on ${endpoint}
  region-id:         cn-hangzhou
  image-pipeline-id: ${TEST_PIPELINE_ID} (name: ${TEST_PIPELINE_NAME})
  access-key-id:     ${TEST_ACCESS_KEY_ID}
  access-key-secret: ${TEST_ACCESS_KEY_SECRET}
  endpoint:          ${endpoint}
Ctrl-C to stop.`)
const stop = async (): Promise<void> => {
  await emulator.stop()
  console.log(`\n${emulator.requests.length} requests served.`)
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
