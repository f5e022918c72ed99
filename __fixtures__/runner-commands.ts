/**
 * A TypeScript port of the GitHub Actions runner's workflow-command parser, for tests: given
 * what a step printed, which workflow commands would the runner process?
 *
 * Ported from actions/runner at commit 258d6c857db3519913f7deb6004b60172f8043ae:
 * - src/Runner.Sdk/ProcessInvoker.cs           StartReadStream (how output becomes lines)
 * - src/Runner.Worker/Handlers/OutputManager.cs OnDataReceived (which lines reach the parser)
 * - src/Runner.Worker/ActionCommandManager.cs  Initialize, TryProcessCommand, ValidateStopToken
 * - src/Runner.Common/ActionCommand.cs         TryParseV2, TryParse, Unescape*, the escape tables
 * - src/Runner.Common/ExtensionManager.cs      the IActionCommandExtension list
 *
 * .NET behaviour the C# relies on is reproduced where it changes results: String.Split with
 * RemoveEmptyEntries (and count: 2), Char.IsWhiteSpace for Trim/TrimStart, StringComparer
 * .OrdinalIgnoreCase for the command set and the property dictionary, StreamReader.ReadLine.
 * One known gap: the C# StartsWith("::") / IndexOf("::") / IndexOf("##[") calls are
 * culture-sensitive (ICU); this port compares ordinally. They differ only on lines holding
 * ICU-ignorable code points (U+0000, U+00AD, U+200B...) or combining marks next to the markers.
 * A second, smaller one: OrdinalIgnoreCase uses ICU's simple upper-case mapping; this port uses
 * JavaScript's full mapping where it yields one code unit, so a few characters whose full
 * mapping is longer (e.g. Greek U+1F80..U+1FAF with ypogegrammeni) do not fold here.
 */

/** A workflow command the runner processed (ActionCommandManager.TryProcessCommand returned true). */
export interface RunnerCommand {
  /** The name as written on the line (matching is case-insensitive, the spelling is kept). */
  command: string
  /** Unescaped properties; keys keep the spelling of their first occurrence. */
  properties: Record<string, string>
  /** Unescaped data. */
  data: string
  /** 'v2' is `::name k=v,k=v::data`; 'legacy' is `##[name k=v;k=v]data`. */
  form: 'v2' | 'legacy'
  /** 1-based line number, counting lines as the runner reads them (see readRunnerLines). */
  line: number
}

export interface RunnerLogOptions {
  /**
   * The server variable DistributedTask.EnhancedAnnotations. When false, `notice` is not
   * processed (the line stays plain output). github.com enables it, so it defaults to true.
   */
  enhancedAnnotations?: boolean
  /** ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS=true in the environment (default false). */
  allowUnsecureStopCommandTokens?: boolean
}

/** The commit of actions/runner this file ports. */
export const RUNNER_COMMIT = '258d6c857db3519913f7deb6004b60172f8043ae'

/** ActionCommandManager._stopCommand. */
export const STOP_COMMAND = 'stop-commands'

/** ExtensionManager.GetExtensions<IActionCommandExtension>(): every command with a handler. */
export const RUNNER_COMMAND_EXTENSIONS: readonly string[] = [
  'internal-set-repo-path', // registered only while a runner plugin runs
  'set-env', // parsed; fails the step unless ACTIONS_ALLOW_UNSECURE_COMMANDS=true
  'set-output', // deprecated (GITHUB_OUTPUT), still processed
  'save-state', // deprecated (GITHUB_STATE), still processed
  'add-path', // parsed; fails the step unless ACTIONS_ALLOW_UNSECURE_COMMANDS=true
  'add-mask',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice', // only with enhanced annotations
  'debug',
  'group',
  'endgroup',
  'echo'
]

/**
 * ActionCommandManager.Initialize: `_registeredCommands` is stop-commands plus every extension
 * command except internal-set-repo-path (EnablePluginInternalCommand adds that one).
 */
export const DEFAULT_REGISTERED_COMMANDS: readonly string[] = [
  STOP_COMMAND,
  ...RUNNER_COMMAND_EXTENSIONS.filter((name) => name !== 'internal-set-repo-path')
]

