import { setup } from 'xstate';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { type MachineSpec, rule } from './spec.js';

/**
 * One physical channel of the simulated DMA controller, as the hardware itself sees it.
 * Only the controller (src/hw/dma-controller.ts) observes it: register writes by the
 * provider (LOAD, PAUSE, RESUME, ABORT, CLEAR_ERROR, ACK_IRQ) and the channel's own
 * progress (FETCH, BURST, ITEM_END, EOT, RESTART, BUS_ERROR, RAISE). A register write the
 * chart rejects is a provider bug; a progress event it rejects is a bug of the model.
 * Region `engine` is the channel's activity, region `irq` its interrupt status bit.
 */

const HW_INTRO = section('provider.rst', 'Hardware Introduction');
const REPEAT = section('provider.rst', 'Misc notes', '(DMA_PREP_REPEAT, DMA_PREP_LOAD_EOT)');
const PAUSE = section('provider.rst', 'Device operations: device_pause');
const RESUME = section('provider.rst', 'Device operations: device_resume');
const TERMINATE = section('provider.rst', 'Device operations: device_terminate_all');
const RESULT = section('provider.rst', 'Device operations', '(callback_result, dmaengine_tx_result)');
const EOT_IRQ = section('provider.rst', 'General Design Notes', '(end of transfer interrupts)');
const GLOSSARY = section('provider.rst', 'Glossary', '(Burst, Chunk)');

export type HardwareChannelEvent =
  | { type: 'LOAD' }
  | { type: 'FETCH' }
  | { type: 'BURST' }
  | { type: 'ITEM_END' }
  | { type: 'EOT' }
  | { type: 'RESTART' }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  | { type: 'ABORT' }
  | { type: 'BUS_ERROR' }
  | { type: 'CLEAR_ERROR' }
  | { type: 'RAISE' }
  | { type: 'ACK_IRQ' };

export const hardwareChannelMachine = setup({
  types: {
    events: {} as HardwareChannelEvent,
  },
}).createMachine({
  id: 'hardwareChannel',
  type: 'parallel',
  ...rule(
    'A physical channel: the entity doing the copy, programmed with a linked list of chunks it walks on its own.',
    HW_INTRO,
  ),
  states: {
    engine: {
      initial: 'idle',
      ...rule('What the channel is doing with its linked list.', HW_INTRO),
      on: {
        ABORT: {
          target: '.idle',
          ...rule(
            'Disabling the channel stops it at once from any state; the burst in flight is dropped and it is idle.',
            TERMINATE,
          ),
        },
      },
      states: {
        idle: {
          ...rule(
            'Disabled: no list loaded, nothing moves; the only state in which it may be programmed.',
            HW_INTRO,
          ),
          on: {
            LOAD: {
              target: 'loading',
              ...rule(
                'The provider pushes the first item of the list to the channel and enables it.',
                HW_INTRO,
              ),
            },
          },
        },
        loading: {
          ...rule('Enabled, fetching the first linked-list item; no byte has moved yet.', HW_INTRO),
          on: {
            FETCH: {
              target: 'transferring',
              ...rule(
                'The controller fetched the first item: it now knows where to take the data from.',
                HW_INTRO,
              ),
            },
            PAUSE: {
              target: 'paused.loading',
              ...rule('Pausing stops the channel right away, even before its first fetch.', PAUSE),
            },
          },
        },
        transferring: {
          ...rule('Walking the list: one burst at a time, item after item.', HW_INTRO),
          on: {
            BURST: {
              ...rule(
                'One burst moved: consecutive reads or writes the controller does without splitting.',
                GLOSSARY,
              ),
            },
            ITEM_END: {
              ...rule('An item (a chunk) is done and the list goes on.', HW_INTRO),
            },
            FETCH: {
              ...rule(
                'The controller fetched the next item: the one its current item points to, or a list queued for the end of transfer.',
                cites(HW_INTRO, REPEAT),
              ),
            },
            RESTART: {
              ...rule(
                'A repeated transfer reached its end with nothing queued and starts again from its head.',
                REPEAT,
              ),
            },
            EOT: {
              target: 'idle',
              ...rule(
                'End of transfer: the last item is done, nothing is queued and the list does not repeat.',
                cites(HW_INTRO, REPEAT),
              ),
            },
            PAUSE: {
              target: 'paused.transferring',
              ...rule('Pausing stops the channel right away, between two bursts.', PAUSE),
            },
            BUS_ERROR: {
              target: 'error',
              ...rule(
                'A burst failed on the bus; the channel stops and reports a read or write failure.',
                RESULT,
              ),
            },
          },
        },
        paused: {
          initial: 'transferring',
          ...rule(
            'Paused: nothing moves and nothing is lost; resume continues where it stopped.',
            section(
              'client.rst',
              'Further APIs: 2. Pause API',
              '("pauses activity on the DMA channel without data loss")',
            ),
          ),
          on: {
            PAUSE: {
              ...rule('Pausing a paused channel changes nothing.', PAUSE),
            },
          },
          states: {
            loading: {
              ...rule('Paused before the first item was fetched.', PAUSE),
              on: {
                RESUME: {
                  target: '#hardwareChannel.engine.loading',
                  ...rule('Resuming goes back to fetching the first item.', RESUME),
                },
              },
            },
            transferring: {
              ...rule('Paused in the middle of the list, between two bursts.', PAUSE),
              on: {
                RESUME: {
                  target: '#hardwareChannel.engine.transferring',
                  ...rule('Resuming continues with the next burst of the same item.', RESUME),
                },
              },
            },
          },
        },
        error: {
          ...rule('Stopped by a bus error until the provider clears it (or disables the channel).', RESULT),
          on: {
            CLEAR_ERROR: {
              target: 'idle',
              ...rule(
                'The provider clears the error; the channel is idle and may be programmed again.',
                RESULT,
              ),
            },
          },
        },
      },
    },
    irq: {
      initial: 'clear',
      ...rule("The channel's interrupt status, which the provider's handler reads and clears.", EOT_IRQ),
      states: {
        clear: {
          ...rule('No interrupt pending from this channel.', EOT_IRQ),
          on: {
            RAISE: {
              target: 'raised',
              ...rule(
                'An item asking for an interrupt completed, the list ended, or an error stopped the channel.',
                cites(EOT_IRQ, section('provider.rst', 'Supported transaction types: DMA_CYCLIC')),
              ),
            },
            ACK_IRQ: {
              ...rule('Clearing a clear status is harmless.', EOT_IRQ),
            },
          },
        },
        raised: {
          ...rule('Interrupt pending until the provider clears the status.', EOT_IRQ),
          on: {
            RAISE: {
              ...rule('Raising a pending interrupt coalesces: the handler sees one.', EOT_IRQ),
            },
            ACK_IRQ: {
              target: 'clear',
              ...rule('The provider cleared the status.', EOT_IRQ),
            },
          },
        },
      },
    },
  },
});

