import type { Device } from '../kernel/device.js';
import { hex } from '../kernel/memory.js';
import { in_interrupt, might_sleep } from '../kernel/preempt.js';
import { dmaMapping } from './layer.js';
import { MappingRules } from './rules.js';
import { checkUnmap } from './streaming.js';
import { DMA_BIDIRECTIONAL, type dma_addr_t, GFP_KERNEL, type gfp_t } from './types.js';

/**
 * Coherent allocations (DMA-API.rst part Ia): memory the CPU and the device share for as long
 * as it lives, with no syncs, below the device's coherent mask. The CPU address and the DMA
 * handle are returned separately, as in the kernel.
 */

export interface CoherentBuffer {
  /** The CPU address (the kernel's return value), 0 on failure. */
  readonly cpu_addr: number;
  /** The DMA handle (the kernel's dma_handle out parameter). */
  readonly dma_handle: dma_addr_t;
}

/**
 * dma_alloc_coherent: with GFP_KERNEL (the default) it may sleep, so it is a sleep-in-atomic
 * violation from interrupt context or under a spinlock; GFP_ATOMIC may be used anywhere.
 */
export function dma_alloc_coherent(dev: Device, size: number, gfp: gfp_t = GFP_KERNEL): CoherentBuffer {
  if (gfp === GFP_KERNEL) might_sleep(dev.world, 'dma_alloc_coherent(GFP_KERNEL)');
  if (size <= 0) return { cpu_addr: 0, dma_handle: 0 };
  const m = dmaMapping(dev.world).allocCoherent(dev, size);
  return m === null ? { cpu_addr: 0, dma_handle: 0 } : { cpu_addr: m.cpu[0]!.addr, dma_handle: m.handle };
}

/** dma_free_coherent: never from interrupt context or with interrupts disabled (dma_free_attrs). */
export function dma_free_coherent(dev: Device, size: number, cpu_addr: number, dma_handle: dma_addr_t): void {
  const world = dev.world;
  const layer = dmaMapping(world);
  if (in_interrupt(world) || world.current?.irqsDisabled === true) {
    layer.report(
      MappingRules.freeCoherentAtomic,
      `dma_free_coherent(${hex(cpu_addr)}) for ${dev.name} from ${world.current?.context ?? '?'} context${world.current?.irqsDisabled ? ' with interrupts disabled' : ''}`,
      dev.name,
    );
  }
  const found = checkUnmap(dev, 'coherent', dma_handle, size, DMA_BIDIRECTIONAL, 0);
  if (found === null || found.m.kind !== 'coherent') return;
  const m = found.m;
  if (m.cpu[0]!.addr !== cpu_addr) {
    layer.report(
      MappingRules.freeWrongCpuAddress,
      `dma_free_coherent(${hex(cpu_addr)}, ${hex(dma_handle)}): ${m.id} was allocated at CPU address ${hex(m.cpu[0]!.addr)}`,
      m.id,
    );
    return;
  }
  layer.unlink(m);
}
