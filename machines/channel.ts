import { setup } from 'xstate';
import { defineRule, type Rule } from '../src/rules/rule.js';
import { cites, kernelSource, section } from '../src/rules/sources.js';
import { type MachineSpec, type RejectionCase, rule } from './spec.js';

/**
 * One dma_chan as its client sees it: held between dma_request_chan and
 * dma_release_channel; while held, `config` records whether dmaengine_slave_config was
 * called and `activity` follows issue, pause/resume and terminate/synchronize. DRAINED is
 * the framework's observation that no issued or active descriptor remains.
 */

const C_ALLOC = section('client.rst', 'DMA usage: 1. Allocate a DMA slave channel');
const C_CONFIG = section('client.rst', 'DMA usage: 2. Set slave and controller specific parameters');
const C_PREP = section('client.rst', 'DMA usage: 3. Get a descriptor for transaction');
const C_ISSUE = section(
  'client.rst',
  'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
);
const C_TERMINATE = section('client.rst', 'Further APIs: 1. Terminate APIs');
const C_PAUSE = section('client.rst', 'Further APIs: 2. Pause API');
const C_RESUME = section('client.rst', 'Further APIs: 3. Resume API');
const C_SYNC = section('client.rst', 'Further APIs: 5. Synchronize termination API');
const P_ALLOC = section(
  'provider.rst',
  'Device operations: device_alloc_chan_resources, device_free_chan_resources',
);
const P_ISSUE = section('provider.rst', 'Device operations: device_issue_pending');
const P_PAUSE = section('provider.rst', 'Device operations: device_pause');
const P_RESUME = section('provider.rst', 'Device operations: device_resume');
const P_TERMINATE = section('provider.rst', 'Device operations: device_terminate_all');
const P_SYNC = section('provider.rst', 'Device operations: device_synchronize');

export type ChannelEvent =
  | { type: 'REQUEST' }
  | { type: 'CONFIG' }
  | { type: 'PREP_SLAVE' }
  | { type: 'PREP_MEM' }
  | { type: 'ISSUE' }
  | { type: 'DRAINED' }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  | { type: 'TERMINATE' }
  | { type: 'SYNC' }
  | { type: 'RELEASE' };

