import type { DmaAsyncTxDescriptor } from '../src/dmaengine/descriptor.js';
import type { DmaController } from '../src/hw/dma-controller.js';
import { hwMonitors } from '../src/hw/observer.js';
import { defineRule } from '../src/rules/rule.js';
import { section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { chanName } from './observe.js';

/**
 * device_resume acts "synchronously ... resuming right away": once dmaengine_resume returned 0,
 * no hardware channel still running a transfer of that channel is paused. The counterpart of
 * inv.pause-moves-no-byte; a resume that never takes effect would otherwise show only at the
 * end of the run, as a transfer that never completed.
 */
export const resumeResumes = defineInvariant({
  rule: defineRule({
    id: 'inv.resume-resumes',
    rule: 'When dmaengine_resume returns 0, no hardware channel running a transfer of that channel is left paused.',
    source: section(
      'provider.rst',
      'Device operations: device_resume',
      '("This command should operate synchronously on the channel, resuming right away the work of the given channel")',
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    // The descriptor each hardware channel last started, until it completes or is freed.
    const running = new Map<DmaController, Map<number, DmaAsyncTxDescriptor>>();
    const over = new WeakSet<DmaAsyncTxDescriptor>();
    ctx.on(['hw-start', 'complete', 'free', 'resume'], (e) => {
      switch (e.type) {
        case 'hw-start': {
          const hw = e.tx.chan.device.hw;
          if (hw === null) break;
          const chs = running.get(hw) ?? new Map<number, DmaAsyncTxDescriptor>();
          running.set(hw, chs);
          chs.set(e.ch, e.tx);
          over.delete(e.tx);
          break;
        }
        case 'complete':
        case 'free':
          over.add(e.tx);
          break;
        case 'resume': {
          if (e.phase !== 'end' || e.ret !== 0) break;
          const hw = e.chan.device.hw;
          if (hw === null) break;
          const monitors = hwMonitors(hw);
          for (const [ch, tx] of running.get(hw) ?? []) {
            if (tx.chan !== e.chan || over.has(tx)) continue;
            ctx.checked();
            if (monitors[ch]?.matches({ engine: 'paused' }))
              ctx.fail(
                `${chanName(e.chan)} resumed, but ${hw.name}.ch${ch} running ${tx.name} is still paused`,
                tx.name,
              );
          }
          break;
        }
      }
    });
  },
});
