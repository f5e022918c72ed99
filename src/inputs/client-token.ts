/**
 * The default ClientToken: unique to this step's execution. It names the run
 * and its attempt (a re-run starts a fresh build) and ends with a part chosen
 * once per step, so two matrix legs or two steps of one job never share one,
 * while every retry of this step's start request repeats it (so a retried
 * request never starts a second build).
 */
import { randomBytes } from 'node:crypto'
import { InputError } from '../api/errors.js'
import { Inputs } from '../constants.js'
import type { RunOrigin } from '../github.js'

const MAX_CLIENT_TOKEN = 64

export function deriveClientToken(
  origin: RunOrigin,
  nonce = randomBytes(12).toString('hex')
): string {
  return `gha-${origin.runId ?? 'local'}-${origin.runAttempt ?? '1'}-${nonce}`.slice(
    0,
    MAX_CLIENT_TOKEN
  )
}

export function checkClientToken(token: string): string {
  if (token.length > MAX_CLIENT_TOKEN)
    throw new InputError(
      Inputs.ClientToken,
      `is ${token.length} characters long; at most ${MAX_CLIENT_TOKEN} are allowed`
    )
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new InputError(Inputs.ClientToken, 'must be printable ASCII without spaces')
  return token
}

/** The ClientToken of the start after the `round`-th wait (if-running: wait): at most 64 characters. */
export function retryToken(token: string, round: number): string {
  return `${token.slice(0, MAX_CLIENT_TOKEN - 9)}-w${round}`
}
