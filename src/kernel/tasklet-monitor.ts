import { taskletSpec } from '../../machines/tasklet.js';
import { Monitor } from './monitor.js';
import { objectSlot } from './object-slot.js';
import type { Tasklet } from './tasklet.js';
import type { World } from './world.js';

/**
 * The tasklets' monitors, kept here by tasklet so a provider holding a tasklet (its
 * virtual channel's, say) cannot reach or drive the chart its runs are checked against.
 * Trusted modules only; the public API does not export these functions.
 */
const monitors = objectSlot<Tasklet, Monitor<typeof taskletSpec.machine>>();

/** tasklet_setup: the tasklet's chart, named after it. */
export function createTaskletMonitor(
  world: World,
  t: Tasklet,
  name: string,
): Monitor<typeof taskletSpec.machine> {
  const monitor = new Monitor(world, taskletSpec, name);
  monitors.set(t, monitor);
  return monitor;
}

export function taskletMonitor(t: Tasklet): Monitor<typeof taskletSpec.machine> {
  const monitor = monitors.get(t);
  if (monitor === undefined) throw new Error(`${t.name} is not a tasklet`);
  return monitor;
}
