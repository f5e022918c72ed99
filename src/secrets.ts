/**
 * Every secret the action holds (keys, tokens, STS credentials, the ID token):
 * masked in the runner's log when it becomes known, and scrubbed from any text
 * before that text is logged, summarised, set as an output or put into the
 * step's failure. The service may echo a request back in an error, so text
 * from it can carry a secret too.
 */
import * as core from '@actions/core'

const REDACTED = '***'

export class Secrets {
  private readonly values = new Set<string>()

  constructor(
    private readonly mask: (secret: string) => void = (secret) => core.setSecret(secret)
  ) {}

  /** Masks the secret at once, and scrubs it (and its URL-encoded forms) from now on. */
  readonly add = (secret: string | undefined): void => {
    if (!secret) return
    this.mask(secret)
    for (const form of [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%20/g, '+')
    ]) {
      // Short values would scrub ordinary words: GitHub does not mask them either.
      if (form.length >= 4) this.values.add(form)
    }
  }

  readonly scrub = (text: string): string => {
    let result = text
    // Longest first, so that no part of a secret survives a shorter one's replacement.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      result = result.split(value).join(REDACTED)
    }
    return result
  }
}
