import type { DmaSlaveConfig } from '../dmaengine/types.js';
import { DMA_DEV_TO_MEM, DMA_MEM_TO_DEV } from '../dmaengine/types.js';
import type { Uart } from '../scenarios/board.js';

/** The slave parameters a workload's UART channel is configured with (client.rst "DMA usage: 2"). */
export function uartSlaveConfig(uart: Uart, kind: 'tx' | 'rx'): DmaSlaveConfig {
  const toDev = kind === 'tx';
  return {
    direction: toDev ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM,
    src_addr: toDev ? 0 : uart.rx.register,
    dst_addr: toDev ? uart.tx.register : 0,
    src_addr_width: 4,
    dst_addr_width: 4,
    src_maxburst: 4,
    dst_maxburst: 4,
  };
}
