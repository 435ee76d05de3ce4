import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_desc_attach_metadata,
  dmaengine_desc_get_metadata_ptr,
  dmaengine_desc_set_metadata_len,
  dmaengine_is_metadata_mode_supported,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { DMA_DEV_TO_MEM, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT, EINVAL } from '../../src/dmaengine/types.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';

/** client.rst "Optional: per descriptor metadata", on the reference provider. */
function* prep(b: Board, dir: 'tx' | 'rx', len = 64) {
  const chan = yield* slaveChannel(b, dir);
  const desc = yield* dmaengine_prep_slave_sg(
    chan,
    [{ dma_address: b.world.memory.alloc(len), length: len }],
    dir === 'tx' ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM,
    DMA_PREP_INTERRUPT,
  );
  if (!desc) throw new Error('prep failed');
  return { chan, desc };
}

function* finish(b: Board, desc: DmaAsyncTxDescriptor, inCallback?: () => void): TaskBody {
  const done = init_completion(b.world, 'done');
  desc.callback = () => {
    inCallback?.();
    complete(done);
    return undefined;
  };
  yield* dmaengine_submit(desc);
  yield* dma_async_issue_pending(desc.chan);
  yield* wait_for_completion(done);
}

describe('per-descriptor metadata', () => {
  it('DESC_METADATA_CLIENT, DEV_TO_MEM: the provider fills the client buffer before the callback', () => {
    const client = new Uint8Array(8);
    let atCallback = -1;
    const { result } = runBoard(function* (b: Board): TaskBody {
      expect(dmaengine_is_metadata_mode_supported(b.dma.device.channels[0]!, 'DESC_METADATA_CLIENT')).toBe(
        true,
      );
      const { desc } = yield* prep(b, 'rx', 96);
      expect(dmaengine_desc_attach_metadata(desc, client, client.length)).toBe(0);
      yield* finish(b, desc, () => {
        atCallback = new DataView(client.buffer).getUint32(0, true);
      });
    });
    expect(violationIds(result)).toEqual([]);
    expect(atCallback).toBe(96);
  });

  it('DESC_METADATA_ENGINE, MEM_TO_DEV: get the pointer, fill it, set the length, then submit', () => {
    let len = -1;
    const { result } = runBoard(function* (b: Board): TaskBody {
      const { desc } = yield* prep(b, 'tx');
      const m = dmaengine_desc_get_metadata_ptr(desc);
      if (typeof m === 'number') throw new Error(`get_metadata_ptr: ${m}`);
      m.ptr.set([1, 2, 3]);
      expect(dmaengine_desc_set_metadata_len(desc, 3)).toBe(0);
      expect(dmaengine_desc_set_metadata_len(desc, 99)).toBe(-EINVAL);
      const again = dmaengine_desc_get_metadata_ptr(desc);
      len = typeof again === 'number' ? again : again.payload_len;
      yield* finish(b, desc);
    });
    expect(violationIds(result)).toEqual([]);
    expect(len).toBe(3);
  });

  it('DESC_METADATA_ENGINE, DEV_TO_MEM: readable in the completion callback', () => {
    let read = -1;
    const { result } = runBoard(function* (b: Board): TaskBody {
      const { desc } = yield* prep(b, 'rx', 32);
      yield* finish(b, desc, () => {
        const m = dmaengine_desc_get_metadata_ptr(desc);
        if (typeof m !== 'number') read = new DataView(m.ptr.buffer).getUint32(0, true);
      });
    });
    expect(violationIds(result)).toEqual([]);
    expect(read).toBe(32);
  });

  it('reports ENGINE metadata touched after the completion callback returned', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const { desc } = yield* prep(b, 'rx', 32);
      yield* finish(b, desc);
      dmaengine_desc_get_metadata_ptr(desc);
    });
    expect(violationIds(result)[0]).toBe('descriptor.metadata-engine-invalid');
    expect(result.violations[0]!.rule.side).toBe('client');
  });

  it('reports mixing CLIENT and ENGINE modes on one descriptor, and refuses it with -EINVAL', () => {
    let ret = 0;
    const { result } = runBoard(
      function* (b: Board): TaskBody {
        const { desc } = yield* prep(b, 'tx');
        dmaengine_desc_attach_metadata(desc, new Uint8Array(4), 4);
        ret = dmaengine_desc_set_metadata_len(desc, 2);
        yield* finish(b, desc);
      },
      { world: { stopOnViolation: false } },
    );
    expect(violationIds(result)).toEqual(['descriptor.metadata-mixed']);
    expect(ret).toBe(-EINVAL);
  });

  it.each([
    ['a payload longer than its maximum', { ptr: new Uint8Array(16), payload_len: 20, max_len: 16 }],
    ['a maximum larger than its buffer', { ptr: new Uint8Array(8), payload_len: 0, max_len: 16 }],
  ])('reports a get_metadata_ptr answer with %s (dmaengine.metadata-ptr-invalid)', (_name, answer) => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const { desc } = yield* prep(b, 'tx');
      desc.metadata_ops = { ...desc.metadata_ops, get_ptr: () => answer };
      dmaengine_desc_get_metadata_ptr(desc);
    });
    expect(violationIds(result)).toEqual(['dmaengine.metadata-ptr-invalid']);
    expect(result.violations[0]!.rule.side).toBe('provider');
  });
});
