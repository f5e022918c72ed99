/** Credential source: an AccessKey pair (and an STS token) given as inputs. */
import { InputError } from '../api/errors.js'
import { Inputs } from '../constants.js'
import { StaticCredentials } from './provider.js'
import type { CredentialSource } from './source.js'

export interface KeySettings {
  accessKeyId: string
  accessKeySecret: string
  securityToken?: string
}

export const accessKeys: CredentialSource<KeySettings> = {
  name: 'access keys',
  chosenBy: [Inputs.AccessKeyId, Inputs.AccessKeySecret, Inputs.SecurityToken],
  choose(inputs) {
    const accessKeyId = inputs[Inputs.AccessKeyId]
    const accessKeySecret = inputs[Inputs.AccessKeySecret]
    const securityToken = inputs[Inputs.SecurityToken]
    if (!accessKeyId)
      throw new InputError(
        Inputs.AccessKeyId,
        `is required with ${accessKeySecret ? Inputs.AccessKeySecret : Inputs.SecurityToken}`
      )
    if (!accessKeySecret)
      throw new InputError(Inputs.AccessKeySecret, `is required with ${Inputs.AccessKeyId}`)
    return { accessKeyId, accessKeySecret, securityToken }
  },
  secrets: (settings) => [settings.accessKeySecret, settings.securityToken],
  describe: (settings) =>
    `${settings.securityToken ? 'STS token' : 'AccessKey'} from the ${Inputs.AccessKeyId} input`,
  renewable: false,
  create: (settings) =>
    new StaticCredentials(settings.accessKeyId, settings.accessKeySecret, settings.securityToken)
}
