/**
 * A credential source, described once: which inputs choose it, how its
 * settings are read and checked, what it masks, how the log names it, and how
 * its provider is made. ./sources.ts lists the sources in the order they are
 * tried; the rest of the action knows only `ChosenCredentials`.
 */
import type { Clock } from '../clock.js'
import type { Inputs } from '../constants.js'
import type { RunOrigin } from '../github.js'
import type { Endpoint } from '../inputs/endpoints.js'
import type { Log } from '../log.js'
import type { Router } from '../net/exchange.js'
import type { CredentialProvider } from './provider.js'

export type Env = Record<string, string | undefined>

/** The inputs that concern credentials. */
export type CredentialInput =
  | typeof Inputs.AccessKeyId
  | typeof Inputs.AccessKeySecret
  | typeof Inputs.SecurityToken
  | typeof Inputs.RoleToAssume
  | typeof Inputs.OidcProviderArn
  | typeof Inputs.RoleSessionName
  | typeof Inputs.RoleSessionExpiration
  | typeof Inputs.Audience
  | typeof Inputs.EcsRamRole

/** The credential inputs' trimmed values, undefined when empty. */
export type CredentialInputs = Partial<Record<CredentialInput, string>>

/** What a provider needs from the run: where the services are, how to reach them, and time. */
export interface ProviderContext {
  stsEndpoint: Endpoint
  metadataEndpoint: Endpoint
  route: Router
  log: Log
  clock: Clock
  /** Masks a secret before anything can log it. */
  mask: (secret: string) => void
}

export interface CredentialSource<S> {
  /** Its name in messages: `ecs-ram-role`, `GitHub OIDC`, … */
  readonly name: string
  /** Inputs that choose this source: giving any of them is asking for it, and for no other. */
  readonly chosenBy: readonly CredentialInput[]
  /** Other inputs it reads. */
  readonly reads?: readonly CredentialInput[]
  /** Its settings when the inputs or the environment ask for it; an InputError when they are wrong. */
  choose(inputs: CredentialInputs, env: Env, origin: RunOrigin): S | undefined
  /** The secrets its settings hold, masked before anything is logged. */
  secrets(settings: S): Array<string | undefined>
  /** How the log names what is used. */
  describe(settings: S): string
  /** The log group in which its first keys are obtained up front (a request: errors come first). */
  readonly obtainTitle?: string
  /** False when its keys cannot be renewed: once refused, nothing can make them work again. */
  readonly renewable: boolean
  create(settings: S, context: ProviderContext): CredentialProvider
}

/** The source this run uses, with its settings: all the rest of the action sees. */
export interface ChosenCredentials {
  readonly source: string
  readonly settings: unknown
  readonly renewable: boolean
  readonly obtainTitle?: string
  secrets(): string[]
  describe(): string
  create(context: ProviderContext): CredentialProvider
}

export function chosen<S>(source: CredentialSource<S>, settings: S): ChosenCredentials {
  return {
    source: source.name,
    settings,
    renewable: source.renewable,
    obtainTitle: source.obtainTitle,
    secrets: () => source.secrets(settings).filter((secret): secret is string => Boolean(secret)),
    describe: () => source.describe(settings),
    create: (context) => source.create(settings, context)
  }
}
