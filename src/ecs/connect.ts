/** The ECS client for this run's settings (region, endpoint), signing with the given credentials. */
import type { CredentialProvider } from '../credentials/provider.js'
import type { Settings } from '../inputs/settings.js'
import type { Log } from '../log.js'
import type { Router } from '../net/exchange.js'
import { createEcsClient, type EcsClient } from './client.js'

const USER_AGENT = 'ecs-image-builder-action/1'

/** What both steps call to get the raw client (tests pass their own). */
export type EcsConnector = typeof connectEcs

export function connectEcs(
  settings: Settings,
  credentials: CredentialProvider,
  log: Log,
  route: Router
): EcsClient {
  return createEcsClient({
    regionId: settings.regionId,
    endpoint: settings.ecsEndpoint.host,
    protocol: settings.ecsEndpoint.protocol,
    credential: credentials,
    route,
    log,
    userAgent: USER_AGENT
  })
}
