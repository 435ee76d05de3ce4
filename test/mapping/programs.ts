import fc from 'fast-check';
import type { DmaChan } from '../../src/dmaengine/channel.js';
import { dmaengine_get_dma_device } from '../../src/dmaengine/client.js';
import type { Device } from '../../src/dmaengine/device.js';
import { dma_request_channel } from '../../src/dmaengine/registry.js';
import type { Body, ScatterEntry } from '../../src/dmaengine/types.js';
import { patternBytes } from '../../src/hw/fifo-device.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import { cpu_read, cpu_write } from '../../src/mapping/cpu.js';
import { dma_mapping_setup } from '../../src/mapping/layer.js';
import { type PlatformKind, platformKinds } from '../../src/mapping/platform.js';
import { MappingRules } from '../../src/mapping/rules.js';
import {
  dma_map_page,
  dma_map_sg,
  dma_map_single,
  dma_mapping_error,
  dma_unmap_page,
  dma_unmap_sg,
  dma_unmap_single,
} from '../../src/mapping/streaming.js';
import { dma_sync_sg_for_cpu, dma_sync_single_for_cpu } from '../../src/mapping/sync.js';
import {
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  type DmaDataDirection,
  offset_in_page,
  sg_dma_entries,
  sg_init_table,
  sg_set_buf,
  virt_to_page,
} from '../../src/mapping/types.js';
import { type Board, createBoard } from '../../src/scenarios/board.js';
import { bytes, kmalloc, memcpyTransfer, release, slave, slaveTransfer } from './helpers.js';

/**
 * Random client programs that map their buffers as the DMA API asks, and the same programs
 * with one call removed or misplaced. Thread i owns uart i's channels and at most one memcpy
 * channel, so every byte it moves is checkable. Each transfer: allocate, fill (tx, memcpy
 * source), map with the DMA device, check the handle, transfer, then either unmap and read, or
 * sync for the CPU, read and unmap (rx, memcpy destination); free.
 */
export interface Transfer {
  readonly kind: 'tx' | 'rx' | 'mem';
  /** How the memory side is mapped (a memcpy maps both sides this way, sg as single). */
  readonly map: 'single' | 'page' | 'sg';
  readonly lens: readonly number[];
  readonly readBack: 'after-unmap' | 'sync-for-cpu';
}

export interface Program {
  readonly platform: PlatformKind;
  readonly threads: readonly (readonly Transfer[])[];
}

/** One call removed or misplaced, and the rule that must report it. */
export type MutationKind =
  | 'no-mapping-error-check'
  | 'no-unmap'
  | 'no-sync-for-cpu'
  | 'unmap-before-transfer'
  | 'fill-after-map'
  | 'free-before-unmap'
  | 'client-device'
  | 'unmap-wrong-direction';

const expectedRule: Readonly<Record<MutationKind, string>> = {
  'no-mapping-error-check': MappingRules.mapErrorNotChecked.id,
  'no-unmap': MappingRules.pendingAtRelease.id,
  'no-sync-for-cpu': MappingRules.cpuWhileDeviceOwns.id,
  'unmap-before-transfer': MappingRules.iommuFault.id,
  'fill-after-map': MappingRules.cpuWhileDeviceOwns.id,
  'free-before-unmap': MappingRules.freeWhileMapped.id,
  'client-device': MappingRules.iommuFault.id,
  'unmap-wrong-direction': MappingRules.unmapWrongDirection.id,
};

export interface Mutation {
  readonly thread: number;
  readonly transfer: number;
  readonly kind: MutationKind;
}

/**
 * The rule the mutated program must break first. Without its unmap, a buffer the CPU reads
 * back afterwards is still the device's, which is caught before the channel is released.
 */
export function expected(m: Mutation, t: Transfer): string {
  if (m.kind === 'no-unmap' && t.kind !== 'tx' && t.readBack === 'after-unmap')
    return MappingRules.cpuWhileDeviceOwns.id;
  return expectedRule[m.kind];
}

/** Whether `kind` is a meaningful change of `t` (e.g. only single and page handles are checked). */
export function applies(kind: MutationKind, t: Transfer): boolean {
  switch (kind) {
    case 'no-mapping-error-check':
      return t.map !== 'sg' || t.kind === 'mem'; // dma_map_sg reports failure by returning 0
    case 'no-sync-for-cpu':
      return t.kind !== 'tx' && t.readBack === 'sync-for-cpu';
    case 'fill-after-map':
      return t.kind !== 'rx';
    default:
      return true;
  }
}

