import { reportProviderFault } from '../kernel/provider-fault.js';
import { defineRule } from '../rules/rule.js';
import { section } from '../rules/sources.js';
import type { DmaChan } from './channel.js';
import { type DmaDevice, dma_maxpq } from './device.js';
import { providerName } from './provider-blame.js';
import { chanId, chanModel } from './record.js';
import {
  BIT,
  DMA_CTRL_ACK,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_PREP_CONTINUE,
  DMA_PREP_FENCE,
  DMA_PREP_INTERRUPT,
  DMA_PREP_PQ_DISABLE_P,
  DMA_PREP_PQ_DISABLE_Q,
  type DmaTransferDirection,
  type ScatterEntry,
} from './types.js';

/**
 * When a NULL from device_prep_* is the provider's fault. provider.rst: the prep operations
 * "are matching the capabilities you registered previously" and return a descriptor; real
 * drivers return NULL for requests outside what they registered (a direction they lack, a
 * length that is not a whole number of beats, a misaligned copy, a buffer that is not a whole
 * number of periods, too many xor sources) and when an allocation or their descriptor pool
 * runs out (GFP_NOWAIT, xordma's fixed ring). So a NULL is judged only for a request every
 * check below accepts, with plain flags, on a channel with no descriptor outstanding (a pool
 * cannot be exhausted then). Interleaved and memcpy_sg templates are not judged: which frame
 * shapes a controller supports is not part of its registered capabilities.
 */

export const PrepNull = defineRule({
  id: 'provider.prep-null',
  rule: 'A device_prep_* operation returns a descriptor for a request within the capabilities the device registered (cap_mask, directions, address widths, bursts, max_sg_burst, alignment); NULL only when it runs out of descriptors or memory.',
  source: section(
    'provider.rst',
    'Device operations: device_prep_dma_*',
    '("These functions are matching the capabilities you registered previously", "It should return a unique instance of the dma_async_tx_descriptor structure")',
  ),
  side: 'provider',
  kind: 'safety',
});

/** Flags every prep accepts: DMA_PREP_FENCE is what async_tx passes to dependent operations. */
const PLAIN_FLAGS = DMA_PREP_INTERRUPT | DMA_CTRL_ACK | DMA_PREP_FENCE;
const PQ_FLAGS = PLAIN_FLAGS | DMA_PREP_PQ_DISABLE_P | DMA_PREP_PQ_DISABLE_Q | DMA_PREP_CONTINUE;

/** include/linux/dmaengine.h dmaengine_check_align(). */
function aligned(align: number, ...values: readonly number[]): boolean {
  if (align === 0) return true;
  const mask = 2 ** align - 1;
  return values.every((v) => (v & mask) === 0);
}

/** The device-side width and burst of a slave request, or why the request is out of caps. */
function slaveProblem(chan: DmaChan, direction: DmaTransferDirection): string | number {
  const d = chan.device;
  if (direction !== DMA_MEM_TO_DEV && direction !== DMA_DEV_TO_MEM) return 'not a slave direction';
  if (!(d.directions & BIT(direction))) return 'a direction the device lacks';
  const cfg = chanModel(chan).config;
  if (cfg === null) return 'no slave config';
  if (cfg.direction !== undefined && cfg.direction !== direction) return 'a config for the other direction';
  const toDev = direction === DMA_MEM_TO_DEV;
  const width = toDev ? cfg.dst_addr_width : cfg.src_addr_width;
  const burst = toDev ? cfg.dst_maxburst : cfg.src_maxburst;
  if (!width) return 'no device-side address width';
  if (d.min_burst > 0 && burst < d.min_burst) return 'a burst below min_burst';
  return width;
}

function entriesProblem(entries: readonly ScatterEntry[], width: number): string | null {
  if (entries.length === 0) return 'an empty scatterlist';
  for (const e of entries) {
    if (e.length <= 0 || e.length % width !== 0 || e.dma_address % width !== 0)
      return 'an entry that is not a whole number of aligned beats';
  }
  return null;
}