/** Constants.Runner.UnsupportedStopCommandTokenDisabled, thrown by ValidateStopToken. */
export const UNSUPPORTED_STOP_COMMAND_TOKEN_MESSAGE =
  "You cannot use a endToken that is an empty string, the string 'pause-logging', or another " +
  'workflow command. For more information see: https://docs.github.com/actions/learn-github-' +
  'actions/workflow-commands-for-github-actions#example-stopping-and-starting-workflow-commands ' +
  'or opt into insecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_' +
  'TOKENS` environment variable to `true`.'

/**
 * ValidateStopToken throws out of TryProcessCommand, OutputManager and ProcessInvoker: the
 * runner stops reading the step's output and the step fails. The port throws this.
 */
export class UnsupportedStopCommandTokenError extends Error {
  constructor(
    readonly token: string,
    readonly line: number
  ) {
    super(`line ${line}: ${UNSUPPORTED_STOP_COMMAND_TOKEN_MESSAGE}`)
    this.name = 'UnsupportedStopCommandTokenError'
  }
}

// ---------------------------------------------------------------------------------------------
// .NET string semantics
// ---------------------------------------------------------------------------------------------

/**
 * Char.IsWhiteSpace: U+0009..U+000D, U+0020, U+0085, U+00A0 and the Zs/Zl/Zp categories.
 * Unlike JavaScript's trim it includes U+0085 and excludes U+FEFF.
 */
const DOTNET_WHITESPACE =
  /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/

function isDotnetWhiteSpace(ch: string): boolean {
  return DOTNET_WHITESPACE.test(ch)
}

/** String.TrimStart() */
export function dotnetTrimStart(s: string): string {
  let i = 0
  while (i < s.length && isDotnetWhiteSpace(s[i])) i++
  return s.substring(i)
}

/** String.Trim() */
export function dotnetTrim(s: string): string {
  let end = s.length
  while (end > 0 && isDotnetWhiteSpace(s[end - 1])) end--
  return dotnetTrimStart(s.substring(0, end))
}

/** OrdinalCasing.ToUpperSurrogate: the only supplementary ranges .NET 8 upper-cases. */
const SURROGATE_UPPER: ReadonlyArray<readonly [number, number, number]> = [
  [0x10428, 0x1044f, -0x28], // Deseret
  [0x104d8, 0x104fb, -0x28], // Osage
  [0x10cc0, 0x10cf2, -0x40], // Old Hungarian
  [0x118c0, 0x118df, -0x20], // Warang Citi
  [0x16e60, 0x16e7f, -0x20], // Medefaidrin
  [0x1e922, 0x1e943, -0x22] // Adlam
]

/** OrdinalCasing.ToUpper for one UTF-16 unit: ICU simple upper-casing, no Turkish-I, no ſ. */
function ordinalUpperUnit(ch: string): string {
  const code = ch.charCodeAt(0)
  if (code < 0x80) return code >= 0x61 && code <= 0x7a ? String.fromCharCode(code - 0x20) : ch
  if (code === 0x131 || code === 0x17f || code === 0xdf) return ch
  const upper = ch.toUpperCase()
  return upper.length === 1 ? upper : ch
}

/**
 * The key StringComparer.OrdinalIgnoreCase compares by (Ordinal.ToUpperOrdinal), so two
 * strings are equal under OrdinalIgnoreCase exactly when their keys are equal.
 */
export function ordinalIgnoreCaseKey(s: string): string {
  let out = ''
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    if (ch.length === 2) {
      const range = SURROGATE_UPPER.find(([lo, hi]) => cp >= lo && cp <= hi)
      out += range ? String.fromCodePoint(cp + range[2]) : ch
    } else {
      out += ordinalUpperUnit(ch)
    }
  }
  return out
}

/** string.Equals(a, b, StringComparison.OrdinalIgnoreCase) */
function equalsOrdinalIgnoreCase(a: string, b: string): boolean {
  return ordinalIgnoreCaseKey(a) === ordinalIgnoreCaseKey(b)
}

