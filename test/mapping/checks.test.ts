import { describe, expect, it } from 'vitest';
import { dmaengine_get_dma_device } from '../../src/dmaengine/client.js';
import type { Device } from '../../src/dmaengine/device.js';
import { EIO } from '../../src/kernel/errno.js';
import { local_irq_disable, local_irq_enable } from '../../src/kernel/preempt.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { dma_alloc_coherent, dma_free_coherent } from '../../src/mapping/coherent.js';
import { cpu_read, cpu_write } from '../../src/mapping/cpu.js';
import { dma_set_coherent_mask, dma_set_mask, dma_set_mask_and_coherent } from '../../src/mapping/mask.js';
import { type PlatformKind, platformKinds } from '../../src/mapping/platform.js';
import { dma_pool_alloc, dma_pool_create, dma_pool_destroy, dma_pool_free } from '../../src/mapping/pool.js';
import { MappingRules } from '../../src/mapping/rules.js';
import {
  dma_map_sg,
  dma_map_single,
  dma_mapping_error,
  dma_unmap_page,
  dma_unmap_sg,
  dma_unmap_single,
} from '../../src/mapping/streaming.js';
import {
  dma_sync_sg_for_cpu,
  dma_sync_single_for_cpu,
  dma_sync_single_for_device,
} from '../../src/mapping/sync.js';
import {
  DMA_BIDIRECTIONAL,
  DMA_BIT_MASK,
  DMA_FROM_DEVICE,
  DMA_NONE,
  DMA_TO_DEVICE,
  type DmaDataDirection,
  PAGE_SIZE,
  type Scatterlist,
  sg_init_table,
  sg_set_buf,
} from '../../src/mapping/types.js';
import type { Board } from '../../src/scenarios/board.js';
import {
  bytes,
  firstViolation,
  kmalloc,
  release,
  runMapped,
  slave,
  slaveTransfer,
  violationList,
} from './helpers.js';

/**
 * Every check of the mapping layer, each on a minimal misuse (it must be the first violation)
 * and on the correct use next to it (nothing may be reported), on every platform it applies to.
 */
interface Case {
  readonly name: string;
  readonly rule: string;
  readonly platforms?: readonly PlatformKind[];
  readonly misuse: (b: Board) => TaskBody;
  readonly correct: (b: Board) => TaskBody;
}

const dmaDev = (b: Board): Device => b.dma.device.dev!;

/** A checked single mapping of a fresh buffer. */
function mapped(b: Board, len: number, dir: DmaDataDirection, dev = dmaDev(b)) {
  const buf = kmalloc(b.world, len);
  const h = dma_map_single(dev, buf, len, dir);
  if (dma_mapping_error(dev, h)) throw new Error('mapping failed');
  return { dev, buf, h };
}

/** Two page-sized entries on pages apart in RAM (an IOMMU merges them into one segment). */
function pageList(b: Board): Scatterlist[] {
  const sgl = sg_init_table(2);
  for (const sg of sgl) {
    const page = b.world.memory.alloc(PAGE_SIZE, { align: PAGE_SIZE });
    b.world.memory.alloc(64); // keep the pages apart
    sg_set_buf(sg, page, PAGE_SIZE);
  }
  return sgl;
}

/** A tx transfer of a mapped buffer, then unmap (or not) and release the channel. */
function* txMapped(
  b: Board,
  opts: { dev?: (b: Board) => Device; check?: boolean; unmap?: boolean } = {},
): TaskBody {
  const chan = yield* slave(b, 'tx');
  const dev = opts.dev?.(b) ?? dmaengine_get_dma_device(chan);
  const buf = kmalloc(b.world, 64);
  cpu_write(b.world, buf, bytes(64, 1));
  const h = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);
  if ((opts.check ?? true) && dma_mapping_error(dev, h)) throw new Error('mapping failed');
  yield* slaveTransfer(chan, true, [{ dma_address: h, length: 64 }]);
  if (opts.unmap ?? true) dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
  yield* release(chan);
}

const id = (r: { id: string }) => r.id;

