/**
 * Bundled in place of `@alicloud/tea-typescript` (src/stubs/README.md):
 * `@alicloud/openapi-util` and `@alicloud/tea-util` import it for their model
 * classes (a base class at load) and the tea transport; the signing functions
 * the action calls use neither. Anything else reached throws.
 */
export class Model {
  constructor(map?: Record<string, unknown>) {
    if (map) Object.assign(this, map)
  }
}

export function toMap(): never {
  throw new Error(
    '@alicloud/tea-typescript is not bundled with this action (see src/stubs/README.md)'
  )
}