export const channelMachine = setup({
  types: {
    events: {} as ChannelEvent,
  },
}).createMachine({
  id: 'channel',
  initial: 'available',
  ...rule('A channel is used by its client only between dma_request_chan and dma_release_channel.', C_ALLOC),
  states: {
    available: {
      ...rule('Registered and not held by any client.', C_ALLOC),
      on: {
        REQUEST: {
          target: 'allocated',
          ...rule(
            'dma_request_chan hands out a free channel, exclusive to the caller, after device_alloc_chan_resources.',
            cites(C_ALLOC, P_ALLOC),
          ),
        },
      },
    },
    allocated: {
      type: 'parallel',
      ...rule('Held by one client until dma_release_channel.', C_ALLOC),
      on: {
        PREP_MEM: {
          ...rule(
            'memcpy, memset and mem-to-mem interleaved preps need no slave config.',
            section(
              'provider.rst',
              'Device operations: device_config',
              '"should NOT be set or expected to be set for memcpy operations"',
            ),
          ),
        },
        RELEASE: {
          target: 'released',
          ...rule(
            'dma_release_channel gives the channel back; the last put synchronizes it and frees its resources.',
            cites(C_ALLOC, kernelSource('drivers/dma/dmaengine.c', 'dma_chan_put()'), P_ALLOC),
          ),
        },
      },
      states: {
        config: {
          initial: 'unconfigured',
          ...rule('Whether the client passed its slave parameters (dma_slave_config).', C_CONFIG),
          states: {
            unconfigured: {
              ...rule('No slave config yet: only memory-to-memory transfers may be prepared.', C_CONFIG),
              on: {
                CONFIG: {
                  target: 'configured',
                  ...rule('dmaengine_slave_config passes direction, addresses, widths and bursts.', C_CONFIG),
                },
              },
            },
            configured: {
              ...rule('Slave config given: slave transfers may be prepared.', C_CONFIG),
              on: {
                CONFIG: {
                  ...rule(
                    'A new config applies to transfers prepared later, not to queued ones.',
                    section('provider.rst', 'Device operations: device_config', '"only on subsequent ones"'),
                  ),
                },
                PREP_SLAVE: {
                  ...rule(
                    'slave_sg, cyclic and slave interleaved preps use the slave config.',
                    cites(C_CONFIG, C_PREP),
                  ),
                },
              },
            },
          },
        },
        activity: {
          initial: 'idle',
          ...rule('What the channel does with the transfers issued on it.', cites(C_ISSUE, C_TERMINATE)),
          states: {
            idle: {
              ...rule('Nothing issued or running.', C_ISSUE),
              on: {
                ISSUE: {
                  target: 'busy',
                  ...rule(
                    'dma_async_issue_pending starts the first queued transfer if the channel is idle.',
                    C_ISSUE,
                  ),
                },
                // No DRAINED: idle is reached only by draining or by synchronize, after which
                // nothing of this channel may still run (rejected as activity-while-idle).
                PAUSE: {
                  target: 'paused',
                  ...rule(
                    'dmaengine_pause stops activity on the channel right away, without data loss.',
                    cites(C_PAUSE, P_PAUSE),
                  ),
                },
                TERMINATE: {
                  target: 'terminating',
                  ...rule(
                    'Terminate may be called on an idle channel; it must then be synchronized.',
                    C_TERMINATE,
                  ),
                },
                SYNC: {
                  ...rule(
                    'dmaengine_synchronize without a terminate before it is legal and returns once callbacks finished.',
                    C_SYNC,
                  ),
                },
              },
            },
            busy: {
              ...rule('Transfers issued; each completion starts the next.', cites(C_ISSUE, P_ISSUE)),
              on: {
                ISSUE: {
                  ...rule(
                    'Issuing more work on a busy channel queues it behind the running transfer.',
                    C_ISSUE,
                  ),
                },
                DRAINED: {
                  target: 'idle',
                  ...rule('The last issued transfer finished: the channel is idle.', P_ISSUE),
                },
                PAUSE: {
                  target: 'paused',
                  ...rule(
                    'dmaengine_pause stops activity on the channel right away, without data loss.',
                    cites(C_PAUSE, P_PAUSE),
                  ),
                },
                TERMINATE: {
                  target: 'terminating',
                  ...rule(
                    'Terminate aborts pending and ongoing transfers, possibly asynchronously.',
                    cites(C_TERMINATE, P_TERMINATE),
                  ),
                },
                SYNC: {
                  ...rule('dmaengine_synchronize without a terminate before it is legal.', C_SYNC),
                },
              },
            },
            paused: {
              ...rule('Paused: no data moves until resume or terminate.', cites(C_PAUSE, P_PAUSE)),
              on: {
                PAUSE: {
                  ...rule('Pausing a paused channel changes nothing.', C_PAUSE),
                },
                RESUME: {
                  target: 'busy',
                  ...rule(
                    'dmaengine_resume continues a paused channel from where it stopped (DRAINED follows if nothing is left).',
                    cites(C_RESUME, P_RESUME),
                  ),
                },
                ISSUE: {
                  ...rule('Work issued on a paused channel is queued; it runs after resume.', C_ISSUE),
                },
                DRAINED: {
                  ...rule(
                    'A completion interrupt for a transfer that ended before the pause took effect may be handled while paused.',
                    cites(P_PAUSE, C_PAUSE),
                  ),
                },
                TERMINATE: {
                  target: 'terminating',
                  ...rule('A paused channel may be terminated.', cites(C_TERMINATE, P_TERMINATE)),
                },
                SYNC: {
                  ...rule('dmaengine_synchronize without a terminate before it is legal.', C_SYNC),
                },
              },
            },
            terminating: {
              ...rule(
                'Terminated with dmaengine_terminate_async: hardware and callbacks may still run until dmaengine_synchronize.',
                cites(C_TERMINATE, C_SYNC),
              ),
              on: {
                TERMINATE: {
                  ...rule(
                    'Terminate may be called again, also from a completion callback, before synchronize.',
                    cites(C_TERMINATE, P_TERMINATE),
                  ),
                },
                DRAINED: {
                  ...rule(
                    'A completion racing terminate_async (hardware work that ended before the stop took effect) does not end the termination; only synchronize does.',
                    cites(
                      section(
                        'client.rst',
                        'Further APIs: 1. Terminate APIs',
                        '"might not wait until the DMA has been fully stopped"',
                      ),
                      P_TERMINATE,
                    ),
                  ),
                },
                SYNC: {
                  target: 'idle',
                  ...rule(
                    'dmaengine_synchronize returns once transfers stopped and all callbacks finished (terminate_sync is terminate then synchronize).',
                    cites(C_SYNC, P_SYNC, C_TERMINATE),
                  ),
                },
              },
            },
          },
        },
      },
    },
    released: {
      ...rule('Given back by dma_release_channel; it may be requested again.', C_ALLOC),
      on: {
        REQUEST: {
          target: 'allocated',
          ...rule(
            'A released channel may be requested again; it starts unconfigured and idle.',
            cites(C_ALLOC, kernelSource('drivers/dma/dmaengine.c', 'dma_chan_get()')),
          ),
        },
      },
    },
  },
});

