/**
 * The port of the runner's workflow-command parser (actions/runner@258d6c85), checked against
 * the runner's own L0 tests (src/Test/L0/Worker/ActionCommandL0.cs, ActionCommandManagerL0.cs)
 * and against what the C# source does on the edges.
 */
import { describe, expect, test } from '@jest/globals'
import {
  DEFAULT_REGISTERED_COMMANDS,
  OrdinalIgnoreCaseSet,
  RUNNER_COMMIT,
  UnsupportedStopCommandTokenError,
  dotnetTrim,
  ordinalIgnoreCaseKey,
  parseRunnerLog,
  readRunnerLines,
  splitPropertyPair,
  tryParseLegacy,
  tryParseV2
} from '../../__fixtures__/runner-commands.js'

type Props = Record<string, string>
const doSomething = new OrdinalIgnoreCaseSet(['do-something'])

/** [line, command, data] of each processed command. */
const pick = (log: string, allow = false) =>
  parseRunnerLog(log, undefined, { allowUnsecureStopCommandTokens: allow }).map((c) => [
    c.line,
    c.command,
    c.data
  ])

describe('ActionCommandL0.CommandParserTest: the legacy ##[ form', () => {
  test.each<[string, Props, string]>([
    ['##[do-something k1=v1;]msg', { k1: 'v1' }, 'msg'],
    ['##[do-something]', {}, ''],
    ['##[do-something k1=%3B=%0D=%0A=%5D;]%3B-%0D-%0A-%5D', { k1: ';=\r=\n=]' }, ';-\r-\n-]'],
    [
      '##[do-something k1=%253B=%250D=%250A=%255D;]%253B-%250D-%250A-%255D',
      { k1: '%3B=%0D=%0A=%5D' },
      '%3B-%0D-%0A-%5D'
    ],
    ['##[do-something k1=;k2=;]', {}, ''],
    ['>>>   ##[do-something k1=v1;]msg', { k1: 'v1' }, 'msg']
  ])('%j', (message, properties, data) => {
    expect(tryParseLegacy(message, doSomething)).toEqual({
      command: 'do-something',
      properties,
      data,
      form: 'legacy'
    })
  })
})

describe('ActionCommandL0.CommandParserV2Test: the :: form', () => {
  test.each<[string, Props, string]>([
    ['::do-something k1=v1,::msg', { k1: 'v1' }, 'msg'],
    ['::do-something::', {}, ''],
    [
      '::do-something k1=;=%2C=%0D=%0A=]=%3A,::;-%0D-%0A-]-:-,',
      { k1: ';=,=\r=\n=]=:' },
      ';-\r-\n-]-:-,'
    ],
    [
      '::do-something k1=;=%252C=%250D=%250A=]=%253A,::;-%250D-%250A-]-:-,',
      { k1: ';=%2C=%0D=%0A=]=%3A' },
      ';-%0D-%0A-]-:-,'
    ],
    ['::do-something k1=,k2=,::', {}, ''],
    ['::do-something k1=v1::', { k1: 'v1' }, ''],
    ['   ::do-something k1=v1,::msg', { k1: 'v1' }, 'msg']
  ])('%j', (message, properties, data) => {
    expect(tryParseV2(message, doSomething)).toEqual({
      command: 'do-something',
      properties,
      data,
      form: 'v2'
    })
  })

  test('the v2 form must start the (left-trimmed) line', () => {
    expect(tryParseV2('   >>>   ::do-something k1=v1,::msg', doSomething)).toBeUndefined()
  })
})

describe('ActionCommandManagerL0 through parseRunnerLog: stop-commands', () => {
  test('StopProcessCommand: legacy stop and resume', () => {
    const log = [
      '##[stop-commands]stopToken',
      '##[set-env name=foo]bar',
      '##[stopToken]',
      '##[set-env name=foo]bar'
    ].join('\n')
    expect(pick(log)).toEqual([
      [1, 'stop-commands', 'stopToken'],
      [3, 'stopToken', ''],
      [4, 'set-env', 'bar']
    ])
  })

  test('StopProcessCommandAcceptsValidToken: v2 stop and resume', () => {
    const log = '::stop-commands::randomToken\n##[set-env name=foo]bar\n::randomToken::\n'
    expect(pick(log + '##[set-env name=foo]bar\n')).toEqual([
      [1, 'stop-commands', 'randomToken'],
      [3, 'randomToken', ''],
      [4, 'set-env', 'bar']
    ])
  })

  test.each(['stop-commands', '', 'set-env', 'SET-ENV', 'pause-logging', 'Pause-Logging'])(
    'StopProcessCommand__FailOnInvalidStopTokens: %j throws',
    (token) => {
      expect(() => parseRunnerLog(`::debug::a\n::stop-commands::${token}\n::debug::b`)).toThrow(
        new UnsupportedStopCommandTokenError(token, 2)
      )
    }
  )

  test.each(['stop-commands', '', 'set-env'])(
    'StopProcessCommand__AllowsInvalidStopTokens__IfEnvVarIsSet: %j',
    (token) => {
      const commands = parseRunnerLog(`::stop-commands::${token}`, undefined, {
        allowUnsecureStopCommandTokens: true
      })
      expect(commands).toEqual([
        { command: 'stop-commands', properties: {}, data: token, form: 'v2', line: 1 }
      ])
    }
  )
})