const transferArb: fc.Arbitrary<Transfer> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('tx' as const, 'rx' as const),
    map: fc.constantFrom('single' as const, 'page' as const, 'sg' as const),
    lens: fc.array(
      fc.integer({ min: 1, max: 48 }).map((n) => n * 4),
      { minLength: 1, maxLength: 3 },
    ),
    readBack: fc.constantFrom('after-unmap' as const, 'sync-for-cpu' as const),
  }),
  fc.record({
    kind: fc.constant('mem' as const),
    map: fc.constantFrom('single' as const, 'page' as const),
    lens: fc.integer({ min: 1, max: 600 }).map((n) => [n]),
    readBack: fc.constantFrom('after-unmap' as const, 'sync-for-cpu' as const),
  }),
);

export const programArb: fc.Arbitrary<Program> = fc.record({
  platform: fc.constantFrom(...platformKinds),
  threads: fc.array(fc.array(transferArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 2 }),
});

export const mutationArb = (p: Program): fc.Arbitrary<Mutation> =>
  fc
    .record({
      thread: fc.nat({ max: p.threads.length - 1 }),
      transfer: fc.nat({ max: 3 }),
      kind: fc.constantFrom(...(Object.keys(expectedRule) as MutationKind[])),
    })
    .map((m) => ({ ...m, transfer: m.transfer % p.threads[m.thread]!.length }))
    .filter((m) => applies(m.kind, p.threads[m.thread]![m.transfer]!));

/** The program's run: its violations, and every data mismatch the threads saw. */
export function runProgram(p: Program, seed: number, mutation: Mutation | null = null) {
  const world = new World({ seed, stepBound: 200_000 });
  dma_mapping_setup(world, p.platform);
  const board = createBoard(world, { uarts: 2 });
  const problems: string[] = [];
  const sent: number[][] = p.threads.map(() => []);
  p.threads.forEach((transfers, i) => {
    world.spawn(`client${i}`, () =>
      runThread(board, i, transfers, mutation?.thread === i ? mutation : null, problems, sent[i]!),
    );
  });
  const result = world.run();
  if (mutation === null) {
    p.threads.forEach((_, i) => {
      const got = board.uarts[i]!.tx.received;
      if (got.length !== sent[i]!.length || got.some((x, k) => x !== sent[i]![k]))
        problems.push(`uart${i}: the FIFO got ${got.length} bytes, not the ${sent[i]!.length} sent`);
    });
  }
  return { world, board, result, problems };
}

