// Bug class: free_chan_resources clears per-channel state that the driver's tasklet, which
// the release itself reschedules, still dereferences (pl330 "Fix NULL pointer dereference in
// tasklet during channel release", posted 2026, merge unverified; reference §8 #29). The
// tasklet's NULL dereference is the driver's oops.
import {
  type Body,
  type DmaChan,
  tasklet_schedule,
  tasklet_setup,
  to_virt_chan,
  type VirtDmaChan,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('free-chan-tasklet-race', (device, ctx) => {
  // pch->thread: the channel's hardware thread, set at alloc, cleared at free.
  const thread = new Map<VirtDmaChan, { id: number } | null>();
  const tasklet = tasklet_setup(ctx.world, 'free-chan-tasklet-race.tasklet', function* () {
    for (const [, t] of thread) void t!.id; // the bug: no check that the channel still has one
  });
  const alloc = device.device_alloc_chan_resources?.bind(device);
  device.device_alloc_chan_resources = function* (chan: DmaChan): Body<number> {
    thread.set(to_virt_chan(chan), { id: chan.chan_id });
    return alloc ? yield* alloc(chan) : 0;
  };
  const free = device.device_free_chan_resources!.bind(device);
  device.device_free_chan_resources = function* (chan: DmaChan): Body<void> {
    yield* free(chan);
    tasklet_schedule(tasklet); // pl330_release_channel reschedules the tasklet
    yield { kind: 'preempt', label: 'free_chan_resources' };
    thread.set(to_virt_chan(chan), null);
  };
});