describe('ActionCommandManagerL0 through parseRunnerLog: the other commands', () => {
  test('Enable/DisablePluginInternalCommand: internal-set-repo-path is not registered by default', () => {
    const log = '##[internal-set-repo-path repoFullName=actions/runner;workspaceRepo=true]somepath'
    expect(parseRunnerLog(log)).toEqual([])
    expect(parseRunnerLog(log, [...DEFAULT_REGISTERED_COMMANDS, 'internal-set-repo-path'])).toEqual(
      [
        {
          command: 'internal-set-repo-path',
          properties: { repoFullName: 'actions/runner', workspaceRepo: 'true' },
          data: 'somepath',
          form: 'legacy',
          line: 1
        }
      ]
    )
  })

  test('EchoProcessCommand and EchoProcessCommandInvalid: processed whatever the value', () => {
    const log = '::echo::on\n::echo::off\n::echo::ON\n::echo::Off   \n::echo::invalid\n::echo::'
    expect(pick(log).map(([, , data]) => data)).toEqual([
      'on',
      'off',
      'ON',
      'Off   ',
      'invalid',
      ''
    ])
  })

  test('IssueCommandInvalidColumns: the parse before validation', () => {
    const [warning] = parseRunnerLog(
      '::warning line=1,endLine=2,col=1,endColumn=2::this is a warning'
    )
    expect(warning?.properties).toEqual({ line: '1', endLine: '2', col: '1', endColumn: '2' })
    expect(warning?.data).toBe('this is a warning')
  })

  test('AddMaskWithMultilineValue: data unescapes %0D and %0A', () => {
    expect(pick('::add-mask::abc%0Ddef%0Aghi%0D%0Ajkl')).toEqual([
      [1, 'add-mask', 'abc\rdef\nghi\r\njkl']
    ])
  })

  test('SetOutputCommand / SaveStateCommand: deprecated but still processed', () => {
    expect(parseRunnerLog('::set-output name=foo::bar\n::save-state name=foo::bar')).toEqual([
      { command: 'set-output', properties: { name: 'foo' }, data: 'bar', form: 'v2', line: 1 },
      { command: 'save-state', properties: { name: 'foo' }, data: 'bar', form: 'v2', line: 2 }
    ])
  })
})

describe('which form wins, and where', () => {
  test.each<[string, Array<[string, Props, string, string]>]>([
    // Legacy anywhere in the line.
    ['x ##[set-output name=a;]b', [['set-output', { name: 'a' }, 'b', 'legacy']]],
    // A line that parses as v2 is not also parsed as legacy: the ##[ stays in the data.
    ['::debug::x ##[set-output name=a;]b', [['debug', {}, 'x ##[set-output name=a;]b', 'v2']]],
    // A v2 line with an unregistered name falls back to legacy.
    ['::nope::##[debug]hi', [['debug', {}, 'hi', 'legacy']]],
    ['::nope k=v::x ##[warning file=f]w', [['warning', { file: 'f' }, 'w', 'legacy']]],
    // Only the first ##[ is tried; only the first :: pair delimits.
    ['##[nope]x ##[debug]y', []],
    ['::set-output name=a::b::c', [['set-output', { name: 'a' }, 'b::c', 'v2']]],
    // Leading whitespace (.NET Char.IsWhiteSpace) before v2, none needed before legacy.
    ['\t \u00a0\u0085::debug::x', [['debug', {}, 'x', 'v2']]],
    ['a\n\ufeff::debug::x', []],
    ['>>> ::debug::x', []],
    // Malformed.
    ['::debug', []],
    ['::debug:x', []],
    [':::debug::x', []],
    ['##[debug', []],
    ['##[ debug]x', []],
    ['::debug\tx::y', []],
    ['::unknown::x', []],
    ['##[unknown]x', []]
  ])('%j', (log, expected) => {
    expect(parseRunnerLog(log).map((c) => [c.command, c.properties, c.data, c.form])).toEqual(
      expected
    )
  })
})

