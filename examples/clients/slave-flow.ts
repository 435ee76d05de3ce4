/**
 * client.rst's normal slave flow, as a UART driver writes it: one thread transmits a
 * three-segment scatterlist, another receives into one buffer, concurrently. Each: request
 * the channel (dma_request_chan), configure it (dmaengine_slave_config), map the buffers with
 * the DMA controller's device (dmaengine_get_dma_device), prepare, set the callback, submit,
 * issue, wait for the callback, check the result, unmap, release.
 *
 *   npx dmactor check-client examples/clients/slave-flow.ts
 */
import {
  ARCH_DMA_MINALIGN,
  type Body,
  complete,
  cpu_read,
  cpu_write,
  DMA_CTRL_ACK,
  DMA_DEV_TO_MEM,
  DMA_FROM_DEVICE,
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  DMA_TO_DEVICE,
  type DmaengineResult,
  defineClient,
  dma_async_issue_pending,
  dma_map_sg,
  dma_map_single,
  dma_mapping_error,
  dma_release_channel,
  dma_request_chan,
  dma_submit_error,
  dma_unmap_sg,
  dma_unmap_single,
  dmaengine_get_dma_device,
  dmaengine_prep_slave_sg,
  dmaengine_slave_config,
  dmaengine_submit,
  IS_ERR,
  init_completion,
  sg_dma_entries,
  sg_init_table,
  sg_set_buf,
  type TaskBody,
  wait_for_completion,
} from 'dmactor';

export default defineClient({
  name: 'uart-slave-flow',
  threads: ({ world, dev, tx, rx }) => {
    /** kmalloc for a DMA buffer: on its own cachelines. */
    const kmalloc = (len: number, label: string) =>
      world.memory.alloc(len, { label, align: ARCH_DMA_MINALIGN });

    function* transmit(): TaskBody {
      // 1. Allocate a DMA slave channel.
      const chan = yield* dma_request_chan(dev, 'tx');
      if (IS_ERR(chan)) throw new Error('no tx channel');
      // 2. Set slave and controller specific parameters.
      const ret = yield* dmaengine_slave_config(chan, {
        direction: DMA_MEM_TO_DEV,
        src_addr: 0,
        dst_addr: tx.register,
        src_addr_width: 4,
        dst_addr_width: 4,
        src_maxburst: 4,
        dst_maxburst: 4,
      });
      if (ret !== 0) throw new Error(`dmaengine_slave_config: ${ret}`);
      // 3. Get a descriptor: map the scatterlist with the DMA controller's device first.
      const sizes = [64, 200, 36];
      const sgl = sg_init_table(sizes.length);
      sizes.forEach((n, i) => {
        const buf = kmalloc(n, `tx-seg${i}`);
        cpu_write(world, buf, new Uint8Array(n).fill(0x30 + i));
        sg_set_buf(sgl[i]!, buf, n);
      });
      const dma = dmaengine_get_dma_device(chan);
      const count = dma_map_sg(dma, sgl, sizes.length, DMA_TO_DEVICE);
      if (count === 0) throw new Error('dma_map_sg failed');
      const desc = yield* dmaengine_prep_slave_sg(
        chan,
        sg_dma_entries(sgl, count),
        DMA_MEM_TO_DEV,
        DMA_PREP_INTERRUPT | DMA_CTRL_ACK,
      );
      if (!desc) throw new Error('dmaengine_prep_slave_sg failed');
      const done = init_completion(world, 'tx-done');
      let result: DmaengineResult | null = null;
      desc.callback_result = (_param, r) => {
        result = r;
        complete(done);
        return undefined;
      };
      // 4. Submit the transaction; 5. issue pending requests and wait for the callback.
      const cookie = yield* dmaengine_submit(desc);
      if (dma_submit_error(cookie)) throw new Error('dmaengine_submit failed');
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(done);
      if ((result as DmaengineResult | null)?.result !== 'DMA_TRANS_NOERROR')
        throw new Error(`tx ended ${JSON.stringify(result)}`);
      // dma_unmap_sg takes the number of entries passed to dma_map_sg, not the count it returned.
      dma_unmap_sg(dma, sgl, sizes.length, DMA_TO_DEVICE);
      yield* dma_release_channel(chan);
    }

    function* receive(): Body<void> {
      const chan = yield* dma_request_chan(dev, 'rx');
      if (IS_ERR(chan)) throw new Error('no rx channel');
      yield* dmaengine_slave_config(chan, {
        direction: DMA_DEV_TO_MEM,
        src_addr: rx.register,
        dst_addr: 0,
        src_addr_width: 4,
        dst_addr_width: 4,
        src_maxburst: 8,
        dst_maxburst: 8,
      });
      const len = 256;
      const buf = kmalloc(len, 'rx-buf');
      const dma = dmaengine_get_dma_device(chan);
      const handle = dma_map_single(dma, buf, len, DMA_FROM_DEVICE);
      if (dma_mapping_error(dma, handle)) throw new Error('dma_map_single failed');
      const desc = yield* dmaengine_prep_slave_sg(
        chan,
        [{ dma_address: handle, length: len }],
        DMA_DEV_TO_MEM,
        DMA_PREP_INTERRUPT | DMA_CTRL_ACK,
      );
      if (!desc) throw new Error('dmaengine_prep_slave_sg failed');
      const done = init_completion(world, 'rx-done');
      desc.callback = () => {
        complete(done);
        return undefined;
      };
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(done);
      // The buffer is the CPU's again only after the unmap (which copies a bounce buffer back).
      dma_unmap_single(dma, handle, len, DMA_FROM_DEVICE);
      const got = cpu_read(world, buf, len);
      if (got === null) throw new Error('rx buffer unreadable');
      world.memory.free(buf);
      yield* dma_release_channel(chan);
    }

    return { 'uart-tx': transmit, 'uart-rx': receive };
  },
});
