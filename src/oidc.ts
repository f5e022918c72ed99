/** GitHub OIDC → STS AssumeRoleWithOIDC. Not implemented yet (issue: credentials). */
import type { Log } from './clock.js'
import type { CredentialSource } from './ecs.js'
import type { CredentialSettings, Endpoint } from './inputs.js'

export interface OidcOptions {
  settings: Extract<CredentialSettings, { kind: 'oidc' }>
  stsEndpoint: Endpoint
  log: Log
}

export function oidcCredential(_options: OidcOptions): CredentialSource {
  return {
    getCredential: async () => {
      throw new Error('role-to-assume is not supported yet')
    }
  }
}
