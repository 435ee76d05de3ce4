import type { Device } from '../kernel/device.js';
import { hex } from '../kernel/memory.js';
import type { Outcome } from '../kernel/scheduler.js';
import type { MappingRegistry } from './registry.js';
import { MappingRules } from './rules.js';
import { dir2name } from './types.js';

/**
 * dma_debug_device_change: mappings left behind. The mapping layer knows nothing of dmaengine
 * (kernel/dma/debug.c includes no dmaengine header), so dmaengine feeds these checks: which
 * channel's transfers use which bus addresses, and when a channel's resources are released
 * (src/dmaengine/dma-mapping-bus.ts). The end of a quiescent run is the driver's unbind.
 */

/** A range of bus addresses a transfer names. */
export interface TransferRange {
  readonly addr: number;
  readonly len: number;
}

/** `user` (a channel) prepared a transfer on `ranges` of `dev`'s bus: the mappings covering them are its. */
export function noteMappingUse(
  registry: MappingRegistry,
  dev: Device,
  user: object,
  ranges: readonly TransferRange[],
): void {
  const st = registry.known(dev);
  if (st === undefined) return;
  for (const r of ranges) registry.covering(st, r.addr)?.users.add(user);
}

/** `user` (named `name`) is released: every mapping its transfers used must be gone. */
export function checkUserReleased(registry: MappingRegistry, user: object, name: string): void {
  const left = [...registry.live].filter((m) => m.users.has(user));
  if (left.length === 0) return;
  const m = left[0]!;
  registry.report(
    MappingRules.pendingAtRelease,
    `${name} is released while ${left.length} mapping(s) its transfers used are live, e.g. ${m.id} (${m.kind}, ${dir2name[m.dir]}, ${m.size} bytes at ${hex(m.handle)})`,
    m.id,
  );
}

/** The end of a quiescent run is the driver's unbind: nothing may be left. */
export function checkUnbind(registry: MappingRegistry, outcome: Outcome): void {
  if (outcome.kind !== 'quiescent') return;
  for (const st of registry.allDevices()) {
    if (st.live.length === 0) continue;
    const m = st.live[0]!;
    registry.report(
      MappingRules.pendingAtRelease,
      `${st.dev.name} has ${st.live.length} pending DMA allocation(s) when the run ends, e.g. ${m.id} (${m.kind}, ${dir2name[m.dir]}, ${m.size} bytes at ${hex(m.handle)}, mapped at step ${m.mapStep})`,
      m.id,
    );
  }
}