function* runThread(
  b: Board,
  index: number,
  transfers: readonly Transfer[],
  mutation: Mutation | null,
  problems: string[],
  sent: number[],
): TaskBody {
  const world = b.world;
  const chans = new Map<Transfer['kind'], DmaChan>();
  let rxPos = 0;
  function* channel(kind: Transfer['kind']): Body<DmaChan> {
    let chan = chans.get(kind);
    if (chan === undefined) {
      if (kind === 'mem') {
        const first = 2 * b.uarts.length;
        const got = yield* dma_request_channel(
          world,
          new Set(['DMA_MEMCPY']),
          (c) => c.chan_id >= first,
          null,
        );
        if (!got) throw new Error('no memcpy channel');
        chan = got;
      } else {
        chan = yield* slave(
          { ...b, client: b.uarts[index]!.client, tx: b.uarts[index]!.tx, rx: b.uarts[index]!.rx },
          kind,
        );
      }
      chans.set(kind, chan);
    }
    return chan;
  }

  for (const [n, t] of transfers.entries()) {
    const mut = mutation?.transfer === n ? mutation.kind : null;
    const chan = yield* channel(t.kind);
    const dev: Device = mut === 'client-device' ? b.uarts[index]!.client : dmaengine_get_dma_device(chan);
    const toDevice = t.kind === 'tx';
    const dir: DmaDataDirection = toDevice ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
    const len = t.lens.reduce((a, x) => a + x, 0);
    const bufs = t.lens.map((l) => kmalloc(world, l, `c${index}.t${n}`));
    const data = t.lens.map((l, k) => bytes(l, index * 100 + n * 10 + k));
    const fill = () => {
      bufs.forEach((a, k) => {
        cpu_write(world, a, data[k]!);
      });
    };

    // The CPU fills what the device will read before mapping it (or, misplaced, after).
    if (toDevice && mut !== 'fill-after-map') fill();
    // The memory side: tx and rx map their buffers; a memcpy maps its destination here.
    const how = t.kind === 'mem' && t.map === 'sg' ? 'single' : t.map;
    const mapping = mapBuffers(dev, bufs, t.lens, how, dir, mut);
    if (mapping === null) throw new Error('mapping failed');
    let src: MappedBuffers | null = null;
    let srcBuf = 0;
    let srcData: Uint8Array = new Uint8Array(0);
    if (t.kind === 'mem') {
      srcBuf = kmalloc(world, len, `c${index}.t${n}.src`);
      srcData = bytes(len, index * 100 + n * 10 + 7);
      if (mut !== 'fill-after-map') cpu_write(world, srcBuf, srcData);
      src = mapBuffers(dev, [srcBuf], [len], how, DMA_TO_DEVICE, mut);
      if (src === null) throw new Error('mapping failed');
      if (mut === 'fill-after-map') cpu_write(world, srcBuf, srcData);
    } else if (toDevice && mut === 'fill-after-map') {
      fill();
    }
    // Everything that will be unmapped, in order, with the direction it was mapped in.
    const maps = src === null ? [mapping] : [mapping, src];
    const unmapAll = (wrongDir: boolean) => {
      for (const m of maps)
        m.unmap(wrongDir ? (m.dir === DMA_TO_DEVICE ? DMA_FROM_DEVICE : DMA_TO_DEVICE) : m.dir);
    };
    if (mut === 'unmap-before-transfer') unmapAll(false);

    if (t.kind === 'mem')
      yield* memcpyTransfer(chan, mapping.segments[0]!.dma_address, src!.segments[0]!.dma_address, len);
    else yield* slaveTransfer(chan, toDevice, mapping.segments);
    if (toDevice) sent.push(...data.flatMap((d) => [...d]));

    const expected =
      t.kind === 'rx' ? patternBytes(b.uarts[index]!.rx.salt, rxPos, len) : t.kind === 'mem' ? srcData : null;
    if (t.kind === 'rx') rxPos += len;
    const check = () => {
      if (expected === null) return;
      const got = new Uint8Array(len);
      let at = 0;
      bufs.forEach((a, k) => {
        got.set(cpu_read(world, a, t.lens[k]!) ?? new Uint8Array(t.lens[k]!), at);
        at += t.lens[k]!;
      });
      if (mutation === null && got.some((x, k) => x !== expected[k]))
        problems.push(
          `client${index} transfer ${n} (${t.kind}, ${t.map}): the CPU reads other bytes than were moved`,
        );
    };

    if (mut === 'free-before-unmap') for (const a of bufs) world.memory.free(a);
    if (!toDevice && t.readBack === 'sync-for-cpu') {
      if (mut !== 'no-sync-for-cpu') mapping.syncForCpu();
      check();
    }
    if (mut !== 'no-unmap' && mut !== 'unmap-before-transfer') unmapAll(mut === 'unmap-wrong-direction');
    if (!toDevice && t.readBack === 'after-unmap') check();
    if (mut !== 'no-unmap' && mut !== 'free-before-unmap') {
      for (const a of bufs) world.memory.free(a);
      if (srcBuf !== 0) world.memory.free(srcBuf);
    }
  }
  for (const chan of chans.values()) yield* release(chan);
}

interface MappedBuffers {
  readonly dir: DmaDataDirection;
  /** The DMA segments to prepare the transfer with. */
  readonly segments: ScatterEntry[];
  syncForCpu(): void;
  unmap(dir: DmaDataDirection): void;
}

/**
 * Map buffers with the chosen function: one scatterlist, or one dma_map_single/page per
 * buffer; each handle is checked unless the mutation drops the check.
 */
function mapBuffers(
  dev: Device,
  bufs: readonly number[],
  lens: readonly number[],
  how: Transfer['map'],
  dir: DmaDataDirection,
  mut: MutationKind | null,
): MappedBuffers | null {
  if (how === 'sg') {
    const sgl = sg_init_table(bufs.length);
    bufs.forEach((a, k) => {
      sg_set_buf(sgl[k]!, a, lens[k]!);
    });
    const count = dma_map_sg(dev, sgl, bufs.length, dir);
    if (count === 0) return null;
    return {
      dir,
      segments: sg_dma_entries(sgl, count),
      syncForCpu: () => dma_sync_sg_for_cpu(dev, sgl, bufs.length, dir),
      unmap: (d) => dma_unmap_sg(dev, sgl, bufs.length, d),
    };
  }
  const handles: number[] = [];
  for (const [k, addr] of bufs.entries()) {
    const h =
      how === 'page'
        ? dma_map_page(dev, virt_to_page(addr), offset_in_page(addr), lens[k]!, dir)
        : dma_map_single(dev, addr, lens[k]!, dir);
    if (mut !== 'no-mapping-error-check' && dma_mapping_error(dev, h)) return null;
    handles.push(h);
  }
  return {
    dir,
    segments: handles.map((h, k) => ({ dma_address: h, length: lens[k]! })),
    syncForCpu: () => {
      handles.forEach((h, k) => {
        dma_sync_single_for_cpu(dev, h, lens[k]!, dir);
      });
    },
    unmap: (d) => {
      handles.forEach((h, k) => {
        if (how === 'page') dma_unmap_page(dev, h, lens[k]!, d);
        else dma_unmap_single(dev, h, lens[k]!, d);
      });
    },
  };
}
