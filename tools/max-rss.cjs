// Preloaded into the action's process (NODE_OPTIONS=--require) by the launcher's
// maxRssFile: writes the process's peak resident set size, in KiB, to
// $MAX_RSS_FILE on exit. On Linux it is VmHWM, the peak of this program alone:
// getrusage's maxrss also keeps the peak of the process image before exec, the
// parent's (a jest worker at 115 MB made every child read 115 MB).
const fs = require('node:fs')

function peakKib() {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8')
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status)
    if (match) return Number(match[1])
  } catch {
    // Not Linux: getrusage's figure.
  }
  return process.resourceUsage().maxRSS
}

process.on('exit', () => {
  fs.writeFileSync(process.env.MAX_RSS_FILE, String(peakKib()))
})
