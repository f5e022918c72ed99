/**
 * Every credential source, in the order they are tried, none probed:
 * a source chosen by inputs wins, and inputs of two sources are an error; with
 * no credential input, the vendor's environment variables are read, keys before
 * a token file. Add a source here, in a file of its own (docs/design.md).
 */
import { InputError } from '../api/errors.js'
import { Inputs } from '../constants.js'
import type { RunOrigin } from '../github.js'
import { accessKeys } from './access-keys.js'
import { ecsRamRole } from './ecs-ram-role.js'
import { environmentKeys } from './environment-keys.js'
import { githubOidc } from './github-oidc.js'
import { oidcTokenFile } from './oidc-token-file.js'
import {
  type ChosenCredentials,
  chosen,
  type CredentialInput,
  type CredentialInputs,
  type CredentialSource,
  type Env
} from './source.js'

const SOURCES: ReadonlyArray<CredentialSource<never>> = [
  ecsRamRole,
  githubOidc,
  accessKeys,
  environmentKeys,
  oidcTokenFile
] as ReadonlyArray<CredentialSource<unknown>> as ReadonlyArray<CredentialSource<never>>

/** Every input any source reads, for inputs/settings.ts to read. */
export const CREDENTIAL_INPUTS: readonly CredentialInput[] = [
  ...new Set(SOURCES.flatMap((source) => [...source.chosenBy, ...(source.reads ?? [])]))
]

/** The one source this run uses. */
export function chooseCredentials(
  inputs: CredentialInputs,
  env: Env,
  origin: RunOrigin
): ChosenCredentials {
  const asked = SOURCES.filter((source) => source.chosenBy.some((name) => inputs[name]))
  if (asked.length > 1) throw mixed(asked, inputs)
  const candidates = asked.length ? asked : SOURCES.filter((source) => !source.chosenBy.length)
  for (const source of candidates) {
    const settings = (source as CredentialSource<unknown>).choose(inputs, env, origin)
    if (settings !== undefined) return chosen(source as CredentialSource<unknown>, settings)
  }
  throw new InputError(
    Inputs.AccessKeyId,
    `and the other credential inputs are empty, and ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set: give ${Inputs.RoleToAssume} with ${Inputs.OidcProviderArn} (GitHub OIDC), or ${Inputs.AccessKeyId} with ${Inputs.AccessKeySecret}`
  )
}

/** Inputs of two sources: name the first source's input, and the others it was given with. */
function mixed(
  asked: ReadonlyArray<CredentialSource<never>>,
  inputs: CredentialInputs
): InputError {
  const given = (source: CredentialSource<never>) => source.chosenBy.filter((name) => inputs[name])
  const [first, ...rest] = asked
  return new InputError(
    given(first)[0],
    `cannot be combined with ${rest.flatMap(given).join(', ')}; choose one way to authenticate`
  )
}