/** HashSet<string>(StringComparer.OrdinalIgnoreCase): ActionCommandManager._registeredCommands */
export class OrdinalIgnoreCaseSet {
  private readonly keys = new Set<string>()
  constructor(values: Iterable<string> = []) {
    for (const value of values) this.add(value)
  }
  add(value: string): void {
    this.keys.add(ordinalIgnoreCaseKey(value))
  }
  remove(value: string): void {
    this.keys.delete(ordinalIgnoreCaseKey(value))
  }
  contains(value: string): boolean {
    return this.keys.has(ordinalIgnoreCaseKey(value))
  }
}

/**
 * Dictionary<string, string>(StringComparer.OrdinalIgnoreCase): ActionCommand._properties.
 * `dict[key] = value` on an existing key replaces the value and keeps the stored key.
 */
class OrdinalIgnoreCaseDictionary {
  private readonly entries = new Map<string, [string, string]>()
  set(key: string, value: string): void {
    const folded = ordinalIgnoreCaseKey(key)
    const existing = this.entries.get(folded)
    this.entries.set(folded, [existing ? existing[0] : key, value])
  }
  /** Object.fromEntries defines own properties, so a key like `__proto__` stays a plain key. */
  toRecord(): Record<string, string> {
    return Object.fromEntries(this.entries.values())
  }
}

/** text.Split(new[] { separator }, StringSplitOptions.RemoveEmptyEntries) */
function splitRemoveEmpty(text: string, separator: string): string[] {
  return text.split(separator).filter((part) => part.length > 0)
}

/**
 * text.Split(new[] { '=' }, count: 2, options: StringSplitOptions.RemoveEmptyEntries), after
 * String.SplitWithPostProcessing: empty pieces do not count towards `count`, and once the first
 * piece is taken, empty pieces (runs of '=') before the remainder are skipped. So `k==v` gives
 * ["k", "v"], `=k=v` gives ["k", "v"], `k=v=w` gives ["k", "v=w"] and `k=` gives ["k"].
 */
export function splitPropertyPair(text: string): string[] {
  const pieces: string[] = []
  let current = 0
  let separator = text.indexOf('=', current)
  while (separator >= 0) {
    if (separator > current) pieces.push(text.substring(current, separator))
    current = separator + 1
    if (pieces.length === 1) {
      while (text[current] === '=') current++
      break
    }
    separator = text.indexOf('=', current)
  }
  if (current < text.length) pieces.push(text.substring(current))
  return pieces
}

// ---------------------------------------------------------------------------------------------
// src/Runner.Common/ActionCommand.cs
// ---------------------------------------------------------------------------------------------

type EscapeMapping = readonly [token: string, replacement: string]

/** ActionCommand._escapeMappings: the legacy form, properties and data alike. */
export const ESCAPE_MAPPINGS: readonly EscapeMapping[] = [
  [';', '%3B'],
  ['\r', '%0D'],
  ['\n', '%0A'],
  [']', '%5D'],
  ['%', '%25']
]

/** ActionCommand._escapeDataMappings: v2 data. */
export const ESCAPE_DATA_MAPPINGS: readonly EscapeMapping[] = [
  ['\r', '%0D'],
  ['\n', '%0A'],
  ['%', '%25']
]

/** ActionCommand._escapePropertyMappings: v2 property values. */
export const ESCAPE_PROPERTY_MAPPINGS: readonly EscapeMapping[] = [
  ['\r', '%0D'],
  ['\n', '%0A'],
  [':', '%3A'],
  [',', '%2C'],
  ['%', '%25']
]

/**
 * ActionCommand.Unescape / UnescapeProperty / UnescapeData: one ordinal, case-sensitive
 * String.Replace(replacement, token) per mapping, in table order (%25 last).
 */
export function unescapeWith(mappings: readonly EscapeMapping[], escaped: string): string {
  let unescaped = escaped
  for (const [token, replacement] of mappings) {
    unescaped = unescaped.split(replacement).join(token)
  }
  return unescaped
}

/** What ActionCommand.TryParseV2 / TryParse put in their `out ActionCommand`. */
export interface ParsedActionCommand {
  command: string
  properties: Record<string, string>
  data: string
  form: 'v2' | 'legacy'
}

/** ActionCommand._commandKey and ActionCommand.Prefix */
const COMMAND_KEY = '::'
const PREFIX = '##['

