/**
 * What the signing client asks for: keys, obtained from the one source this
 * run's settings name. Nothing here falls back to the SDK's default chain,
 * which may probe instance metadata for seconds on a runner that is not an ECS
 * instance.
 */
export interface Credentials {
  accessKeyId: string
  accessKeySecret: string
  securityToken?: string
  type: string
  providerName?: string
}

export interface CredentialProvider {
  getCredential(): Promise<Credentials>
  /** Drop cached credentials the service has just refused as expired; false if nothing can be renewed. */
  invalidate?(): boolean
}

/** Keys given as inputs or in the environment: they cannot be renewed. */
export class StaticCredentials implements CredentialProvider {
  private readonly credentials: Credentials

  constructor(accessKeyId: string, accessKeySecret: string, securityToken?: string) {
    this.credentials = {
      accessKeyId,
      accessKeySecret,
      securityToken,
      type: securityToken ? 'sts' : 'access_key',
      providerName: 'static'
    }
  }

  async getCredential(): Promise<Credentials> {
    return this.credentials
  }
}
