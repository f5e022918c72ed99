/** Default ECS hosts equal the vendor SDK's (@alicloud/ecs20140526, a devDependency, never bundled). */
import { expect, test } from '@jest/globals'
import Ecs from '@alicloud/ecs20140526'
import { $OpenApiUtil } from '@alicloud/openapi-core'
import { defaultEcsEndpoint, SPECIAL_REGIONS } from '../../src/ecs/endpoints.js'

type SdkClient = new (config: unknown) => {
  _endpoint: string
  _endpointMap: Record<string, string>
}
const loaded = Ecs as unknown as { default?: unknown }
const Client = (typeof loaded.default === 'function' ? loaded.default : loaded) as SdkClient

function sdkHost(regionId: string): string {
  return new Client(
    new $OpenApiUtil.Config({ regionId, accessKeyId: 'id', accessKeySecret: 'secret' })
  )._endpoint
}

const ordinary = [
  'cn-beijing',
  'cn-shanghai',
  'ap-southeast-1',
  'eu-central-1',
  'us-west-1',
  'me-east-1'
]

test.each([...SPECIAL_REGIONS, ...ordinary])('%s: the same host as the SDK', (regionId) => {
  expect(defaultEcsEndpoint(regionId)).toBe(sdkHost(regionId))
})

test("our table names every region of the SDK's endpoint map", () => {
  const sdkMap = new Client(
    new $OpenApiUtil.Config({
      regionId: 'cn-beijing',
      accessKeyId: 'id',
      accessKeySecret: 'secret'
    })
  )._endpointMap
  expect([...SPECIAL_REGIONS].sort()).toEqual(Object.keys(sdkMap).sort())
})
