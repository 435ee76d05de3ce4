/**
 * One mapped scatterlist entry (sg_dma_address, sg_dma_len), as the dmaengine prep calls take
 * them (include/linux/scatterlist.h).
 */
export interface ScatterEntry {
  readonly dma_address: number;
  readonly length: number;
}
