/**
 * `npm run demo`: runs the bundled action end to end against the local emulator
 * (no cloud account), then prints its outputs and job summary.
 */
import {
  EcsEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID,
  TEST_PIPELINE_NAME
} from './emulator/server.js'
import { launch } from './launcher.js'

const emulator = new EcsEmulator({
  defaultPlan: {
    steps: [
      { status: 'PREPARING', ms: 1500, message: 'Create transition vpc success!' },
      { status: 'BUILDING', ms: 3000, message: 'Running build commands' },
      { status: 'TESTING', ms: 1500, message: 'Running test commands' },
      { status: 'DISTRIBUTING', ms: 1500, message: 'Copying image to cn-shanghai' },
      { status: 'RELEASING', ms: 1000, message: 'Releasing temporary resources' }
    ],
    message: 'Image build success!'
  }
})
await emulator.start()
console.log(
  `ECS emulator on ${emulator.endpoint}; building pipeline "${TEST_PIPELINE_NAME}" (${TEST_PIPELINE_ID})\n`
)
try {
  const result = await launch({
    inputs: {
      'region-id': 'cn-hangzhou',
      'image-pipeline-name': TEST_PIPELINE_NAME,
      endpoint: emulator.endpoint,
      'access-key-id': TEST_ACCESS_KEY_ID,
      'access-key-secret': TEST_ACCESS_KEY_SECRET,
      tags: 'commit=0123456\nworkflow=demo',
      'poll-interval': '1s',
      'max-poll-interval': '2s',
      timeout: '2m'
    }
  })
  console.log('--- the step printed ---')
  // As in the Actions UI, debug lines show only when asked for (npm run demo -- --debug).
  const debug = process.argv.includes('--debug')
  process.stdout.write(
    result.stdout
      .split('\n')
      .filter((line) => debug || !line.startsWith('::debug::'))
      .join('\n')
  )
  process.stderr.write(result.stderr)
  console.log(`\n--- exit code ${result.exitCode}; outputs ---`)
  for (const [name, value] of Object.entries(result.outputs)) console.log(`${name}=${value}`)
  console.log('\n--- job summary ---')
  console.log(result.summary)
  console.log(`--- ${emulator.requests.length} API requests, all signed and verified ---`)
  process.exitCode = result.exitCode ?? 1
} finally {
  await emulator.stop()
}