export function slaveSgProblem(
  chan: DmaChan,
  sgl: readonly ScatterEntry[],
  direction: DmaTransferDirection,
): string | null {
  const d = chan.device;
  if (!d.cap_mask.has('DMA_SLAVE')) return 'no DMA_SLAVE';
  const width = slaveProblem(chan, direction);
  if (typeof width === 'string') return width;
  if (d.max_sg_burst > 0 && sgl.length > d.max_sg_burst) return 'more entries than max_sg_burst';
  return entriesProblem(sgl, width);
}

export function cyclicProblem(
  chan: DmaChan,
  buf_addr: number,
  buf_len: number,
  period_len: number,
  direction: DmaTransferDirection,
): string | null {
  if (!chan.device.cap_mask.has('DMA_CYCLIC')) return 'no DMA_CYCLIC';
  const width = slaveProblem(chan, direction);
  if (typeof width === 'string') return width;
  if (period_len <= 0 || buf_len <= 0 || buf_len % period_len !== 0) return 'not a whole number of periods';
  return entriesProblem([{ dma_address: buf_addr, length: period_len }], width);
}

export function memcpyProblem(d: DmaDevice, dest: number, src: number, len: number): string | null {
  if (!d.cap_mask.has('DMA_MEMCPY')) return 'no DMA_MEMCPY';
  if (len <= 0) return 'an empty copy';
  return aligned(d.copy_align, dest, src, len) ? null : 'a copy outside copy_align';
}

export function memsetProblem(d: DmaDevice, dest: number, len: number): string | null {
  if (!d.cap_mask.has('DMA_MEMSET')) return 'no DMA_MEMSET';
  if (len <= 0) return 'an empty fill';
  return aligned(d.fill_align, dest, len) ? null : 'a fill outside fill_align';
}

export function xorProblem(d: DmaDevice, dest: number, src: readonly number[], len: number): string | null {
  if (!d.cap_mask.has('DMA_XOR')) return 'no DMA_XOR';
  if (len <= 0 || src.length === 0 || src.length > d.max_xor) return 'a source count outside max_xor';
  return aligned(d.xor_align, dest, len, ...src) ? null : 'an xor outside xor_align';
}

export function pqProblem(
  d: DmaDevice,
  dst: readonly [number, number],
  src: readonly number[],
  scf: readonly number[],
  len: number,
  flags: number,
): string | null {
  if (!d.cap_mask.has('DMA_PQ')) return 'no DMA_PQ';
  if (flags & ~PQ_FLAGS) return 'flags beyond the plain ones';
  if (len <= 0 || src.length === 0 || src.length !== scf.length) return 'an empty pq';
  if (src.length > dma_maxpq(d, flags)) return 'more sources than dma_maxpq';
  return aligned(d.pq_align, dst[0], dst[1], len, ...src) ? null : 'a pq outside pq_align';
}

export function interruptProblem(d: DmaDevice): string | null {
  return d.cap_mask.has('DMA_INTERRUPT') ? null : 'no DMA_INTERRUPT';
}

/**
 * The prep wrapper's check after the provider returned NULL for `what` (e.g. "a 64-byte
 * memcpy"): a provider fault when `problem` found nothing wrong with the request, its flags
 * are plain and nothing is outstanding on the channel. pq checks its own flags.
 */
export function noteNullPrep(
  chan: DmaChan,
  op: string,
  what: string,
  flags: number,
  problem: string | null,
): void {
  if (problem !== null || chanModel(chan).live.size > 0) return;
  if (op !== 'device_prep_dma_pq' && flags & ~PLAIN_FLAGS) return;
  reportProviderFault(
    chan.world,
    {
      provider: providerName(chan.device),
      rule: PrepNull,
      op,
      detail: `${op} returned NULL for ${what} on ${chanId(chan)}, which its registered capabilities allow, with no descriptor outstanding`,
    },
    chanId(chan),
  );
}
