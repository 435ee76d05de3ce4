import type { World } from '../kernel/world.js';
import { existingDmaMapping } from './layer.js';

/**
 * The CPU's checked access to memory, for client code (drivers filling a transmit buffer,
 * reading what was received). Besides the memory checks (use after free, out of bounds) it
 * reports touching a streaming buffer the device owns, which kernel/dma/debug.c cannot see:
 * between dma_map_* (or dma_sync_*_for_device) and dma_unmap_* (or dma_sync_*_for_cpu) the
 * buffer belongs to the device. On the bounce platform such a read returns the original,
 * which is stale until the unmap or sync copies the device's data back.
 *
 * Test oracles that look at memory from outside the run keep using world.memory.view.
 */
export function cpu_read(world: World, addr: number, len: number): Uint8Array | null {
  existingDmaMapping(world)?.cpuAccess(addr, len, 'read');
  return world.memory.read(addr, len, world.current?.name ?? 'cpu');
}

export function cpu_write(world: World, addr: number, data: Uint8Array): boolean {
  existingDmaMapping(world)?.cpuAccess(addr, data.length, 'write');
  return world.memory.write(addr, data, world.current?.name ?? 'cpu');
}