describe('properties and escaping', () => {
  const props = (log: string) => parseRunnerLog(log)[0]?.properties
  const data = (log: string) => parseRunnerLog(log)[0]?.data

  test.each<[string, Props]>([
    // v2: the property string is trimmed, but each key is not.
    ['::warning  file=a ::m', { file: 'a' }],
    ['::warning file=a, line=1::m', { file: 'a', ' line': '1' }],
    // legacy: nothing is trimmed, and ',' is not a separator.
    ['##[warning  file=a]m', { ' file': 'a' }],
    ['##[warning file=a,line=1]m', { file: 'a,line=1' }],
    // String.Split('=', 2, RemoveEmptyEntries): runs of '=' before the value vanish.
    ['::set-output name==a=b::x', { name: 'a=b' }],
    ['::set-output =name=a::x', { name: 'a' }],
    ['::set-output name=::x', {}],
    ['::set-output name::x', {}],
    ['::set-output ,,name=a,,::x', { name: 'a' }],
    // Keys are case-insensitive: the first spelling stays, the last value wins.
    ['::warning File=a,file=b::m', { File: 'b' }],
    // A key named __proto__ is an ordinary own property.
    ['::warning __proto__=x::m', JSON.parse('{"__proto__":"x"}') as Props],
    // v2 property escapes: %0D %0A %3A %2C %25 only, upper-case hex only.
    ['::warning t=%3A%2C%0D%0A%25%3B%5D%3a::m', { t: ':,\r\n%%3B%5D%3a' }],
    // legacy escapes: %3B %0D %0A %5D %25 only.
    ['##[warning t=%3B%5D%0D%0A%25%3A%2C]m', { t: ';]\r\n%%3A%2C' }]
  ])('%j', (log, expected) => {
    expect(props(log)).toEqual(expected)
  })

  test.each<[string, string]>([
    // v2 data: %0D %0A %25 only.
    ['::debug::%3B%5D%3A%2C%0D%0A%25', '%3B%5D%3A%2C\r\n%'],
    ['::debug::a%0ab', 'a%0ab'],
    ['::debug::%250A', '%0A'],
    ['::debug::  spaced  ', '  spaced  '],
    // legacy data: %3B %0D %0A %5D %25.
    ['##[debug]%3B%5D%0D%0A%25%3A%2C', ';]\r\n%%3A%2C'],
    ['##[debug]a]b', 'a]b']
  ])('data of %j', (log, expected) => {
    expect(data(log)).toBe(expected)
  })
})

describe('case rules', () => {
  test('command names match case-insensitively and keep their spelling', () => {
    expect(parseRunnerLog('::SET-OUTPUT NAME=a::b\n##[Debug]x')).toEqual([
      { command: 'SET-OUTPUT', properties: { NAME: 'a' }, data: 'b', form: 'v2', line: 1 },
      { command: 'Debug', properties: {}, data: 'x', form: 'legacy', line: 2 }
    ])
  })

  test('OrdinalIgnoreCase is simple upper-casing without Turkish-I or long-s folding', () => {
    expect(ordinalIgnoreCaseKey('\u00b5\u00ff\u00e9z')).toBe('\u039c\u0178\u00c9Z')
    expect(ordinalIgnoreCaseKey('\u0131\u017f\u00df')).toBe('\u0131\u017f\u00df')
    expect(parseRunnerLog('::ſet-output name=a::b\n::debug::ı')).toEqual([
      { command: 'debug', properties: {}, data: 'ı', form: 'v2', line: 2 }
    ])
  })

  test('enhanced annotations off: notice is dropped, but the check is case-sensitive', () => {
    const log = '::notice::a\n::NOTICE::b\n##[notice]c'
    const off = parseRunnerLog(log, undefined, { enhancedAnnotations: false })
    expect(off.map((c) => [c.command, c.data])).toEqual([['NOTICE', 'b']])
    expect(parseRunnerLog(log)).toHaveLength(3)
  })
})

