/** Builds credentials and clients from settings: shared by the main and the post step. */
import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import { type Clock, type Log, systemClock } from './clock.js'
import { staticCredential } from './credentials.js'
import { createEcsClient, type EcsClient } from './ecs.js'
import type { Settings } from './inputs.js'
import { OidcCredential } from './oidc.js'
import type { CredentialSource } from './sdk.js'
import { createStsClient } from './sts.js'

export const USER_AGENT = 'ecs-image-builder-action/1'

export function credentialSource(
  settings: Settings,
  log: Log,
  clock: Clock = systemClock
): CredentialSource {
  const credentials = settings.credentials
  if (credentials.kind === 'static') {
    return staticCredential(
      credentials.accessKeyId,
      credentials.accessKeySecret,
      credentials.securityToken
    )
  }
  const token = credentials.token
  return new OidcCredential({
    roleArn: credentials.roleArn,
    providerArn: credentials.providerArn,
    sessionName: credentials.sessionName,
    durationSeconds: credentials.durationSeconds,
    // A fresh token for every session: GitHub's ID tokens live minutes, not hours.
    getToken:
      token.source === 'github'
        ? () => core.getIDToken(token.audience)
        : async () => (await readFile(token.path, 'utf8')).trim(),
    sts: createStsClient({
      endpoint: settings.stsEndpoint.host,
      protocol: settings.stsEndpoint.protocol,
      log
    }),
    clock,
    log,
    mask: (secret) => core.setSecret(secret)
  })
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
