/**
 * Bundled in place of `undici` (tsconfig.json `paths`; ncc resolves with it;
 * src/stubs/README.md).
 *
 * `@actions/core` imports `@actions/http-client` for `getIDToken`, which this
 * action does not call (credentials/id-token.ts asks for the token through the
 * action's own bounded exchange), and http-client imports `ProxyAgent` from
 * undici at its top level, for `HttpClient#getAgentDispatcher()` alone.
 * Bundling undici for it took 900 KiB of the 1.6 MiB bundle and half of the
 * start-up time.
 * Upstream: https://github.com/actions/toolkit/issues/1621 and
 * https://github.com/actions/toolkit/pull/1800 (lazy load); drop this stub when
 * that lands.
 */
export class ProxyAgent {
  constructor() {
    throw new Error(
      'undici is not bundled with this action, so HttpClient#getAgentDispatcher() is not available (see src/stubs/README.md)'
    )
  }
}