/** Rules the chart's rejections break. ABORT, RAISE and ACK_IRQ are accepted in every state. */
export const HardwareChannelRules = {
  programWhileBusy: defineRule({
    id: 'hardware-channel.program-while-busy',
    rule: 'A channel is programmed (LLI pointer written and enabled) only while idle: after the end of its list, an abort, or clearing an error.',
    source: HW_INTRO,
    side: 'provider',
    kind: 'safety',
  }),
  pauseMovesNoByte: defineRule({
    id: 'hardware-channel.pause-moves-no-byte',
    rule: 'A paused channel fetches and moves nothing until it is resumed.',
    source: cites(
      section(
        'client.rst',
        'Further APIs: 2. Pause API',
        '("pauses activity on the DMA channel without data loss")',
      ),
      PAUSE,
    ),
    side: 'framework',
    kind: 'safety',
  }),
  notRunning: defineRule({
    id: 'hardware-channel.progress-while-stopped',
    rule: 'An idle or failed channel fetches and moves nothing: data moves only between LOAD and the end of the list.',
    source: HW_INTRO,
    side: 'framework',
    kind: 'safety',
  }),
  beforeFetch: defineRule({
    id: 'hardware-channel.move-before-fetch',
    rule: 'A channel moves no byte before it fetched the linked-list item that says where the data is.',
    source: HW_INTRO,
    side: 'framework',
    kind: 'safety',
  }),
  busErrorWithoutAccess: defineRule({
    id: 'hardware-channel.error-without-access',
    rule: 'A bus error happens only on an access of a transferring channel.',
    source: RESULT,
    side: 'framework',
    kind: 'safety',
  }),
  resumeNotPaused: defineRule({
    id: 'hardware-channel.resume-not-paused',
    rule: 'Only a paused channel is resumed.',
    source: cites(
      RESUME,
      section(
        'client.rst',
        'Further APIs: 3. Resume API',
        '("It is invalid to resume a channel which is not currently paused")',
      ),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  pauseInactive: defineRule({
    id: 'hardware-channel.pause-inactive',
    rule: 'Pause acts on a transfer: an idle or failed channel has nothing to pause.',
    source: PAUSE,
    side: 'provider',
    kind: 'safety',
  }),
  clearErrorWithoutError: defineRule({
    id: 'hardware-channel.clear-error-without-error',
    rule: 'The error state is cleared only when the channel is in it.',
    source: RESULT,
    side: 'provider',
    kind: 'safety',
  }),
} as const;

const R = HardwareChannelRules;
/** Progress events: refused while paused for one reason, before the first fetch for another, else stopped. */
const progress = [
  { in: { engine: 'paused' }, rule: R.pauseMovesNoByte },
  { in: { engine: 'loading' }, rule: R.beforeFetch },
  { rule: R.notRunning },
] as const;

export const hardwareChannelSpec: MachineSpec<typeof hardwareChannelMachine> = {
  name: 'hardware-channel',
  machine: hardwareChannelMachine,
  rejections: {
    LOAD: R.programWhileBusy,
    FETCH: [{ in: { engine: 'paused' }, rule: R.pauseMovesNoByte }, { rule: R.notRunning }],
    BURST: progress,
    ITEM_END: progress,
    EOT: progress,
    RESTART: progress,
    PAUSE: R.pauseInactive,
    RESUME: R.resumeNotPaused,
    BUS_ERROR: R.busErrorWithoutAccess,
    CLEAR_ERROR: R.clearErrorWithoutError,
  },
};
