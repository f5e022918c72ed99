/**
 * Every input, parsed once into one typed, validated settings object. The only
 * file that reads inputs. A bad input throws an InputError naming it, before any
 * request is sent.
 */
import * as core from '@actions/core'
import { InputError } from '../api/errors.js'
import { Inputs } from '../constants.js'
import type { ChosenCredentials, CredentialInputs } from '../credentials/source.js'
import { CREDENTIAL_INPUTS, chooseCredentials } from '../credentials/sources.js'
import { defaultStsHost } from '../credentials/sts.js'
import { defaultEcsEndpoint } from '../ecs/endpoints.js'
import { type RunOrigin, runOrigin } from '../github.js'
import { checkClientToken, deriveClientToken } from './client-token.js'
import { DEFAULTS } from './defaults.js'
import { formatDuration, parseDuration } from './duration.js'
import { type Endpoint, METADATA_HOST, parseEndpoint, parseMetadataEndpoint } from './endpoints.js'
import { parseTags, provenanceTags, type Tag, withProvenance } from './tags.js'

export interface Settings {
  regionId: string
  pipelineId?: string
  pipelineName?: string
  executionId?: string
  tags: Tag[]
  /** Wait for the build to end (input `wait`); false: start it and return. */
  waitForEnd: boolean
  timeoutMs: number
  pollIntervalMs: number
  maxPollIntervalMs: number
  onTimeout: 'cancel' | 'leave'
  cancelOnJobCancel: boolean
  ifRunning: 'fail' | 'wait' | 'attach'
  allowPartialSuccess: boolean
  clientToken: string
  /** The ClientToken came from the client-token input (and so may have been used before). */
  clientTokenGiven: boolean
  ecsEndpoint: Endpoint
  stsEndpoint: Endpoint
  /** The instance metadata service, for ecs-ram-role. */
  metadataEndpoint: Endpoint
  credentialSource: ChosenCredentials
  /** Where the run comes from (@actions/github's context). */
  origin: RunOrigin
}

const MIN_POLL_INTERVAL_MS = 1000
/** A self-hosted job's longest run. */
const MAX_TIMEOUT_MS = 5 * 24 * 3_600_000
const MAX_INTERVAL_MS = 3_600_000

type Env = Record<string, string | undefined>

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** An input's trimmed value, or its default; a control character (a line break, say) is refused. */
function input(name: string): string {
  const value = core.getInput(name).trim() || (DEFAULTS as Record<string, string>)[name] || ''
  if (CONTROL.test(value))
    throw new InputError(name, 'contains a control character (a line break?); give one line')
  return value
}

/** The tags input: one tag a line, so line breaks are its separators; other controls are refused. */
function tagsInput(): string {
  const value = core.getInput(Inputs.Tags)
  if (CONTROL.test(value.replace(/\r?\n/g, '')))
    throw new InputError(Inputs.Tags, 'contains a control character other than a line break')
  return value
}

function optional(name: string): string | undefined {
  return input(name) || undefined
}

function parseBoolean(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  const lower = value.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  throw new InputError(name, `must be true or false, not "${value}"`)
}

function parseChoice<T extends string>(
  name: string,
  value: string,
  choices: readonly T[],
  fallback: T
): T {
  if (value === '') return fallback
  const found = choices.find((choice) => choice === value.toLowerCase())
  if (!found) throw new InputError(name, `must be one of ${choices.join(', ')}, not "${value}"`)
  return found
}

function durationInput(name: string, maxMs: number): number {
  const raw = input(name)
  try {
    const ms = parseDuration(raw)
    if (ms <= 0) throw new Error('must be longer than zero')
    if (ms > maxMs) throw new Error(`is longer than the limit, ${formatDuration(maxMs)}`)
    return ms
  } catch (error) {
    throw new InputError(
      name,
      (error as Error).message.startsWith('"')
        ? (error as Error).message
        : `"${raw}" ${(error as Error).message}`
    )
  }
}

/** The tags input, with the provenance tags unless provenance-tags is false; at most 20 in all. */
function tagsWithProvenance(origin: RunOrigin): Tag[] {
  const tags = parseTagsInput(tagsInput())
  if (!parseBoolean(Inputs.ProvenanceTags, input(Inputs.ProvenanceTags), true)) return tags
  try {
    return withProvenance(tags, provenanceTags(origin))
  } catch (error) {
    throw new InputError(Inputs.Tags, (error as Error).message)
  }
}

function parseTagsInput(value: string): Tag[] {
  try {
    return parseTags(value)
  } catch (error) {
    throw new InputError(Inputs.Tags, (error as Error).message)
  }
}

/** Every input, read and checked; `nonce` makes the default ClientToken unique to this step. */
export function getSettings(
  env: Env = process.env,
  origin: RunOrigin = runOrigin(env),
  nonce?: string
): Settings {
  const regionId = regionInput(env)
  const credentialInputs: CredentialInputs = {}
  for (const name of CREDENTIAL_INPUTS) credentialInputs[name] = optional(name)
  return {
    regionId,
    ...targetInputs(),
    tags: tagsWithProvenance(origin),
    ...waitInputs(),
    clientToken: checkClientToken(optional(Inputs.ClientToken) ?? deriveClientToken(origin, nonce)),
    clientTokenGiven: Boolean(optional(Inputs.ClientToken)),
    ...endpointInputs(regionId, env),
    credentialSource: chooseCredentials(credentialInputs, env, origin),
    origin
  }
}

