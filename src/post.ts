import { cleanup } from './post/cleanup.js'

await cleanup()
// Nothing is left to do: a socket a proxy never answered must not keep the step alive.
process.exit()
