/**
 * include/linux/dmaengine.h's enum dma_ctrl_flags and enum sum_check_flags, with the kernel's
 * bit values. They are defined here, below the dmaengine layer, because the simulated
 * controller's offload items (`LliXform`) take the prep's flags as they are and report
 * validation results in these bits; src/dmaengine/types.ts re-exports them for clients and
 * providers.
 */
/** enum dma_ctrl_flags (the kernel's bit values). */
export const DMA_PREP_INTERRUPT = 1 << 0;
export const DMA_CTRL_ACK = 1 << 1;
export const DMA_PREP_PQ_DISABLE_P = 1 << 2;
export const DMA_PREP_PQ_DISABLE_Q = 1 << 3;
export const DMA_PREP_CONTINUE = 1 << 4;
export const DMA_PREP_FENCE = 1 << 5;
export const DMA_CTRL_REUSE = 1 << 6;
export const DMA_PREP_CMD = 1 << 7;
export const DMA_PREP_REPEAT = 1 << 8;
export const DMA_PREP_LOAD_EOT = 1 << 9;

/** enum sum_check_flags: what a validate operation (xor_val, pq_val) found wrong. */
export const SUM_CHECK_P_RESULT = 1 << 0;
export const SUM_CHECK_Q_RESULT = 1 << 1;
