import { cleanup } from './post/cleanup.js'

await cleanup()
