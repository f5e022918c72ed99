/**
 * Every input, parsed once into one typed, validated settings object. The only
 * file that reads inputs. A bad input throws an InputError naming it, before any
 * request is sent.
 */
import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { formatDuration, parseDuration } from './duration.js'
import { InputError } from '../api/errors.js'
import { defaultEcsEndpoint } from '../ecs/endpoints.js'
import { parseTags, provenanceTags, type Tag, withProvenance } from './tags.js'
import { type RunOrigin, runOrigin } from '../github.js'
import {
  CREDENTIAL_INPUTS,
  type CredentialInputs,
  credentialSettings,
  type CredentialSettings
} from './credentials.js'
import { HISTORY_VARIABLE, Inputs } from '../constants.js'

export interface Endpoint {
  /** Host, with `:port` when one was given. */
  host: string
  protocol: 'https' | 'http'
}

export interface Settings {
  regionId: string
  pipelineId?: string
  pipelineName?: string
  executionId?: string
  tags: Tag[]
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  maxPollIntervalMs: number
  onTimeout: 'cancel' | 'leave'
  cancelOnJobCancel: boolean
  ifRunning: 'fail' | 'wait' | 'attach'
  allowPartialSuccess: boolean
  clientToken: string
  endpoint: Endpoint
  stsEndpoint: Endpoint
  /** The instance metadata service, for ecs-ram-role. */
  metadataEndpoint: Endpoint
  credentials: CredentialSettings
  /** Where the run comes from (@actions/github's context). */
  origin: RunOrigin
  /** Read this pipeline's recent build durations to poll sparsely until the end is near. */
  history: boolean
}

export const MIN_POLL_INTERVAL_MS = 1000
/** A self-hosted job's longest run. */
export const MAX_TIMEOUT_MS = 5 * 24 * 3_600_000
export const MAX_INTERVAL_MS = 3_600_000

