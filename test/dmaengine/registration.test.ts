import { describe, expect, it } from 'vitest';
import type { DmaChan } from '../../src/dmaengine/channel.js';
import { dma_get_slave_caps, dmaengine_slave_config, emptyCaps } from '../../src/dmaengine/client.js';
import type { DmaDevice, DmaDeviceOps } from '../../src/dmaengine/device.js';
import { IS_ERR, PTR_ERR } from '../../src/dmaengine/errptr.js';
import {
  dma_async_device_register,
  dma_release_channel,
  dma_request_chan,
  dma_request_channel,
  registerDevice,
} from '../../src/dmaengine/registry.js';
import { DMA_MEM_TO_DEV, EINVAL, EIO, ENODEV, ENXIO, EPROBE_DEFER } from '../../src/dmaengine/types.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import { providers } from '../../src/providers/planted.js';
import { createRefDma } from '../../src/providers/refdma.js';
import { createBoard } from '../../src/scenarios/board.js';

function refDevice(world = new World()): DmaDevice {
  return createRefDma(world, { name: 'dmac', world }).device;
}

describe('dma_async_device_register', () => {
  it('registers a complete device', () => {
    expect(dma_async_device_register(refDevice())).toBe(0);
  });

  it('rejects a missing device and a device without dev', () => {
    expect(dma_async_device_register(null)).toBe(-ENODEV);
    const d = refDevice();
    d.dev = null;
    expect(registerDevice(d)).toEqual({ ret: -EIO, reason: 'DMAdevice must have dev' });
  });

  const capOps: [string, keyof DmaDeviceOps][] = [
    ['DMA_MEMCPY', 'device_prep_dma_memcpy'],
    ['DMA_MEMCPY_SG', 'device_prep_dma_memcpy_sg'],
    ['DMA_XOR', 'device_prep_dma_xor'],
    ['DMA_XOR_VAL', 'device_prep_dma_xor_val'],
    ['DMA_PQ', 'device_prep_dma_pq'],
    ['DMA_PQ_VAL', 'device_prep_dma_pq_val'],
    ['DMA_MEMSET', 'device_prep_dma_memset'],
    ['DMA_INTERRUPT', 'device_prep_dma_interrupt'],
    ['DMA_CYCLIC', 'device_prep_dma_cyclic'],
    ['DMA_INTERLEAVE', 'device_prep_interleaved_dma'],
  ];
  it.each(capOps)('rejects %s without %s', (cap, op) => {
    const d = refDevice();
    d.cap_mask.add(cap as never);
    delete d[op];
    const r = registerDevice(d);
    expect(r.ret).toBe(-EIO);
    expect(r.reason).toBe(`Device claims capability ${cap}, but op is not defined`);
  });

  it.each(['device_tx_status', 'device_issue_pending'] as const)('rejects a device without %s', (op) => {
    const d = refDevice();
    delete d[op];
    expect(registerDevice(d).ret).toBe(-EIO);
  });

  it('sets DMA_ASYNC_TX itself only for a device with every async_tx type', () => {
    const d = refDevice();
    dma_async_device_register(d);
    expect(d.cap_mask.has('DMA_ASYNC_TX')).toBe(false);
  });
});