describe('stop-commands: what resumes', () => {
  test('everything is ignored until the token, in either form, any case, anywhere legacy goes', () => {
    const log = [
      '::STOP-COMMANDS::MyToken',
      '::set-output name=a::hidden',
      '::error::hidden',
      '::stop-commands::other',
      'text ##[mytoken]',
      '::set-output name=a::shown'
    ].join('\n')
    expect(pick(log)).toEqual([
      [1, 'STOP-COMMANDS', 'MyToken'],
      [5, 'mytoken', ''],
      [6, 'set-output', 'shown']
    ])
  })

  test('a line that parses as another v2 command does not resume, even holding the token', () => {
    const log = '::stop-commands::tok3n\n::debug::x ##[tok3n]\n::debug::y\n::tok3n::\n::debug::z'
    expect(pick(log)).toEqual([
      [1, 'stop-commands', 'tok3n'],
      [4, 'tok3n', ''],
      [5, 'debug', 'z']
    ])
  })

  test('a token with a space can never resume (the name stops at the space)', () => {
    expect(pick('::stop-commands::a b\n::a b::\n##[a b]\n::debug::x')).toEqual([
      [1, 'stop-commands', 'a b']
    ])
  })

  test('the token is registered only while stopped', () => {
    expect(pick('::tok3n::\n::stop-commands::tok3n\n::tok3n::\n::tok3n::')).toEqual([
      [2, 'stop-commands', 'tok3n'],
      [3, 'tok3n', '']
    ])
  })

  test('the token is the raw data, untrimmed, unescaped per v2 data rules', () => {
    expect(pick('::stop-commands::to%25ken\n::debug::x\n::to%ken::\n::debug::y')).toEqual([
      [1, 'stop-commands', 'to%ken'],
      [3, 'to%ken', ''],
      [4, 'debug', 'y']
    ])
  })
})

describe('stop-commands: tokens let through by ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS', () => {
  test('allowed: a token that is a command name un-registers that command on resume', () => {
    const log = '::stop-commands::debug\n::set-output name=a::b\n::debug::resume\n::debug::dead\n'
    expect(pick(log + '::set-output name=a::b', true)).toEqual([
      [1, 'stop-commands', 'debug'],
      [3, 'debug', 'resume'],
      [5, 'set-output', 'b']
    ])
  })

  test('allowed: an empty token never resumes (new ActionCommand("") throws)', () => {
    expect(pick('::stop-commands::\n::::\n:: ::\n##[]\n::debug::x', true)).toEqual([
      [1, 'stop-commands', '']
    ])
  })
})

describe('lines as the runner reads them (StreamReader.ReadLine)', () => {
  test.each<[string, string[]]>([
    ['', []],
    ['a', ['a']],
    ['a\n', ['a']],
    ['a\r\nb\rc\nd', ['a', 'b', 'c', 'd']],
    ['\n', ['']],
    ['a\n\nb\r\n\r\n', ['a', '', 'b', '']],
    ['a\r\r\nb', ['a', '', 'b']]
  ])('%j', (text, lines) => {
    expect(readRunnerLines(text)).toEqual(lines)
  })

  test('a byte-order mark is dropped at the start of the stream only', () => {
    expect(readRunnerLines('\ufeff::debug::x\n\ufeffy')).toEqual(['::debug::x', '\ufeffy'])
    expect(parseRunnerLog('\ufeff::debug::x\n\ufeff::debug::y')).toEqual([
      { command: 'debug', properties: {}, data: 'x', form: 'v2', line: 1 }
    ])
  })

  test('CRLF and a lone CR both end a command line; numbering counts blank lines', () => {
    const log = '::debug::a\r::debug::b\r\n\n::debug::c\n'
    expect(parseRunnerLog(log).map((c) => [c.line, c.data])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [4, 'c']
    ])
  })
})

describe('.NET helpers', () => {
  test.each<[string, string[]]>([
    ['k=v', ['k', 'v']],
    ['k==v', ['k', 'v']],
    ['==k=v', ['k', 'v']],
    ['k=v=w', ['k', 'v=w']],
    ['k=v=', ['k', 'v=']],
    ['k=', ['k']],
    ['k==', ['k']],
    ['=v', ['v']],
    ['k', ['k']]
  ])('Split(=, 2, RemoveEmptyEntries) of %j', (text, pieces) => {
    expect(splitPropertyPair(text)).toEqual(pieces)
  })

  test('Trim uses Char.IsWhiteSpace', () => {
    expect(dotnetTrim('\u0085 a \u3000')).toBe('a')
    expect(dotnetTrim('\ufeffa\ufeff')).toBe('\ufeffa\ufeff')
  })

  test('the port names the commit it was read from', () => {
    expect(RUNNER_COMMIT).toMatch(/^[0-9a-f]{40}$/)
  })
})
