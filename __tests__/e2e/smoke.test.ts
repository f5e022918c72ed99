import { afterEach, beforeEach, expect, test } from '@jest/globals'
import {
  EcsEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID
} from '../../tools/emulator/server.js'
import { launch } from '../../tools/launcher.js'

let emulator: EcsEmulator
beforeEach(async () => {
  emulator = new EcsEmulator()
  await emulator.start()
})
afterEach(() => emulator.stop())

test('smoke', async () => {
  const result = await launch({
    inputs: {
      'region-id': 'cn-hangzhou',
      'image-pipeline-id': TEST_PIPELINE_ID,
      endpoint: emulator.endpoint,
      'access-key-id': TEST_ACCESS_KEY_ID,
      'access-key-secret': TEST_ACCESS_KEY_SECRET,
      'poll-interval': '1s',
      'max-poll-interval': '2s'
    },
    env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }
  })
  console.log(result.stdout, result.stderr, result.outputs, result.summary, emulator.requests)
  expect(result.exitCode).toBe(0)
})