describe('channel requests', () => {
  it('dma_request_chan finds the named channel through the slave map, exclusively', () => {
    const world = new World();
    const board = createBoard(world);
    const got: (string | number)[] = [];
    world.spawn('t', function* (): TaskBody {
      const tx = yield* dma_request_chan(board.client, 'tx');
      got.push(IS_ERR(tx) ? PTR_ERR(tx) : tx.name);
      const again = yield* dma_request_chan(board.client, 'tx');
      got.push(IS_ERR(again) ? PTR_ERR(again) : again.name);
      const none = yield* dma_request_chan(board.client, 'nope');
      got.push(IS_ERR(none) ? PTR_ERR(none) : none.name);
      if (!IS_ERR(tx)) {
        yield* dma_release_channel(tx);
        const back = yield* dma_request_chan(board.client, 'tx');
        got.push(IS_ERR(back) ? PTR_ERR(back) : back.name);
      }
    });
    const r = world.run();
    expect(r.violations).toEqual([]);
    expect(got).toEqual(['dma:tx', -EPROBE_DEFER, -EPROBE_DEFER, 'dma:tx']);
  });

  it('dma_request_channel honours the mask and the filter, and makes a public device private until released', () => {
    const world = new World();
    // refdma itself is DMA_PRIVATE from probe on; its public variant shows the transition.
    const board = createBoard(world, { provider: providers['refdma-public']! });
    const got: (number | null)[] = [];
    world.spawn('t', function* (): TaskBody {
      const a = yield* dma_request_channel(
        world,
        new Set(['DMA_MEMCPY']),
        (c: DmaChan) => c.chan_id === 2,
        null,
      );
      got.push(a?.chan_id ?? null);
      expect(board.dma.device.cap_mask.has('DMA_PRIVATE')).toBe(true);
      const b = yield* dma_request_channel(world, new Set(['DMA_XOR']), null, null);
      got.push(b?.chan_id ?? null);
      const c = yield* dma_request_channel(world, new Set(['DMA_MEMCPY']), null, null);
      got.push(c?.chan_id ?? null);
      if (a) yield* dma_release_channel(a);
      if (c) yield* dma_release_channel(c);
      expect(board.dma.device.cap_mask.has('DMA_PRIVATE')).toBe(false);
    });
    const r = world.run();
    expect(r.violations).toEqual([]);
    expect(got).toEqual([2, null, 0]);
  });

  it('a device private from registration stays private after its channels are released', () => {
    const world = new World();
    const board = createBoard(world);
    world.spawn('t', function* (): TaskBody {
      const a = yield* dma_request_channel(world, new Set(['DMA_MEMCPY']), null, null);
      expect(a).not.toBeNull();
      if (a) yield* dma_release_channel(a);
    });
    expect(world.run().violations).toEqual([]);
    expect(board.dma.device.cap_mask.has('DMA_PRIVATE')).toBe(true);
  });
});

describe('dmaengine_slave_config and dma_get_slave_caps', () => {
  it('rejects widths, directions and bursts the device does not claim', () => {
    const world = new World();
    const board = createBoard(world);
    const rets: number[] = [];
    world.spawn('t', function* (): TaskBody {
      const chan = yield* dma_request_chan(board.client, 'tx');
      if (IS_ERR(chan)) throw new Error('no chan');
      const base = {
        direction: DMA_MEM_TO_DEV as typeof DMA_MEM_TO_DEV,
        src_addr: 0,
        dst_addr: board.tx.register,
        src_addr_width: 4 as const,
        dst_addr_width: 4 as const,
        src_maxburst: 4,
        dst_maxburst: 4,
      };
      rets.push(yield* dmaengine_slave_config(chan, base));
      rets.push(yield* dmaengine_slave_config(chan, { ...base, dst_addr_width: 16 }));
      rets.push(yield* dmaengine_slave_config(chan, { ...base, dst_maxburst: 32 }));
      rets.push(yield* dmaengine_slave_config(chan, { ...base, direction: 3 }));
      const caps = emptyCaps();
      rets.push(dma_get_slave_caps(chan, caps));
      expect(caps.max_burst).toBe(16);
      expect(caps.cmd_pause && caps.cmd_resume && caps.cmd_terminate).toBe(true);
      expect(caps.descriptor_reuse).toBe(true);
      expect(caps.residue_granularity).toBe('DMA_RESIDUE_GRANULARITY_BURST');
      const memOnly = board.dma.device;
      memOnly.cap_mask.delete('DMA_SLAVE');
      memOnly.cap_mask.delete('DMA_CYCLIC');
      rets.push(dma_get_slave_caps(chan, emptyCaps()));
    });
    const r = world.run();
    expect(r.violations).toEqual([]);
    expect(rets).toEqual([0, -EINVAL, -EINVAL, -EINVAL, 0, -ENXIO]);
  });
});