/** Where the services are: ECS, STS and the metadata service. */
function endpointInputs(
  regionId: string,
  env: Env
): Pick<Settings, 'ecsEndpoint' | 'stsEndpoint' | 'metadataEndpoint'> {
  return {
    ecsEndpoint: parseEndpoint(
      Inputs.Endpoint,
      optional(Inputs.Endpoint) ?? defaultEcsEndpoint(regionId)
    ),
    stsEndpoint: parseEndpoint(
      Inputs.StsEndpoint,
      optional(Inputs.StsEndpoint) ?? defaultStsHost(env)
    ),
    metadataEndpoint: parseMetadataEndpoint(
      Inputs.MetadataEndpoint,
      optional(Inputs.MetadataEndpoint) ?? METADATA_HOST
    )
  }
}

function regionInput(env: Env): string {
  const regionId = input(Inputs.RegionId) || env.ALIBABA_CLOUD_REGION_ID?.trim() || ''
  if (!regionId)
    throw new InputError(Inputs.RegionId, 'is required (or set ALIBABA_CLOUD_REGION_ID)')
  if (!/^[a-z]{2,}(-[a-z0-9]+)+$/.test(regionId)) {
    throw new InputError(Inputs.RegionId, `"${regionId}" is not a region ID (e.g. cn-hangzhou)`)
  }
  return regionId
}

/** What to build or follow: a pipeline by ID or name, or an existing execution. */
function targetInputs(): Pick<Settings, 'pipelineId' | 'pipelineName' | 'executionId'> {
  const pipelineId = optional(Inputs.ImagePipelineId)
  const pipelineName = optional(Inputs.ImagePipelineName)
  const executionId = optional(Inputs.ExecutionId)
  if (pipelineId && pipelineName) {
    throw new InputError(
      Inputs.ImagePipelineName,
      `cannot be combined with ${Inputs.ImagePipelineId}; give one of them`
    )
  }
  if (!pipelineId && !pipelineName && !executionId) {
    throw new InputError(
      Inputs.ImagePipelineId,
      `is required (or give ${Inputs.ImagePipelineName}, or ${Inputs.ExecutionId} to wait for an existing execution)`
    )
  }
  if (pipelineId && !/^[A-Za-z0-9_-]{1,64}$/.test(pipelineId)) {
    throw new InputError(
      Inputs.ImagePipelineId,
      `"${pipelineId}" is not an image pipeline ID (e.g. ip-2ze5tsl5bp6nf2b3xxxx)`
    )
  }
  if (executionId && !/^[A-Za-z0-9_-]{1,64}$/.test(executionId)) {
    throw new InputError(
      Inputs.ExecutionId,
      `"${executionId}" is not an execution ID (e.g. exec-5fb8facb8ed7427cxxxx)`
    )
  }
  return { pipelineId, pipelineName, executionId }
}

type WaitSettings = Pick<
  Settings,
  | 'waitForEnd'
  | 'timeoutMs'
  | 'pollIntervalMs'
  | 'maxPollIntervalMs'
  | 'onTimeout'
  | 'cancelOnJobCancel'
  | 'ifRunning'
  | 'allowPartialSuccess'
>

/** How to wait, and what the end means. */
function waitInputs(): WaitSettings {
  const timeoutMs = durationInput(Inputs.Timeout, MAX_TIMEOUT_MS)
  const pollIntervalMs = durationInput(Inputs.PollInterval, MAX_INTERVAL_MS)
  const maxPollIntervalMs = durationInput(Inputs.MaxPollInterval, MAX_INTERVAL_MS)
  if (pollIntervalMs < MIN_POLL_INTERVAL_MS)
    throw new InputError(Inputs.PollInterval, 'must be at least 1s')
  if (maxPollIntervalMs < pollIntervalMs) {
    throw new InputError(Inputs.MaxPollInterval, `must not be shorter than ${Inputs.PollInterval}`)
  }
  const choice = <T extends string>(name: string, choices: readonly T[]): T =>
    parseChoice(name, input(name), choices, choices[0])
  const flag = (name: string, fallback: boolean): boolean =>
    parseBoolean(name, input(name), fallback)
  return {
    waitForEnd: flag(Inputs.Wait, true),
    timeoutMs,
    pollIntervalMs,
    maxPollIntervalMs,
    onTimeout: choice(Inputs.OnTimeout, ['cancel', 'leave'] as const),
    cancelOnJobCancel: flag(Inputs.CancelOnJobCancel, true),
    ifRunning: choice(Inputs.IfRunning, ['fail', 'wait', 'attach'] as const),
    allowPartialSuccess: flag(Inputs.AllowPartialSuccess, false)
  }
}