/**
 * The shared middle of TryParseV2 and TryParse: the name is cmdInfo up to the first ' ' and
 * must be registered; `new ActionCommand("")` throws (ArgUtil.NotNullOrEmpty) inside the
 * try, so an empty name never parses even when registered. Properties are split, each pair
 * split once on '=', pairs without a key or value dropped, later keys overwriting earlier.
 */
function parseCommandInfo(
  cmdInfo: string,
  registered: OrdinalIgnoreCaseSet,
  properties: { separator: string; trim: boolean; unescape: (value: string) => string }
): { command: string; properties: Record<string, string> } | undefined {
  const spaceIndex = cmdInfo.indexOf(' ')
  const commandName = spaceIndex < 0 ? cmdInfo : cmdInfo.substring(0, spaceIndex)
  if (!registered.contains(commandName) || commandName === '') return undefined
  const dictionary = new OrdinalIgnoreCaseDictionary()
  if (spaceIndex > 0) {
    const rest = cmdInfo.substring(spaceIndex + 1)
    const propertiesStr = properties.trim ? dotnetTrim(rest) : rest
    for (const propertyStr of splitRemoveEmpty(propertiesStr, properties.separator)) {
      const pair = splitPropertyPair(propertyStr)
      if (pair.length === 2) dictionary.set(pair[0], properties.unescape(pair[1]))
    }
  }
  return { command: commandName, properties: dictionary.toRecord() }
}

/**
 * ActionCommand.TryParseV2: `::name k=v,k=v::data`, only at the start of the line after
 * TrimStart. The data starts after the first `::` that follows the opening one.
 */
export function tryParseV2(
  message: string,
  registered: OrdinalIgnoreCaseSet
): ParsedActionCommand | undefined {
  if (message === '') return undefined
  const trimmed = dotnetTrimStart(message)
  if (!trimmed.startsWith(COMMAND_KEY)) return undefined
  const endIndex = trimmed.indexOf(COMMAND_KEY, COMMAND_KEY.length)
  if (endIndex < 0) return undefined
  const cmdInfo = trimmed.substring(COMMAND_KEY.length, endIndex)
  const info = parseCommandInfo(cmdInfo, registered, {
    separator: ',',
    trim: true,
    unescape: (value) => unescapeWith(ESCAPE_PROPERTY_MAPPINGS, value)
  })
  if (!info) return undefined
  const data = unescapeWith(ESCAPE_DATA_MAPPINGS, trimmed.substring(endIndex + COMMAND_KEY.length))
  return { ...info, data, form: 'v2' }
}

/**
 * ActionCommand.TryParse: `##[name k=v;k=v]data`, at the FIRST `##[` anywhere in the line
 * (no trimming); cmdInfo ends at the first `]` after it. Only that first `##[` is tried.
 */
export function tryParseLegacy(
  message: string,
  registered: OrdinalIgnoreCaseSet
): ParsedActionCommand | undefined {
  if (message === '') return undefined
  const prefixIndex = message.indexOf(PREFIX)
  if (prefixIndex < 0) return undefined
  const rbIndex = message.indexOf(']', prefixIndex)
  if (rbIndex < 0) return undefined
  const cmdInfo = message.substring(prefixIndex + PREFIX.length, rbIndex)
  const info = parseCommandInfo(cmdInfo, registered, {
    separator: ';',
    trim: false,
    unescape: (value) => unescapeWith(ESCAPE_MAPPINGS, value)
  })
  if (!info) return undefined
  const data = unescapeWith(ESCAPE_MAPPINGS, message.substring(rbIndex + 1))
  return { ...info, data, form: 'legacy' }
}

// ---------------------------------------------------------------------------------------------
// src/Runner.Worker/ActionCommandManager.cs
// ---------------------------------------------------------------------------------------------

/**
 * ActionCommandManager: the per-step command state (Handler.cs creates one per step; the
 * step's stdout and stderr share it). `registered` is `_registeredCommands` as Initialize
 * leaves it; pass 'internal-set-repo-path' too to mimic EnablePluginInternalCommand.
 */
export class RunnerCommandManager {
  readonly registered: OrdinalIgnoreCaseSet
  private stopProcessCommand = false
  private stopToken: string | undefined