const notHeld = defineRule({
  id: 'channel.not-held',
  rule: 'A channel is used only between dma_request_chan and dma_release_channel.',
  source: section(
    'client.rst',
    'DMA usage: 1. Allocate a DMA slave channel',
    '"exclusive to the caller, until dma_release_channel() is called"',
  ),
  side: 'client',
  kind: 'safety',
});

/** Cases for a channel the client does not hold, then the event's own. */
const unheld = (r: Rule = notHeld): RejectionCase[] => [
  { in: 'available', rule: r },
  { in: 'released', rule: r },
];

export const channelSpec: MachineSpec<typeof channelMachine> = {
  name: 'channel',
  machine: channelMachine,
  rejections: {
    REQUEST: defineRule({
      id: 'channel.request-held',
      rule: 'A channel allocated via dma_request_chan is exclusive to its caller until dma_release_channel.',
      source: cites(C_ALLOC, kernelSource('drivers/dma/dmaengine.c', 'private_candidate()')),
      side: 'framework',
      kind: 'safety',
    }),
    CONFIG: notHeld,
    PREP_SLAVE: [
      ...unheld(),
      {
        rule: defineRule({
          id: 'channel.prep-slave-unconfigured',
          rule: 'A slave transfer is prepared only after dmaengine_slave_config: "Next step is always to pass some specific information to the DMA driver".',
          source: cites(
            C_CONFIG,
            section('provider.rst', 'Device operations: device_config', '"mandatory for slave operations"'),
          ),
          side: 'client',
          kind: 'safety',
        }),
      },
    ],
    PREP_MEM: notHeld,
    ISSUE: [
      ...unheld(),
      {
        rule: defineRule({
          id: 'channel.issue-before-sync',
          rule: 'dma_async_issue_pending is not called between dmaengine_terminate_async and dmaengine_synchronize (the behavior is undefined).',
          source: C_SYNC,
          side: 'client',
          kind: 'safety',
        }),
      },
    ],
    DRAINED: [
      ...unheld(
        defineRule({
          id: 'channel.activity-after-release',
          rule: 'No transfer of a channel finishes while no client holds it: device_free_chan_resources runs after synchronize and leaves nothing running.',
          source: cites(
            P_ALLOC,
            kernelSource('drivers/dma/dmaengine.c', 'dma_chan_put()'),
            section('kernel-dmaengine-rules.md', '§9', 'FREE-AFTER-QUIESCE'),
          ),
          side: 'provider',
          kind: 'safety',
        }),
      ),
      {
        rule: defineRule({
          id: 'channel.activity-while-idle',
          rule: 'Nothing finishes on an idle channel: after draining or after dmaengine_synchronize returned, no transfer is still running.',
          source: cites(
            section(
              'provider.rst',
              'Device operations: device_synchronize',
              '"memory for previously submitted descriptors is no longer accessed"',
            ),
            section('kernel-dmaengine-rules.md', '§9', 'SYNC-QUIESCES'),
            section('kernel-dmaengine-rules.md', '§8', '#15'),
          ),
          side: 'provider',
          kind: 'safety',
        }),
      },
    ],
    PAUSE: [
      ...unheld(),
      {
        rule: defineRule({
          id: 'channel.pause-before-sync',
          rule: 'A channel stopped by dmaengine_terminate_async is synchronized before it is paused: there is no activity left to pause.',
          source: cites(C_SYNC, C_PAUSE),
          side: 'client',
          kind: 'safety',
        }),
      },
    ],
    RESUME: [
      ...unheld(),
      {
        rule: defineRule({
          id: 'channel.resume-not-paused',
          rule: 'It is invalid to resume a channel which is not currently paused.',
          source: C_RESUME,
          side: 'client',
          kind: 'safety',
        }),
      },
    ],
    TERMINATE: notHeld,
    SYNC: notHeld,
    RELEASE: defineRule({
      id: 'channel.release-unheld',
      rule: 'dma_release_channel releases a channel its caller holds, once.',
      source: cites(C_ALLOC, kernelSource('drivers/dma/dmaengine.c', 'dma_release_channel() WARN_ONCE')),
      side: 'client',
      kind: 'safety',
    }),
  },
};
