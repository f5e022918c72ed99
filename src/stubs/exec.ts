/**
 * Bundled in place of `@actions/exec` (src/stubs/README.md): `@actions/core`
 * imports it for `platform.getDetails()`, which the action never calls.
 */
function notBundled(): never {
  throw new Error('@actions/exec is not bundled with this action (see src/stubs/README.md)')
}

export const exec = notBundled
export const getExecOutput = notBundled
