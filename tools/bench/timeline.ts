/** A simulated build's timeline, shared by the bench and the fleet simulation. */

/** Phase boundaries in ms from the build's start, and how it ends. */
export interface Build {
  phases: Array<{ status: string; from: number }>
  end: number
  endStatus: string
}

/** The status the service would report `t` ms after the build started. */
export function statusAt(build: Build, t: number): string {
  if (t >= build.end) return build.endStatus
  return [...build.phases].reverse().find((phase) => t >= phase.from)!.status
}
