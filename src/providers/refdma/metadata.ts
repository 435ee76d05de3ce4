import type { DmaDescriptorMetadataOps } from '../../dmaengine/descriptor.js';
import { DMA_DEV_TO_MEM, EINVAL } from '../../dmaengine/types.js';
import { rxMetadata } from '../../hw/fifo-device.js';
import { REF_METADATA_MAX, type RefDesc } from './structs.js';

/**
 * Metadata for provider.rst "Per descriptor metadata support": CLIENT mode copies the client's
 * buffer at attach (MEM_TO_DEV) or fills it at completion (DEV_TO_MEM); ENGINE mode hands out
 * the descriptor's own area, valid until the completion callback returns. No lock: the
 * descriptor is the client's until it is submitted.
 */
export function metadataOps(vd: RefDesc): DmaDescriptorMetadataOps {
  return {
    attach(_desc, data, len) {
      if (len > REF_METADATA_MAX) return -EINVAL;
      vd.clientMeta = data;
      if (vd.direction !== DMA_DEV_TO_MEM) {
        vd.meta.set(data.subarray(0, len));
        vd.metaLen = len;
      }
      return 0;
    },
    get_ptr() {
      return { ptr: vd.meta, payload_len: vd.metaLen, max_len: REF_METADATA_MAX };
    },
    set_len(_desc, payload_len) {
      if (payload_len > REF_METADATA_MAX) return -EINVAL;
      vd.metaLen = payload_len;
      return 0;
    },
  };
}

/**
 * DEV_TO_MEM completion: the peripheral's metadata (rxMetadata: the bytes it delivered)
 * arrives, and CLIENT mode copies it into the client's buffer before the completion is
 * notified. The interrupt handler calls it with the channel's lock held.
 */
export function deliverMetadata(vd: RefDesc): void {
  if (vd.direction !== DMA_DEV_TO_MEM) return;
  const meta = rxMetadata(vd.size);
  vd.meta.set(meta);
  vd.metaLen = meta.length;
  vd.clientMeta?.set(meta.subarray(0, Math.min(meta.length, vd.clientMeta.length)));
}
