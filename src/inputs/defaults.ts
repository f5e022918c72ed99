/**
 * Every input's default, in one place. The runner passes action.yml's
 * defaults itself; these are what the code assumes when an input is empty
 * (a local run, a test), and __tests__/repo/docs.test.ts ties each one to
 * action.yml, so the two cannot drift.
 */
import { Inputs } from '../constants.js'

export const DEFAULTS = {
  [Inputs.Wait]: 'true',
  [Inputs.Timeout]: '60m',
  [Inputs.PollInterval]: '10s',
  [Inputs.MaxPollInterval]: '60s',
  [Inputs.OnTimeout]: 'cancel',
  [Inputs.CancelOnJobCancel]: 'true',
  [Inputs.IfRunning]: 'fail',
  [Inputs.AllowPartialSuccess]: 'false',
  [Inputs.RoleSessionExpiration]: '3600',
  [Inputs.Audience]: 'sts.aliyuncs.com',
  [Inputs.MetadataEndpoint]: '100.100.100.200',
  [Inputs.ProvenanceTags]: 'true'
} as const satisfies Partial<Record<(typeof Inputs)[keyof typeof Inputs], string>>
