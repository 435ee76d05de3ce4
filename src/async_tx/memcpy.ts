import { dmaengine_prep_dma_memcpy, dmaengine_prep_dma_memset } from '../dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import type { DmaDevice } from '../dmaengine/device.js';
import type { Body } from '../dmaengine/types.js';
import { dma_set_unmap, dmaengine_get_unmap_data, dmaengine_unmap_put } from '../dmaengine/unmap.js';
import { cpu_read, cpu_write } from '../mapping/cpu.js';
import { DMA_FROM_DEVICE, DMA_TO_DEVICE, type Page } from '../mapping/types.js';
import {
  async_prep_flags,
  async_tx_enter,
  async_tx_find_channel,
  async_tx_run_sync,
  async_tx_submit,
} from './async-tx.js';
import { async_map_page } from './map.js';
import type { AsyncSubmitCtl } from './submit-ctl.js';

/** dmaengine_check_align: offsets and length are multiples of 2^align. */
export function dmaengine_check_align(align: number, off1: number, off2: number, len: number): boolean {
  if (align === 0) return true;
  const mask = (1 << align) - 1;
  return ((off1 | off2 | len) & mask) === 0;
}

export function is_dma_copy_aligned(dev: DmaDevice, off1: number, off2: number, len: number): boolean {
  return dmaengine_check_align(dev.copy_align, off1, off2, len);
}

/**
 * async_memcpy (crypto/async_tx/async_memcpy.c): copy `len` bytes from src+src_offset to
 * dest+dest_offset on a DMA_MEMCPY channel, or on the CPU (no channel, misaligned, or prep
 * failed). Returns the descriptor, or null when the CPU did it.
 */
export function* async_memcpy(
  dest: Page,
  src: Page,
  dest_offset: number,
  src_offset: number,
  len: number,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  async_tx_enter(submit, 'async_memcpy');
  const chan = async_tx_find_channel(submit, 'DMA_MEMCPY');
  const device = chan?.device ?? null;
  const unmap = device?.dev ? dmaengine_get_unmap_data(device.dev, 2) : null;
  let tx: DmaAsyncTxDescriptor | null = null;
  if (
    chan !== null &&
    device !== null &&
    unmap !== null &&
    is_dma_copy_aligned(device, src_offset, dest_offset, len)
  ) {
    unmap.len = len;
    if (async_map_page(unmap, 0, src, src_offset, len, DMA_TO_DEVICE)) {
      unmap.to_cnt = 1;
      if (async_map_page(unmap, 1, dest, dest_offset, len, DMA_FROM_DEVICE)) {
        unmap.from_cnt = 1;
        tx = yield* dmaengine_prep_dma_memcpy(
          chan,
          unmap.addr[1]!,
          unmap.addr[0]!,
          len,
          async_prep_flags(submit),
        );
      }
    }
  }
  if (tx !== null) {
    dma_set_unmap(tx, unmap);
    yield* async_tx_submit(chan!, tx, submit);
  } else {
    const world = submit.world;
    const d = dest.phys + dest_offset;
    const s = src.phys + src_offset;
    yield* async_tx_run_sync(submit, { op: 'memcpy', dst: d, src: s, len }, () => {
      const data = cpu_read(world, s, len);
      if (data !== null) cpu_write(world, d, data.slice());
    });
  }
  dmaengine_unmap_put(unmap);
  return tx;
}

/**
 * async_memset (removed from mainline in 3.13, kept by the document's table): fill `len`
 * bytes at dest+offset with the byte `val` on a DMA_MEMSET channel, or on the CPU.
 */
export function* async_memset(
  dest: Page,
  val: number,
  offset: number,
  len: number,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  async_tx_enter(submit, 'async_memset');
  const chan = async_tx_find_channel(submit, 'DMA_MEMSET');
  const device = chan?.device ?? null;
  const unmap = device?.dev ? dmaengine_get_unmap_data(device.dev, 1) : null;
  let tx: DmaAsyncTxDescriptor | null = null;
  if (chan !== null && device !== null && unmap !== null && is_dma_copy_aligned(device, offset, 0, len)) {
    unmap.len = len;
    if (async_map_page(unmap, 0, dest, offset, len, DMA_FROM_DEVICE)) {
      unmap.from_cnt = 1;
      tx = yield* dmaengine_prep_dma_memset(chan, unmap.addr[0]!, val, len, async_prep_flags(submit));
    }
  }
  if (tx !== null) {
    dma_set_unmap(tx, unmap);
    yield* async_tx_submit(chan!, tx, submit);
  } else {
    const world = submit.world;
    const d = dest.phys + offset;
    yield* async_tx_run_sync(submit, { op: 'memset', dst: d, value: val & 0xff, len }, () => {
      cpu_write(world, d, new Uint8Array(len).fill(val & 0xff));
    });
  }
  dmaengine_unmap_put(unmap);
  return tx;
}