type Env = Record<string, string | undefined>

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** An input's trimmed value; a control character (a line break, say) is refused, naming the input. */
function input(name: string): string {
  const value = core.getInput(name).trim()
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

export function parseBoolean(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  const lower = value.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  throw new InputError(name, `must be true or false, not "${value}"`)
}

export function parseChoice<T extends string>(
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

function durationInput(name: string, fallback: string, maxMs: number): number {
  const raw = input(name) || fallback
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

/** Loopback hosts, as the URL parser writes them (it turns `127.1` into `127.0.0.1`). */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/**
 * `host`, `host:port` or `scheme://host[:port]`, judged by a real URL parser:
 * no user info, path, query or fragment; `http://` only for loopback hosts.
 */
export function parseEndpoint(name: string, value: string): Endpoint {
  const url = endpointUrl(name, value)
  const protocol = url.protocol.slice(0, -1) as 'https' | 'http'
  const hostname = url.hostname
  const host = url.host
  if (protocol === 'http' && !LOOPBACK.test(hostname)) {
    throw new InputError(
      name,
      `uses plain http:// for "${hostname}"; http is accepted only for loopback hosts (localhost, 127.0.0.0/8, [::1]); use https://`
    )
  }
  return { host, protocol }
}

/** The instance metadata service's address on every ECS instance. */
export const METADATA_HOST = '100.100.100.200'

/**
 * `host[:port]` or `http://host[:port]`: the metadata service speaks plain HTTP,
 * so only its own address or a loopback host (an emulator) is accepted.
 */
export function parseMetadataEndpoint(name: string, value: string): Endpoint {
  const url = endpointUrl(name, value, 'http')
  if (url.protocol !== 'http:')
    throw new InputError(name, `must be plain http:// (the metadata service speaks nothing else)`)
  if (url.hostname !== METADATA_HOST && !LOOPBACK.test(url.hostname))
    throw new InputError(
      name,
      `must be the metadata service (${METADATA_HOST}) or a loopback host, not "${url.hostname}"`
    )
  return { host: url.host, protocol: 'http' }
}

function endpointUrl(name: string, value: string, scheme = 'https'): URL {
  const example = '(e.g. ecs-vpc.cn-hangzhou.aliyuncs.com)'
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${scheme}://${value}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new InputError(name, `"${value}" is not a host name or URL ${example}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError(name, `must use https:// (or http:// for loopback), not ${url.protocol}//`)
  if (url.username || url.password || /@/.test(value))
    throw new InputError(
      name,
      `must not contain user info ("user@"): give the host alone ${example}`
    )
  if (
    url.pathname !== '/' ||
    url.search ||
    url.hash ||
    /[?#]/.test(value) ||
    /\/\/[^/]*\/./.test(withScheme)
  )
    throw new InputError(name, `must be a host, with no path, query or fragment ${example}`)
  return url
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

export function parseTagsInput(value: string): Tag[] {
  try {
    return parseTags(value)
  } catch (error) {
    throw new InputError(Inputs.Tags, (error as Error).message)
  }
}

export function checkClientToken(token: string): string {
  if (token.length > 64)
    throw new InputError(
      Inputs.ClientToken,
      `is ${token.length} characters long; at most 64 are allowed`
    )
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new InputError(Inputs.ClientToken, 'must be printable ASCII without spaces')
  return token
}

/**
 * The default ClientToken: the same for every retry of this step's request, so a
 * retried start never creates a second build; different for a re-run (run
 * attempt), another job or step, another region or pipeline.
 */
export function deriveClientToken(origin: RunOrigin, regionId: string, pipeline: string): string {
  const parts = [
    origin.repository,
    origin.runId,
    origin.runAttempt,
    origin.job,
    origin.step,
    regionId,
    pipeline
  ]
  const digest = createHash('sha256')
    .update(parts.map((p) => (p === undefined ? '' : String(p))).join('\n'))
    .digest('hex')
  return `gha-${origin.runId ?? 'local'}-${origin.runAttempt ?? '1'}-${digest.slice(0, 24)}`.slice(
    0,
    64
  )
}

export function getSettings(env: Env = process.env, origin: RunOrigin = runOrigin()): Settings {
  const regionId = regionInput(env)
  const target = targetInputs()
  const credentialInputs: CredentialInputs = {}
  for (const name of CREDENTIAL_INPUTS) credentialInputs[name] = optional(name)
  return {
    regionId,
    ...target,
    tags: tagsWithProvenance(origin),
    ...waitInputs(),
    clientToken: checkClientToken(
      optional(Inputs.ClientToken) ??
        deriveClientToken(
          origin,
          regionId,
          target.pipelineId ?? target.pipelineName ?? target.executionId ?? ''
        )
    ),
    endpoint: parseEndpoint(
      Inputs.Endpoint,
      optional(Inputs.Endpoint) ?? defaultEcsEndpoint(regionId)
    ),
    stsEndpoint: parseEndpoint(
      Inputs.StsEndpoint,
      optional(Inputs.StsEndpoint) ?? 'sts.aliyuncs.com'
    ),
    metadataEndpoint: parseMetadataEndpoint(
      Inputs.MetadataEndpoint,
      optional(Inputs.MetadataEndpoint) ?? METADATA_HOST
    ),
    credentials: credentialSettings(credentialInputs, env, origin),
    origin,
    history: parseBoolean(
      `(environment variable) ${HISTORY_VARIABLE}`,
      env[HISTORY_VARIABLE]?.trim() ?? '',
      true
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
  | 'wait'
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
  const timeoutMs = durationInput(Inputs.Timeout, '60m', MAX_TIMEOUT_MS)
  const pollIntervalMs = durationInput(Inputs.PollInterval, '10s', MAX_INTERVAL_MS)
  const maxPollIntervalMs = durationInput(Inputs.MaxPollInterval, '60s', MAX_INTERVAL_MS)
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
    wait: flag(Inputs.Wait, true),
    timeoutMs,
    pollIntervalMs,
    maxPollIntervalMs,
    onTimeout: choice(Inputs.OnTimeout, ['cancel', 'leave'] as const),
    cancelOnJobCancel: flag(Inputs.CancelOnJobCancel, true),
    ifRunning: choice(Inputs.IfRunning, ['fail', 'wait', 'attach'] as const),
    allowPartialSuccess: flag(Inputs.AllowPartialSuccess, false)
  }
}
