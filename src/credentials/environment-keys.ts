/**
 * Credential source: the vendor's variables ALIBABA_CLOUD_ACCESS_KEY_ID,
 * ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN, as the
 * vendor's configure-credentials action sets them.
 */
import { StaticCredentials } from './provider.js'
import type { KeySettings } from './access-keys.js'
import type { CredentialSource } from './source.js'

export const environmentKeys: CredentialSource<KeySettings> = {
  name: 'environment keys',
  chosenBy: [],
  choose(_inputs, env) {
    const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID?.trim()
    const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET?.trim()
    if (!accessKeyId || !accessKeySecret) return undefined
    const securityToken = env.ALIBABA_CLOUD_SECURITY_TOKEN?.trim() || undefined
    return { accessKeyId, accessKeySecret, securityToken }
  },
  secrets: (settings) => [settings.accessKeySecret, settings.securityToken],
  describe: (settings) =>
    `${settings.securityToken ? 'STS token' : 'AccessKey'} from ALIBABA_CLOUD_ACCESS_KEY_ID`,
  renewable: false,
  create: (settings) =>
    new StaticCredentials(settings.accessKeyId, settings.accessKeySecret, settings.securityToken)
}
