/**
 * Credential source: the RAM role attached to the ECS instance a self-hosted
 * runner is on, from the instance metadata service (./metadata.ts), renewed
 * before it expires. Contacted only when `ecs-ram-role` is given; as an
 * explicit input it is not affected by ALIBABA_CLOUD_ECS_METADATA_DISABLED.
 */
import { InputError } from '../api/errors.js'
import { withRetry } from '../api/retry.js'
import { Inputs } from '../constants.js'
import { formatDuration } from '../inputs/duration.js'
import { OPERATION, roleKeys } from './metadata.js'
import { type SessionKeys, SessionCredentials } from './session.js'
import type { CredentialSource, ProviderContext } from './source.js'

interface EcsRamRoleSettings {
  roleName: string
  /** ALIBABA_CLOUD_IMDSV1_DISABLED=true: hardened mode only, no plain GET. */
  plainDisabled: boolean
}

const RETRY_BUDGET_MS = 30_000

export const ecsRamRole: CredentialSource<EcsRamRoleSettings> = {
  name: Inputs.EcsRamRole,
  chosenBy: [Inputs.EcsRamRole],
  choose(inputs, env) {
    const roleName = inputs[Inputs.EcsRamRole]!
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(roleName))
      throw new InputError(
        Inputs.EcsRamRole,
        `${JSON.stringify(roleName)} is not a RAM role name (1 to 64 of A-Z a-z 0-9 . _ -)`
      )
    return {
      roleName,
      plainDisabled: env.ALIBABA_CLOUD_IMDSV1_DISABLED?.toLowerCase() === 'true'
    }
  },
  secrets: () => [],
  describe: (settings) => `the instance's RAM role ${settings.roleName} (instance metadata)`,
  obtainTitle: "Getting the instance's RAM role credentials",
  renewable: true,
  create: (settings, context) => new EcsRamRoleCredentials(settings, context)
}

class EcsRamRoleCredentials extends SessionCredentials {
  constructor(
    private readonly settings: EcsRamRoleSettings,
    private readonly context: ProviderContext
  ) {
    super(context.clock, context.log, 'ecs_ram_role')
  }

  protected async obtain(): Promise<SessionKeys> {
    const { clock, log, mask, route } = this.context
    const { roleName, plainDisabled } = this.settings
    const keys = await withRetry(
      OPERATION,
      () =>
        roleKeys({ endpoint: this.context.metadataEndpoint, route, plainDisabled, mask }, roleName),
      { clock, log, deadline: clock.now() + RETRY_BUDGET_MS, maxFailures: 4 },
      `RAM role ${roleName}`
    )
    mask(keys.accessKeySecret)
    mask(keys.securityToken)
    log.info(
      `${this.renewals === 0 ? 'Got' : 'Renewed'} the credentials of the instance's RAM role ${roleName} from the metadata service, ${keys.mode}; valid for ${formatDuration(keys.lifetimeMs)}.`
    )
    return keys
  }
}
