/**
 * The one factory that turns the credential settings into a provider, and the
 * one place that masks what the settings hold. Shared by the main and the post
 * step.
 */
import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import type { Clock } from '../clock.js'
import type { Endpoint, Settings } from '../inputs/settings.js'
import type { CredentialSettings } from '../inputs/credentials.js'
import type { Log } from '../log.js'
import { EcsRamRoleCredentials } from './ecs-ram-role.js'
import { OidcCredentials } from './oidc.js'
import { type CredentialProvider, StaticCredentials } from './provider.js'
import { createStsClient } from './sts.js'

export interface ProviderContext {
  stsEndpoint: Endpoint
  metadataEndpoint: Endpoint
  log: Log
  clock: Clock
  /** Masks a secret before anything can log it (core.setSecret). */
  mask: (secret: string) => void
}

export function createCredentialProvider(
  settings: CredentialSettings,
  context: ProviderContext
): CredentialProvider {
  if (settings.kind === 'ecs-ram-role') {
    return new EcsRamRoleCredentials({
      roleName: settings.roleName,
      endpoint: context.metadataEndpoint,
      clock: context.clock,
      log: context.log,
      mask: context.mask
    })
  }
  if (settings.kind === 'static') {
    return new StaticCredentials(
      settings.accessKeyId,
      settings.accessKeySecret,
      settings.securityToken
    )
  }
  const token = settings.token
  return new OidcCredentials({
    roleArn: settings.roleArn,
    providerArn: settings.providerArn,
    sessionName: settings.sessionName,
    durationSeconds: settings.durationSeconds,
    // A fresh token for every session: GitHub's ID tokens live minutes, not hours.
    getToken:
      token.source === 'github'
        ? () => core.getIDToken(token.audience)
        : async () => (await readFile(token.path, 'utf8')).trim(),
    sts: createStsClient({ endpoint: context.stsEndpoint, log: context.log }),
    clock: context.clock,
    log: context.log,
    mask: context.mask
  })
}

/** What both steps call to get a provider (tests pass their own). */
export type CredentialFactory = typeof credentialsFor

/** The provider for this run's settings; `mask` takes every secret it obtains. */
export function credentialsFor(
  settings: Settings,
  log: Log,
  clock: Clock,
  mask: (secret: string) => void
): CredentialProvider {
  return createCredentialProvider(settings.credentials, {
    stsEndpoint: settings.stsEndpoint,
    metadataEndpoint: settings.metadataEndpoint,
    log,
    clock,
    mask
  })
}

/** Masks every secret in the settings: call before anything is logged. */
export function maskSecrets(settings: CredentialSettings, mask: (secret: string) => void): void {
  if (settings.kind === 'static') {
    mask(settings.accessKeySecret)
    if (settings.securityToken) mask(settings.securityToken)
  }
}

export function describeCredentials(settings: CredentialSettings): string {
  if (settings.kind === 'ecs-ram-role')
    return `the instance's RAM role ${settings.roleName} (instance metadata)`
  if (settings.kind === 'oidc') {
    return settings.token.source === 'github'
      ? `GitHub OIDC, role ${settings.roleArn}`
      : `OIDC token file ALIBABA_CLOUD_OIDC_TOKEN_FILE, role ${settings.roleArn}`
  }
  const kind = settings.securityToken ? 'STS token' : 'AccessKey'
  return settings.source === 'inputs'
    ? `${kind} from the access-key-id input`
    : `${kind} from ALIBABA_CLOUD_ACCESS_KEY_ID`
}
