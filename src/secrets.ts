/**
 * Every secret the action holds (keys, tokens, STS credentials, the ID token,
 * a proxy's password): masked in the runner's log when it becomes known, and
 * scrubbed from any text before that text is logged, summarised, set as an
 * output or put into the step's failure. The service may echo a request back
 * in an error, so text from it can carry a secret too.
 */
import { showInvisible, summaryText } from './runner/text.js'

const REDACTED = '***'

export class Secrets {
  private readonly values = new Set<string>()

  /** `mask` tells the runner (runner/runner.ts `runnerMask`); tests pass their own. */
  constructor(private readonly mask: (secret: string) => void) {}

  /**
   * Masks the secret at once, and scrubs it from now on: as it is, URL-encoded,
   * and as the log and the summary would show it (escaped), since they are
   * scrubbed after the text was made safe for them.
   */
  readonly add = (secret: string | undefined): void => {
    if (!secret) return
    this.mask(secret)
    const plain = /^[A-Za-z0-9+/=.-]*$/.test(secret)
    for (const form of [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%20/g, '+'),
      // What the log and the summary would make of it: only a key of plain characters shows as itself.
      ...(plain ? [] : [showInvisible(secret), summaryText(secret)])
    ]) {
      // Short values would scrub ordinary words: GitHub does not mask them either.
      if (form.length >= 4) this.values.add(form)
    }
  }

  /** `text` with every secret replaced by `***` (or `redacted`: markdown wants it as entities). */
  readonly scrub = (text: string, redacted = REDACTED): string => {
    let result = text
    // Longest first, so that no part of a secret survives a shorter one's replacement.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      result = result.split(value).join(redacted)
    }
    return result
  }
}