  constructor(
    registered: readonly string[] = DEFAULT_REGISTERED_COMMANDS,
    private readonly options: RunnerLogOptions = {}
  ) {
    this.registered = new OrdinalIgnoreCaseSet(registered)
  }

  /** TryProcessCommand: the command when it returns true, undefined when it returns false. */
  tryProcessCommand(input: string, line = 0): ParsedActionCommand | undefined {
    if (input === '') return undefined
    const command = tryParseV2(input, this.registered) ?? tryParseLegacy(input, this.registered)
    if (!command) return undefined
    // An ordinal, case-SENSITIVE `==`: `::NOTICE::` skips this gate.
    if (this.options.enhancedAnnotations === false && command.command === 'notice') {
      return undefined
    }
    if (this.stopProcessCommand) return this.resume(command)
    if (equalsOrdinalIgnoreCase(command.command, STOP_COMMAND)) {
      this.validateStopToken(command.data, line)
      this.stopToken = command.data
      this.stopProcessCommand = true
      this.registered.add(command.data)
      return command
    }
    // A registered command runs its extension; a registered command without one only logs
    // "Can't find command extension". Either way, and even if the extension throws (set-env
    // and add-path do unless ACTIONS_ALLOW_UNSECURE_COMMANDS=true), the result is true.
    return command
  }

  /** The "currently stopped" branch of TryProcessCommand. */
  private resume(command: ParsedActionCommand): ParsedActionCommand | undefined {
    const token = this.stopToken
    if (token === undefined || token === '' || !equalsOrdinalIgnoreCase(command.command, token)) {
      return undefined
    }
    // The token is un-registered even when it is also a real command name (allowed only
    // with ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS): that command stays dead afterwards.
    this.registered.remove(token)
    this.stopProcessCommand = false
    this.stopToken = undefined
    return command
  }

  /** ValidateStopToken */
  private validateStopToken(stopToken: string, line: number): void {
    const isTokenInvalid =
      this.registered.contains(stopToken) ||
      stopToken === '' ||
      equalsOrdinalIgnoreCase(stopToken, 'pause-logging')
    if (isTokenInvalid && this.options.allowUnsecureStopCommandTokens !== true) {
      throw new UnsupportedStopCommandTokenError(stopToken, line)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// src/Runner.Sdk/ProcessInvoker.cs and src/Runner.Worker/Handlers/OutputManager.cs
// ---------------------------------------------------------------------------------------------

/**
 * ProcessInvoker.StartReadStream: `while (!reader.EndOfStream) reader.ReadLine()`. ReadLine
 * ends a line at "\r\n", "\n" or a lone "\r", without the terminator; a terminator at the very
 * end does not start another (empty) line. Process creates the reader with
 * detectEncodingFromByteOrderMarks: true, so a byte-order mark opening the stream (and only
 * there) is consumed, not read.
 */
export function readRunnerLines(output: string): string[] {
  const text = output.startsWith('\ufeff') ? output.substring(1) : output
  if (text === '') return []
  const lines = text.split(/\r\n|\r|\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** OutputManager.OnDataReceived: only non-empty lines holding `##[` or `::` are offered. */
export function isOfferedToCommandManager(line: string): boolean {
  return line !== '' && (line.includes(PREFIX) || line.includes(COMMAND_KEY))
}

/**
 * Every command the runner would process from one step's output, in order. Includes the
 * `stop-commands` line and the resume-token line (TryProcessCommand returns true for both);
 * while stopped, nothing else is processed. Throws UnsupportedStopCommandTokenError where the
 * runner would fail the step on an invalid stop token.
 */
export function parseRunnerLog(
  stdout: string,
  registered: readonly string[] = DEFAULT_REGISTERED_COMMANDS,
  options: RunnerLogOptions = {}
): RunnerCommand[] {
  const manager = new RunnerCommandManager(registered, options)
  const commands: RunnerCommand[] = []
  readRunnerLines(stdout).forEach((text, index) => {
    if (!isOfferedToCommandManager(text)) return
    const command = manager.tryProcessCommand(text, index + 1)
    if (command) commands.push({ ...command, line: index + 1 })
  })
  return commands
}
