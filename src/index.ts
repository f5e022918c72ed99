import { run } from './main.js'

await run()
// Nothing is left to do: a socket a proxy never answered must not keep the step alive.
process.exit()
