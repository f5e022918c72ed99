// Preloaded into the action's process by `npm run bench` (NODE_OPTIONS=--require):
// writes the process's peak resident set size, in KiB, to $MAX_RSS_FILE on exit.
const fs = require('node:fs')

process.on('exit', () => {
  fs.writeFileSync(process.env.MAX_RSS_FILE, String(process.resourceUsage().maxRSS))
})
