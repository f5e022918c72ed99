/**
 * Bundled in place of `@actions/http-client`'s entry (src/stubs/README.md):
 * `@actions/core` imports it for `getIDToken`, which the action never calls.
 */
export class HttpClient {
  constructor() {
    throw new Error(
      '@actions/http-client is not bundled with this action (see src/stubs/README.md): core.getIDToken is not available; the action asks for the ID token itself'
    )
  }
}
