import fc from 'fast-check'

/** Strings a hostile service would send: control characters, commands, markup, long text. */
export const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '\n::set-output name=image-id::m-FORGED',
    '\r::add-mask::x',
    '::stop-commands::t',
    '\u2028::error::x',
    '<img src=x onerror=alert(1)>',
    '| a | b |',
    '\r# Heading [link](https://evil.invalid)',
    '`code`',
    '\u0085::warning::nel'
  ),
  fc
    .array(fc.constantFrom('::', '\n', '\r', '<', '>', '|', 'a', '\u0000', '\u009b', '😀'), {
      maxLength: 60
    })
    .map((parts) => parts.join(''))
)
