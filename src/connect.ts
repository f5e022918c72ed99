/** Builds the ECS client from settings: shared by the main and the post step. */
import type { Log } from './clock.js'
import { staticCredential } from './credentials.js'
import { createEcsClient, type CredentialSource, type EcsClient } from './ecs.js'
import type { Settings } from './inputs.js'
import { oidcCredential } from './oidc.js'

export const USER_AGENT = 'ecs-image-builder-action/1'

export function credentialSource(settings: Settings, log: Log): CredentialSource {
  const credentials = settings.credentials
  if (credentials.kind === 'static') {
    return staticCredential(
      credentials.accessKeyId,
      credentials.accessKeySecret,
      credentials.securityToken
    )
  }
  return oidcCredential({ settings: credentials, stsEndpoint: settings.stsEndpoint, log })
}

export function connect(
  settings: Settings,
  log: Log,
  credential = credentialSource(settings, log)
): EcsClient {
  return createEcsClient({
    regionId: settings.regionId,
    endpoint: settings.endpoint.host,
    protocol: settings.endpoint.protocol,
    credential,
    log,
    userAgent: USER_AGENT
  })
}
