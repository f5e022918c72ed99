import fc from 'fast-check'

/** Pieces a hostile service would put together: both command forms, invisible characters, markup, links. */
const pieces = [
  '::',
  '##[',
  ']',
  'set-output name=image-id;',
  'save-state name=done;',
  'stop-commands',
  'add-mask',
  'error file=.github/workflows/ci.yml',
  '\n',
  '\r',
  '\u0085',
  '\u2028',
  '\u0000',
  '\u009b',
  '\u202e',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u00ad',
  '\u{e0041}',
  '\ud800',
  '<',
  '>',
  '|',
  '`',
  '*',
  '_',
  '~',
  '$',
  '[x](',
  'https://',
  'www.',
  'a@b.co',
  '😀',
  'a',
  ' '
]

/** Strings a hostile service would send: control and format characters, commands, markup, long text. */
export const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '\n::set-output name=image-id::m-FORGED',
    '\r::add-mask::x',
    '::stop-commands::t',
    '\u2028::error::x',
    'x ##[set-output name=image-id;]m-FORGED',
    'x ##[save-state name=done;]true',
    '##[stop-commands]tok',
    '#\u200b#[debug]hidden',
    ':\u200b:warning::hidden',
    '<img src=x onerror=alert(1)>',
    '| a | b |',
    '\r# Heading [link](https://evil.invalid)',
    'see https://evil.invalid/x and www.evil.invalid and mail ops@evil.invalid',
    '`code`',
    '\u0085::warning::nel',
    'abc\u202Egnp.exe'
  ),
  fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((parts) => parts.join(''))
)
