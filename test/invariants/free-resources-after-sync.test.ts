import { describe, expect, it } from 'vitest';
import type { DmaChan } from '../../src/dmaengine/channel.js';
import { type DmaEvent, dmaBus } from '../../src/dmaengine/events.js';
import { dma_release_channel } from '../../src/dmaengine/registry.js';
import { dmaengine_terminate_async } from '../../src/dmaengine/terminate.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import type { Board } from '../../src/scenarios/board.js';
import { createBoard } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { firstId } from './helpers.js';

/**
 * The framework itself (dma_chan_put) synchronizes before device_free_chan_resources, and
 * nothing can reorder it without editing src/. A broken framework is therefore played on the
 * bus directly: the event stream it would publish.
 */
function framework(events: (chan: DmaChan) => DmaEvent[]) {
  const world = new World();
  const board = createBoard(world);
  const chan = board.dma.device.channels[0]!;
  const bus = dmaBus(world);
  for (const e of events(chan)) bus.emit(e);
  return world.run();
}

describe('inv.free-resources-after-sync', () => {
  it('fires when a channel is freed after a terminate no synchronize covered', () => {
    const result = framework((chan) => [
      { type: 'chan-resources', chan, phase: 'alloc' },
      { type: 'terminate', chan, phase: 'begin', variant: 'async' },
      { type: 'terminate', chan, phase: 'end', variant: 'async' },
      { type: 'chan-resources', chan, phase: 'free' },
    ]);
    expect(firstId(result)).toBe('inv.free-resources-after-sync');
  });

  it('fires when the only synchronize began before the terminate returned', () => {
    const result = framework((chan) => [
      { type: 'chan-resources', chan, phase: 'alloc' },
      { type: 'terminate', chan, phase: 'begin', variant: 'async' },
      { type: 'synchronize', chan, phase: 'begin' },
      { type: 'terminate', chan, phase: 'end', variant: 'async' },
      { type: 'synchronize', chan, phase: 'end' },
      { type: 'chan-resources', chan, phase: 'free' },
    ]);
    expect(firstId(result)).toBe('inv.free-resources-after-sync');
  });

  it('is silent on terminate, synchronize, free', () => {
    const result = framework((chan) => [
      { type: 'chan-resources', chan, phase: 'alloc' },
      { type: 'terminate', chan, phase: 'begin', variant: 'async' },
      { type: 'terminate', chan, phase: 'end', variant: 'async' },
      { type: 'synchronize', chan, phase: 'begin' },
      { type: 'synchronize', chan, phase: 'end' },
      { type: 'chan-resources', chan, phase: 'free' },
    ]);
    expect(violationIds(result)).toEqual([]);
  });

  it('is silent on the real dma_release_channel after terminate_async', () => {
    const { board, result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* slaveChannel(b, 'tx');
      yield* dmaengine_terminate_async(chan);
      yield* dma_release_channel(chan);
    });
    expect(violationIds(result)).toEqual([]);
    expect(board.stats.get('inv.free-resources-after-sync')!.checks).toBe(1);
  });
});
