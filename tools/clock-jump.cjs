// Preloaded into the action's process by the launcher (NODE_OPTIONS=--require):
// the runner's wall clock jumps by $CLOCK_JUMP_MS once $CLOCK_JUMP_AFTER_MS have
// passed (0: off from the start), as NTP or a resumed VM would make it. Only the
// wall clock moves (Date); the monotonic clock (performance.now) does not.
const jump = Number(process.env.CLOCK_JUMP_MS || 0)
const after = Number(process.env.CLOCK_JUMP_AFTER_MS || 0)
const RealDate = Date
const realNow = RealDate.now
const started = realNow()
const offset = () => (realNow() - started >= after ? jump : 0)

class RunnerDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + offset())
    else super(...args)
  }
  static now() {
    return realNow() + offset()
  }
}
globalThis.Date = RunnerDate