const cases: Case[] = [
  {
    name: 'double unmap',
    rule: id(MappingRules.unmapNotMapped),
    *misuse(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
    },
  },
  {
    name: 'unmap of something never mapped',
    rule: id(MappingRules.unmapNotMapped),
    *misuse(b) {
      dma_unmap_single(dmaDev(b), kmalloc(b.world, 64), 64, DMA_TO_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
    },
  },
  {
    name: 'unmap with another size',
    rule: id(MappingRules.unmapWrongSize),
    *misuse(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 32, DMA_TO_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
    },
  },
  {
    name: 'dma_unmap_page for dma_map_single',
    rule: id(MappingRules.unmapWrongFunction),
    *misuse(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_page(dev, h, 64, DMA_TO_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
    },
  },
  {
    name: 'dma_free_coherent with another CPU address',
    rule: id(MappingRules.freeWrongCpuAddress),
    *misuse(b) {
      const c = dma_alloc_coherent(dmaDev(b), 256);
      dma_free_coherent(dmaDev(b), 256, c.cpu_addr + 64, c.dma_handle);
    },
    *correct(b) {
      const c = dma_alloc_coherent(dmaDev(b), 256);
      dma_free_coherent(dmaDev(b), 256, c.cpu_addr, c.dma_handle);
    },
  },
  {
    name: 'dma_unmap_sg with the count dma_map_sg returned',
    rule: id(MappingRules.unmapWrongSgCount),
    *misuse(b) {
      const sgl = pageList(b);
      const count = dma_map_sg(dmaDev(b), sgl, 2, DMA_TO_DEVICE);
      dma_unmap_sg(dmaDev(b), sgl, count === 2 ? 1 : count, DMA_TO_DEVICE);
    },
    *correct(b) {
      const sgl = pageList(b);
      dma_map_sg(dmaDev(b), sgl, 2, DMA_TO_DEVICE);
      dma_unmap_sg(dmaDev(b), sgl, 2, DMA_TO_DEVICE);
    },
  },
  {
    name: 'unmap with another direction',
    rule: id(MappingRules.unmapWrongDirection),
    *misuse(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
    },
  },
  {
    name: 'dma_mapping_error never called (seen at unmap)',
    rule: id(MappingRules.mapErrorNotChecked),
    *misuse(b) {
      const buf = kmalloc(b.world, 64);
      const h = dma_map_single(dmaDev(b), buf, 64, DMA_TO_DEVICE);
      dma_unmap_single(dmaDev(b), h, 64, DMA_TO_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
    },
  },
  {
    name: 'dma_mapping_error never called (seen when the device uses the handle)',
    rule: id(MappingRules.mapErrorNotChecked),
    misuse: (b) => txMapped(b, { check: false }),
    correct: (b) => txMapped(b),
  },
  {
    name: 'sync of memory never mapped',
    rule: id(MappingRules.syncNotMapped),
    *misuse(b) {
      dma_sync_single_for_cpu(dmaDev(b), kmalloc(b.world, 64), 64, DMA_FROM_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_FROM_DEVICE);
      dma_sync_single_for_cpu(dev, h, 64, DMA_FROM_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
    },
  },
  {
    name: 'sync past the end of the mapping',
    rule: id(MappingRules.syncOutOfRange),
    *misuse(b) {
      const { dev, h } = mapped(b, 64, DMA_FROM_DEVICE);
      dma_sync_single_for_cpu(dev, h + 32, 64, DMA_FROM_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_FROM_DEVICE);
      dma_sync_single_for_cpu(dev, h + 32, 32, DMA_FROM_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
    },
  },
  {
    name: 'sync with another direction',
    rule: id(MappingRules.syncWrongDirection),
    *misuse(b) {
      const { dev, h } = mapped(b, 64, DMA_FROM_DEVICE);
      dma_sync_single_for_cpu(dev, h, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_BIDIRECTIONAL);
      dma_sync_single_for_cpu(dev, h, 64, DMA_TO_DEVICE); // BIDIRECTIONAL may be synced either way
      dma_unmap_single(dev, h, 64, DMA_BIDIRECTIONAL);
    },
  },
  {
    name: 'dma_sync_sg with another entry count',
    rule: id(MappingRules.syncWrongSgCount),
    *misuse(b) {
      const sgl = pageList(b);
      dma_map_sg(dmaDev(b), sgl, 2, DMA_FROM_DEVICE);
      dma_sync_sg_for_cpu(dmaDev(b), sgl, 1, DMA_FROM_DEVICE);
      dma_unmap_sg(dmaDev(b), sgl, 2, DMA_FROM_DEVICE);
    },
    *correct(b) {
      const sgl = pageList(b);
      dma_map_sg(dmaDev(b), sgl, 2, DMA_FROM_DEVICE);
      dma_sync_sg_for_cpu(dmaDev(b), sgl, 2, DMA_FROM_DEVICE);
      dma_unmap_sg(dmaDev(b), sgl, 2, DMA_FROM_DEVICE);
    },
  },
  {
    name: 'a buffer mapped twice for the device to write',
    rule: id(MappingRules.overlappingMapping),
    *misuse(b) {
      const { dev, buf, h } = mapped(b, 64, DMA_FROM_DEVICE);
      const h2 = dma_map_single(dev, buf, 64, DMA_FROM_DEVICE);
      dma_mapping_error(dev, h2);
      dma_unmap_single(dev, h2, 64, DMA_FROM_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
    },
    *correct(b) {
      // dma-debug lets TO_DEVICE mappings overlap: the device does not write them.
      const { dev, buf, h } = mapped(b, 64, DMA_TO_DEVICE);
      const h2 = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);
      dma_mapping_error(dev, h2);
      dma_unmap_single(dev, h2, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
    },
  },
  {
    name: 'mapping freed memory',
    rule: id(MappingRules.mapInvalidArea),
    *misuse(b) {
      const buf = kmalloc(b.world, 64);
      b.world.memory.free(buf);
      const h = dma_map_single(dmaDev(b), buf, 64, DMA_FROM_DEVICE);
      if (!dma_mapping_error(dmaDev(b), h)) dma_unmap_single(dmaDev(b), h, 64, DMA_FROM_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_FROM_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
    },
  },
  {
    name: 'a channel released with its buffer still mapped',
    rule: id(MappingRules.pendingAtRelease),
    misuse: (b) => txMapped(b, { unmap: false }),
    correct: (b) => txMapped(b),
  },
  {
    name: 'a mapping left when the run ends (the driver unbinds)',
    rule: id(MappingRules.pendingAtRelease),
    *misuse(b) {
      mapped(b, 64, DMA_TO_DEVICE);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
    },
  },
  {
    name: 'mapping with DMA_NONE',
    rule: id(MappingRules.invalidDirection),
    *misuse(b) {
      const h = dma_map_single(dmaDev(b), kmalloc(b.world, 64), 64, DMA_NONE);
      dma_mapping_error(dmaDev(b), h);
    },
    *correct(b) {
      const { dev, h } = mapped(b, 64, DMA_BIDIRECTIONAL);
      dma_unmap_single(dev, h, 64, DMA_BIDIRECTIONAL);
    },
  },
  {
    name: 'dma_free_coherent with interrupts disabled',
    rule: id(MappingRules.freeCoherentAtomic),
    *misuse(b) {
      const c = dma_alloc_coherent(dmaDev(b), 256);
      local_irq_disable(b.world);
      dma_free_coherent(dmaDev(b), 256, c.cpu_addr, c.dma_handle);
      local_irq_enable(b.world);
    },
    *correct(b) {
      const c = dma_alloc_coherent(dmaDev(b), 256);
      dma_free_coherent(dmaDev(b), 256, c.cpu_addr, c.dma_handle);
    },
  },
  {
    name: 'a pool destroyed with a block out',
    rule: id(MappingRules.poolBusy),
    *misuse(b) {
      const pool = dma_pool_create('descs', dmaDev(b), 32, 16, 0)!;
      dma_pool_alloc(pool);
      dma_pool_destroy(pool);
    },
    *correct(b) {
      const pool = dma_pool_create('descs', dmaDev(b), 32, 16, 0)!;
      const block = dma_pool_alloc(pool);
      dma_pool_free(pool, block.cpu_addr, block.dma_handle);
      dma_pool_destroy(pool);
    },
  },
  {
    name: 'a pool block freed twice',
    rule: id(MappingRules.poolBadFree),
    *misuse(b) {
      const pool = dma_pool_create('descs', dmaDev(b), 32, 16, 0)!;
      const block = dma_pool_alloc(pool);
      dma_pool_free(pool, block.cpu_addr, block.dma_handle);
      dma_pool_free(pool, block.cpu_addr, block.dma_handle);
      dma_pool_destroy(pool);
    },
    *correct(b) {
      const pool = dma_pool_create('descs', dmaDev(b), 32, 16, 0)!;
      const block = dma_pool_alloc(pool);
      dma_pool_free(pool, block.cpu_addr, block.dma_handle);
      dma_pool_destroy(pool);
    },
  },
  {
    name: 'the CPU reads a buffer the device owns',
    rule: id(MappingRules.cpuWhileDeviceOwns),
    *misuse(b) {
      const { dev, buf, h } = mapped(b, 64, DMA_FROM_DEVICE);
      cpu_read(b.world, buf, 64);
      dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
    },
    *correct(b) {
      const { dev, buf, h } = mapped(b, 64, DMA_FROM_DEVICE);
      dma_sync_single_for_cpu(dev, h, 64, DMA_FROM_DEVICE);
      cpu_read(b.world, buf, 64);
      dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
    },
  },
  {
    name: 'the device reads a buffer synced for the CPU',
    rule: id(MappingRules.deviceWhileCpuOwns),
    *misuse(b) {
      const chan = yield* slave(b, 'tx');
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_sync_single_for_cpu(dev, h, 64, DMA_TO_DEVICE);
      yield* slaveTransfer(chan, true, [{ dma_address: h, length: 64 }]);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
      yield* release(chan);
    },
    *correct(b) {
      const chan = yield* slave(b, 'tx');
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_sync_single_for_cpu(dev, h, 64, DMA_TO_DEVICE);
      dma_sync_single_for_device(dev, h, 64, DMA_TO_DEVICE);
      yield* slaveTransfer(chan, true, [{ dma_address: h, length: 64 }]);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
      yield* release(chan);
    },
  },
  {
    name: 'memory freed while mapped',
    rule: id(MappingRules.freeWhileMapped),
    *misuse(b) {
      const { dev, buf, h } = mapped(b, 64, DMA_TO_DEVICE);
      b.world.memory.free(buf);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
    },
    *correct(b) {
      const { dev, buf, h } = mapped(b, 64, DMA_TO_DEVICE);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
      b.world.memory.free(buf);
    },
  },
  {
    name: 'the device reaches a buffer nobody mapped',
    rule: id(MappingRules.iommuFault),
    *misuse(b) {
      const chan = yield* slave(b, 'tx');
      yield* slaveTransfer(chan, true, [{ dma_address: kmalloc(b.world, 64), length: 64 }]);
      yield* release(chan);
    },
    correct: (b) => txMapped(b),
  },
  {
    name: 'the device writes a DMA_TO_DEVICE mapping',
    rule: id(MappingRules.iommuFault),
    *misuse(b) {
      const chan = yield* slave(b, 'rx');
      const { dev, h } = mapped(b, 64, DMA_TO_DEVICE);
      yield* slaveTransfer(chan, false, [{ dma_address: h, length: 64 }]);
      dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
      yield* release(chan);
    },
    *correct(b) {
      const chan = yield* slave(b, 'rx');
      const { dev, h } = mapped(b, 64, DMA_FROM_DEVICE);
      yield* slaveTransfer(chan, false, [{ dma_address: h, length: 64 }]);
      dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
      yield* release(chan);
    },
  },
  {
    name: 'a provider that programs addresses the client never gave (off by the buffer length)',
    rule: id(MappingRules.deviceOutsideTransfer),
    *misuse(b) {
      const device = b.dma.device;
      const prep = device.device_prep_slave_sg!.bind(device);
      device.device_prep_slave_sg = (chan, sgl, dir, flags) =>
        prep(
          chan,
          sgl.map((e) => ({ dma_address: e.dma_address + e.length, length: e.length })),
          dir,
          flags,
        );
      yield* txMapped(b);
    },
    correct: (b) => txMapped(b),
  },
  {
    name: 'a buffer mapped after dma_set_mask failed, with no mask accepted since',
    rule: id(MappingRules.mapAfterMaskRefused),
    *misuse(b) {
      expect(dma_set_mask(dmaDev(b), 0xfff)).toBe(-EIO);
      yield* txMapped(b);
    },
    *correct(b) {
      // The article's fallback: try a mask, and on failure set one the platform serves.
      expect(dma_set_mask(dmaDev(b), 0xfff)).toBe(-EIO);
      expect(dma_set_mask(dmaDev(b), DMA_BIT_MASK(32))).toBe(0);
      yield* txMapped(b);
    },
  },
  {
    name: 'coherent memory allocated with a coherent mask wider than the streaming one',
    rule: id(MappingRules.coherentMaskWider),
    *misuse(b) {
      expect(dma_set_coherent_mask(dmaDev(b), DMA_BIT_MASK(64))).toBe(0);
      const c = dma_alloc_coherent(dmaDev(b), 256);
      dma_free_coherent(dmaDev(b), 256, c.cpu_addr, c.dma_handle);
    },
    *correct(b) {
      expect(dma_set_mask_and_coherent(dmaDev(b), DMA_BIT_MASK(64))).toBe(0);
      const c = dma_alloc_coherent(dmaDev(b), 256);
      dma_free_coherent(dmaDev(b), 256, c.cpu_addr, c.dma_handle);
    },
  },
  {
    name: "a buffer mapped with the client's device instead of the DMA device",
    rule: id(MappingRules.iommuFault),
    misuse: (b) => txMapped(b, { dev: (board) => board.client }),
    correct: (b) => txMapped(b),
  },
];

describe('the DMA-API checks fire on a minimal misuse and stay silent on the correct use', () => {
  for (const c of cases) {
    for (const platform of c.platforms ?? platformKinds) {
      it(`${c.rule} (${c.name}) on ${platform}`, () => {
        const bad = runMapped(platform, c.misuse);
        expect(firstViolation(bad.result), violationList(bad.result).join('\n')).toBe(c.rule);
        const good = runMapped(platform, c.correct);
        expect(violationList(good.result)).toEqual([]);
        expect(good.result.outcome.kind).toBe('quiescent');
      });
    }
  }

  it('covers every rule of the layer', () => {
    const tested = new Set(cases.map((c) => c.rule));
    expect(
      Object.values(MappingRules)
        .filter((r) => !tested.has(r.id))
        .map((r) => r.id),
    ).toEqual([]);
  });
});
