import { and, assign, or, setup, stateIn } from 'xstate';
import { defineRule, type Rule } from '../src/rules/rule.js';
import { cites, kernelSource, section } from '../src/rules/sources.js';
import { type MachineSpec, type RejectionCase, rule } from './spec.js';

/**
 * One dma_async_tx_descriptor, from the prep call that returned it to the provider's
 * desc_free. Observed only by trusted framework code: the client API wrappers, the virt-dma
 * helpers, the callback wrapper and the simulated hardware.
 *
 * `live` is parallel: `life` is where the descriptor is (the virt-dma lists, the hardware,
 * the completion tasklet), `period` the period callbacks of a cyclic or repeated transfer,
 * `ack` DMA_CTRL_ACK, `reuse` DMA_CTRL_REUSE and `metadata` the per-descriptor metadata mode.
 * Which kind of transfer it is (one-shot, cyclic, repeated) is context, set by the prep
 * event, so that every event stays a bare type.
 */

const C_PREP = section('client.rst', 'DMA usage: 3. Get a descriptor for transaction');
const C_SUBMIT = section('client.rst', 'DMA usage: 4. Submit the transaction');
const C_ISSUE = section(
  'client.rst',
  'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
);
const C_TERMINATE = section('client.rst', 'Further APIs: 1. Terminate APIs');
const P_PREP = section('provider.rst', 'Device operations: device_prep_dma_*');
const P_ISSUE = section('provider.rst', 'Device operations: device_issue_pending');
const P_TERMINATE = section('provider.rst', 'Device operations: device_terminate_all');
const P_ACK = section('provider.rst', 'Misc notes: DMA_CTRL_ACK');
const P_REUSE = section('provider.rst', 'Misc notes: DMA_CTRL_REUSE');
const P_REPEAT = section('provider.rst', 'Misc notes: DMA_PREP_REPEAT');
const P_LOAD_EOT = section('provider.rst', 'Misc notes: DMA_PREP_LOAD_EOT');
const P_METADATA = section('provider.rst', 'Per descriptor metadata support');

export type DescriptorKind = 'oneshot' | 'cyclic' | 'repeat';

export type DescriptorEvent =
  | { type: 'PREP' }
  | { type: 'PREP_CYCLIC' }
  | { type: 'PREP_REPEAT' }
  | { type: 'SUBMIT' }
  | { type: 'ISSUE' }
  | { type: 'START' }
  | { type: 'PERIOD' }
  | { type: 'REPEAT' }
  | { type: 'COMPLETE' }
  | { type: 'FETCH_CALLBACK' }
  | { type: 'CALLBACK_BEGIN' }
  | { type: 'CALLBACK_END' }
  | { type: 'TERMINATE' }
  | { type: 'FREE' }
  | { type: 'RECYCLE' }
  | { type: 'ACK' }
  | { type: 'SET_REUSE' }
  | { type: 'CLEAR_REUSE' }
  | { type: 'METADATA_CLIENT' }
  | { type: 'METADATA_ENGINE' };

const inLife = (state: string) => stateIn(`#descriptor.live.life.${state}`);

export const descriptorMachine = setup({
  types: {
    context: {} as { kind: DescriptorKind },
    events: {} as DescriptorEvent,
  },
  guards: {
    isCyclic: ({ context }) => context.kind === 'cyclic',
    isRepeat: ({ context }) => context.kind === 'repeat',
    // One-shot and repeated transfers complete; a cyclic one runs until terminated.
    completes: ({ context }) => context.kind !== 'cyclic',
    // Cyclic and repeated transfers report each pass through vchan_cyclic_callback.
    isPeriodic: ({ context }) => context.kind !== 'oneshot',
    periodCallbackDue: and([({ context }) => context.kind !== 'oneshot', inLife('active')]),
    isReusable: stateIn('#descriptor.live.reuse.reusable'),
    // The engine's metadata area exists before the transfer runs and again from completion
    // until the completion callback returns.
    engineMetadataValid: or([
      inLife('prepared'),
      inLife('submitted'),
      inLife('callbackPending'),
      inLife('callback'),
    ]),
    // Idle (never submitted, done, or aborted) and not marked for reuse.
    freeable: and([
      or([inLife('prepared'), inLife('done'), inLife('aborted')]),
      stateIn('#descriptor.live.reuse.oneshot'),
    ]),
  },
  actions: {
    setOneshot: assign({ kind: 'oneshot' as const }),
    setCyclic: assign({ kind: 'cyclic' as const }),
    setRepeat: assign({ kind: 'repeat' as const }),
  },
}).createMachine({
  id: 'descriptor',
  initial: 'new',
  context: { kind: 'oneshot' },
  ...rule(
    'A transaction descriptor lives from the prep call that returned it until the provider frees it.',
    cites(C_PREP, P_PREP),
  ),
  states: {
    new: {
      ...rule('Not yet returned by a prep call: nothing may use it.', P_PREP),
      on: {
        PREP: {
          target: 'live',
          actions: 'setOneshot',
          ...rule(
            'A slave_sg, memcpy, memset or plain interleaved prep returned a one-shot descriptor.',
            C_PREP,
          ),
        },
        PREP_CYCLIC: {
          target: 'live',
          actions: 'setCyclic',
          ...rule(
            'dmaengine_prep_dma_cyclic returned a descriptor that loops until it is terminated.',
            C_PREP,
          ),
        },
        PREP_REPEAT: {
          target: 'live',
          actions: 'setRepeat',
          ...rule(
            'An interleaved prep with DMA_PREP_REPEAT returned a descriptor that repeats until a DMA_PREP_LOAD_EOT successor replaces it.',
            P_REPEAT,
          ),
        },
      },
    },
    live: {
      type: 'parallel',
      ...rule('Prepared and not yet freed: owned by the client until submit, then by the engine.', C_SUBMIT),
      on: {
        FREE: {
          guard: 'freeable',
          target: '#descriptor.freed',
          ...rule(
            'desc_free runs only on an idle descriptor (never submitted, done, or aborted) that is not marked DMA_CTRL_REUSE.',
            cites(P_REUSE, kernelSource('drivers/dma/virt-dma.h', 'vchan_vdesc_fini()')),
          ),
        },
      },
      states: {
        life: {
          initial: 'prepared',
          ...rule(
            'Where the descriptor is: client, virt-dma lists, hardware or completion tasklet.',
            section('kernel-dmaengine-rules.md', '§1.2'),
          ),
          states: {
            prepared: {
              ...rule(
                'Returned by prep (on desc_allocated): the client may attach callback and metadata, then submit.',
                C_PREP,
              ),
              on: {
                SUBMIT: {
                  target: 'submitted',
                  ...rule(
                    'dmaengine_submit assigns a cookie and queues the descriptor without starting it.',
                    C_SUBMIT,
                  ),
                },
                TERMINATE: {
                  target: 'aborted',
                  ...rule(
                    'vchan_get_all_descriptors also takes desc_allocated, so terminate aborts a prepared, unsubmitted descriptor.',
                    cites(
                      section('kernel-dmaengine-rules.md', '§1.8'),
                      kernelSource('drivers/dma/virt-dma.h', 'vchan_get_all_descriptors()'),
                    ),
                  ),
                },
              },
            },
            submitted: {
              ...rule(
                'Submitted with a cookie, on the pending queue, not yet issued: it belongs to the engine.',
                C_SUBMIT,
              ),
              on: {
                ISSUE: {
                  target: 'issued',
                  ...rule(
                    'dma_async_issue_pending moves the whole pending queue to the issued queue.',
                    C_ISSUE,
                  ),
                },
                TERMINATE: {
                  target: 'aborted',
                  ...rule('Terminate aborts pending transfers.', P_TERMINATE),
                },
              },
            },
            issued: {
              ...rule('Issued: the hardware starts it when the channel gets to it.', C_ISSUE),
              on: {
                START: {
                  target: 'active',
                  ...rule(
                    'The hardware starts only issued descriptors, first the oldest, the next when the previous is done.',
                    P_ISSUE,
                  ),
                },
                TERMINATE: {
                  target: 'aborted',
                  ...rule('Terminate aborts pending transfers.', P_TERMINATE),
                },
              },
            },
            active: {
              ...rule(
                'The hardware is executing it (off every virt-dma list).',
                section('kernel-dmaengine-rules.md', '§1.2'),
              ),
              on: {
                PERIOD: {
                  guard: 'isPeriodic',
                  ...rule(
                    'A cyclic transfer loops over its periods; a repeated one reports each pass the same way (vchan_cyclic_callback).',
                    cites(
                      section('provider.rst', 'Supported transaction types: DMA_CYCLIC'),
                      section('provider.rst', 'Supported transaction types: DMA_REPEAT'),
                    ),
                  ),
                },
                REPEAT: {
                  guard: 'isRepeat',
                  ...rule(
                    'A DMA_PREP_REPEAT transfer restarts at its end while no DMA_PREP_LOAD_EOT transfer is queued.',
                    P_REPEAT,
                  ),
                },
                COMPLETE: {
                  guard: 'completes',
                  target: 'completed',
                  ...rule(
                    'The transfer finished (a repeated one: a DMA_PREP_LOAD_EOT successor replaced it at its end); a cyclic descriptor never completes.',
                    cites(
                      kernelSource('drivers/dma/virt-dma.h', 'vchan_cookie_complete()'),
                      P_LOAD_EOT,
                      section('kernel-dmaengine-rules.md', '§1.3'),
                    ),
                  ),
                },
                TERMINATE: {
                  target: 'aborted',
                  ...rule('Terminate aborts the ongoing transfer.', P_TERMINATE),
                },
              },
            },
            completed: {
              ...rule(
                'Completed (cookie completed, on desc_completed); the completion tasklet is scheduled.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_cookie_complete()'),
              ),
              on: {
                FETCH_CALLBACK: {
                  target: 'callbackPending',
                  ...rule(
                    'The tasklet takes the completed list and copies each callback out (dmaengine_desc_get_callback).',
                    kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
                  ),
                },
                TERMINATE: {
                  target: 'aborted',
                  ...rule(
                    'Terminate takes desc_completed too: a completed descriptor whose callback was not fetched is freed without a callback.',
                    section('kernel-dmaengine-rules.md', '§4', '"Callbacks in flight"'),
                  ),
                },
              },
            },
            callbackPending: {
              ...rule(
                'On the tasklet-private list with its callback copied out; terminate can no longer reach it.',
                kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
              ),
              on: {
                CALLBACK_BEGIN: {
                  target: 'callback',
                  ...rule(
                    'The tasklet invokes the fetched callback, in softirq context, without the channel lock.',
                    cites(
                      kernelSource('drivers/dma/dmaengine.h', 'dmaengine_desc_callback_invoke()'),
                      section('client.rst', 'DMA usage: 3. Get a descriptor for transaction', 'note'),
                    ),
                  ),
                },
              },
            },
            callback: {
              ...rule(
                'The completion callback runs; the descriptor and its tx_result stay valid until it returns.',
                kernelSource('drivers/dma/virt-dma.c', 'vchan_complete() (commit 24461d9792c2)'),
              ),
              on: {
                CALLBACK_END: {
                  target: 'done',
                  ...rule(
                    'The callback returned; the tasklet then frees or recycles the descriptor (vchan_vdesc_fini).',
                    kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
                  ),
                },
              },
            },
            done: {
              ...rule('Completed and notified: freed next, or back on desc_allocated if reusable.', P_REUSE),
              on: {
                RECYCLE: {
                  guard: 'isReusable',
                  target: 'prepared',
                  ...rule(
                    'A DMA_CTRL_REUSE descriptor goes back to desc_allocated after its callback and may be submitted again.',
                    cites(P_REUSE, kernelSource('drivers/dma/virt-dma.h', 'vchan_vdesc_fini()')),
                  ),
                },
              },
            },
            aborted: {
              ...rule(
                'Taken by terminate: no callback will be called for it; freed, or recycled if reusable.',
                cites(C_TERMINATE, P_TERMINATE),
              ),
              on: {
                COMPLETE: {
                  ...rule(
                    "A terminated descriptor's cookie may be completed without a callback, so tx_status reports DMA_COMPLETE on the stopped channel (k3-udma); only its callback is forbidden.",
                    cites(
                      section(
                        'kernel-dmaengine-rules.md',
                        '§2',
                        'Aborted cookies are not completed by the core',
                      ),
                      section('kernel-dmaengine-rules.md', '§8', '#17 (k3-udma)'),
                    ),
                  ),
                },
                TERMINATE: {
                  ...rule(
                    'An aborted descriptor on desc_terminated is gathered again by a later terminate before synchronize.',
                    cites(
                      kernelSource('drivers/dma/virt-dma.h', 'vchan_get_all_descriptors()'),
                      section('kernel-dmaengine-rules.md', '§1.2', 'TERMINATED'),
                    ),
                  ),
                },
                RECYCLE: {
                  guard: 'isReusable',
                  target: 'prepared',
                  ...rule(
                    'virt-dma keeps a DMA_CTRL_REUSE descriptor across terminate: it goes back to desc_allocated.',
                    cites(
                      kernelSource('drivers/dma/virt-dma.c', 'vchan_dma_desc_free_list()'),
                      section('kernel-dmaengine-rules.md', '§1.2'),
                    ),
                  ),
                },
              },
            },
          },
        },
        period: {
          initial: 'idle',
          ...rule(
            'Period callbacks of a cyclic or repeated transfer: fetched from vc->cyclic by the tasklet, then invoked.',
            cites(
              kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
              section('kernel-dmaengine-rules.md', '§1.3'),
            ),
          ),
          states: {
            idle: {
              ...rule(
                'No period callback fetched.',
                kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
              ),
              on: {
                FETCH_CALLBACK: {
                  guard: 'periodCallbackDue',
                  target: 'fetched',
                  ...rule(
                    'While a cyclic or repeated transfer runs, the tasklet copies its callback out of vc->cyclic; several periods may coalesce into one callback.',
                    cites(
                      kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
                      section('kernel-dmaengine-rules.md', '§1.3'),
                    ),
                  ),
                },
              },
            },
            fetched: {
              ...rule(
                'Callback copied out; a terminate from now on cannot stop it (terminate_async gives no guarantee about running callbacks).',
                cites(C_TERMINATE, section('kernel-dmaengine-rules.md', '§4', '"Callbacks in flight"')),
              ),
              on: {
                // Only a cyclic or repeated descriptor gets here, so no guard on the kind.
                CALLBACK_BEGIN: {
                  target: 'running',
                  ...rule(
                    'The tasklet invokes the period callback it fetched, even if terminate ran in between.',
                    cites(
                      kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
                      section('kernel-dmaengine-rules.md', '§4', '"Callbacks in flight"'),
                    ),
                  ),
                },
              },
            },
            running: {
              ...rule(
                'The period callback runs in tasklet context.',
                kernelSource('drivers/dma/dmaengine.h', 'dmaengine_desc_callback_invoke()'),
              ),
              on: {
                CALLBACK_END: {
                  target: 'idle',
                  ...rule(
                    'The period callback returned.',
                    kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
                  ),
                },
              },
            },
          },
        },
        ack: {
          initial: 'unacked',
          ...rule(
            'DMA_CTRL_ACK: the client acknowledged receipt (set at prep by flag or by async_tx_ack).',
            P_ACK,
          ),
          states: {
            unacked: {
              ...rule('Not acknowledged: the provider may not reuse it for another transfer.', P_ACK),
              on: {
                ACK: {
                  target: 'acked',
                  ...rule('The client acknowledges the descriptor (DMA_CTRL_ACK).', P_ACK),
                },
              },
            },
            acked: {
              ...rule('Acknowledged; this alone does not make it reusable.', P_ACK),
              on: {
                ACK: {
                  ...rule(
                    'Acknowledging again changes nothing.',
                    kernelSource('include/linux/dmaengine.h', 'async_tx_ack()'),
                  ),
                },
              },
            },
          },
        },
        reuse: {
          initial: 'oneshot',
          ...rule(
            'DMA_CTRL_REUSE: whether the descriptor survives its completion for another submit.',
            P_REUSE,
          ),
          states: {
            oneshot: {
              ...rule('Not reusable: freed after its callback or after terminate.', P_REUSE),
              on: {
                SET_REUSE: {
                  target: 'reusable',
                  ...rule(
                    'dmaengine_desc_set_reuse sets DMA_CTRL_REUSE (if the channel has descriptor_reuse).',
                    P_REUSE,
                  ),
                },
                CLEAR_REUSE: {
                  ...rule(
                    'Clearing a flag that is not set changes nothing.',
                    kernelSource('include/linux/dmaengine.h'),
                  ),
                },
              },
            },
            reusable: {
              ...rule('Reusable: the provider must not free it.', P_REUSE),
              on: {
                SET_REUSE: {
                  ...rule(
                    'Setting the flag again changes nothing.',
                    kernelSource('include/linux/dmaengine.h'),
                  ),
                },
                CLEAR_REUSE: {
                  target: 'oneshot',
                  ...rule(
                    'dmaengine_desc_clear_reuse (by the client, by dmaengine_desc_free, or by vchan_free_chan_resources) lets it be freed.',
                    cites(P_REUSE, kernelSource('drivers/dma/virt-dma.h', 'vchan_free_chan_resources()')),
                  ),
                },
              },
            },
          },
        },
        metadata: {
          initial: 'none',
          ...rule(
            'Per-descriptor metadata: client mode or engine mode, never both.',
            section(
              'client.rst',
              'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
            ),
          ),
          states: {
            none: {
              ...rule(
                'No metadata used yet.',
                section(
                  'client.rst',
                  'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
                ),
              ),
              on: {
                METADATA_CLIENT: {
                  target: 'client',
                  ...rule(
                    'dmaengine_desc_attach_metadata attaches a client buffer (DESC_METADATA_CLIENT).',
                    section(
                      'client.rst',
                      'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
                    ),
                  ),
                },
                METADATA_ENGINE: {
                  guard: 'engineMetadataValid',
                  target: 'engine',
                  ...rule(
                    'The client uses the engine metadata area (DESC_METADATA_ENGINE) before issue or from completion until its callback returns.',
                    section(
                      'client.rst',
                      'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
                    ),
                  ),
                },
              },
            },
            client: {
              ...rule(
                'DESC_METADATA_CLIENT: the buffer belongs to the client.',
                cites(
                  section(
                    'client.rst',
                    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
                  ),
                  P_METADATA,
                ),
              ),
              on: {
                METADATA_CLIENT: {
                  ...rule(
                    'The client may attach its metadata buffer again.',
                    section(
                      'client.rst',
                      'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
                    ),
                  ),
                },
              },
            },
            engine: {
              ...rule(
                'DESC_METADATA_ENGINE: the area belongs to the engine.',
                cites(
                  section(
                    'client.rst',
                    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
                  ),
                  P_METADATA,
                ),
              ),
              on: {
                METADATA_ENGINE: {
                  guard: 'engineMetadataValid',
                  ...rule(
                    'The engine metadata area is valid before issue and from completion until the completion callback returns.',
                    section(
                      'client.rst',
                      'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
                    ),
                  ),
                },
              },
            },
          },
        },
      },
    },
    freed: {
      type: 'final',
      ...rule(
        'desc_free ran: the descriptor is gone and nothing may touch it.',
        cites(P_REUSE, section('kernel-dmaengine-rules.md', '§9', 'NO-UAF')),
      ),
    },
  },
});

// The rules broken by observations the chart does not accept.

const beforePrep = defineRule({
  id: 'descriptor.before-prep',
  rule: 'A descriptor is used only after a prep call returned it.',
  source: cites(C_PREP, P_PREP),
  side: 'framework',
  kind: 'safety',
});
const useAfterFree = defineRule({
  id: 'descriptor.use-after-free',
  rule: 'No use of a freed descriptor.',
  source: cites(
    section('kernel-dmaengine-rules.md', '§9', 'NO-UAF'),
    kernelSource('drivers/dma/virt-dma.c', 'vchan_complete() (commit 24461d9792c2)'),
  ),
  side: 'provider',
  kind: 'safety',
});
const callbackForAborted = defineRule({
  id: 'descriptor.callback-for-aborted',
  rule: 'No callback is called for an aborted (terminated) transfer.',
  source: cites(
    section(
      'client.rst',
      'Further APIs: 1. Terminate APIs',
      '"No callback functions will be called for any incomplete transfers"',
    ),
    P_TERMINATE,
  ),
  side: 'provider',
  kind: 'safety',
});
const mixedMetadata = defineRule({
  id: 'descriptor.metadata-mixed',
  rule: 'Mixed use of DESC_METADATA_CLIENT and DESC_METADATA_ENGINE on one descriptor is not allowed.',
  source: section(
    'client.rst',
    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
  ),
  side: 'client',
  kind: 'safety',
});

const lifeStates = (states: readonly string[], r: Rule): RejectionCase[] =>
  states.map((s) => ({ in: { live: { life: s } }, rule: r }));

/** Cases for a descriptor that does not exist (yet or any more), then the event's own. */
const engineMetadataInvalid = defineRule({
  id: 'descriptor.metadata-engine-invalid',
  rule: 'The engine metadata area is used only before the transfer is issued or from its completion until the completion callback returns.',
  source: section(
    'client.rst',
    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
    'note',
  ),
  side: 'client',
  kind: 'safety',
});

export const clientAfterSubmit = defineRule({
  id: 'descriptor.client-use-after-submit',
  rule: 'After dmaengine_submit the descriptor belongs to the DMA engine; the client must consider its pointer invalid.',
  source: section('client.rst', 'DMA usage: 4. Submit the transaction', 'note'),
  side: 'client',
  kind: 'safety',
});

const gone = (...cases: RejectionCase[]): readonly RejectionCase[] => [
  { in: 'new', rule: beforePrep },
  { in: 'freed', rule: useAfterFree },
  ...cases,
];

const prepUnique = defineRule({
  id: 'descriptor.prep-not-unique',
  rule: 'A prep call returns a unique descriptor, never one that is still live.',
  source: P_PREP,
  side: 'provider',
  kind: 'safety',
});

export const descriptorSpec: MachineSpec<typeof descriptorMachine> = {
  name: 'descriptor',
  machine: descriptorMachine,
  rejections: {
    PREP: [{ in: 'freed', rule: useAfterFree }, { rule: prepUnique }],
    PREP_CYCLIC: [{ in: 'freed', rule: useAfterFree }, { rule: prepUnique }],
    PREP_REPEAT: [{ in: 'freed', rule: useAfterFree }, { rule: prepUnique }],
    SUBMIT: gone(
      {
        in: { live: { life: 'aborted' } },
        rule: defineRule({
          id: 'descriptor.submit-after-terminate',
          rule: 'Terminate must not take a prepared, unsubmitted descriptor away from the client that is about to submit it.',
          source: cites(
            section('kernel-dmaengine-rules.md', '§1.8', '(virt-dma multi-user fix)'),
            kernelSource('drivers/dma/virt-dma.h', 'vchan_get_all_descriptors()'),
          ),
          side: 'framework',
          kind: 'safety',
        }),
      },
      {
        rule: defineRule({
          id: 'descriptor.submit-twice',
          rule: 'After dmaengine_submit the descriptor belongs to the DMA engine; the client must not submit it again.',
          source: section('client.rst', 'DMA usage: 4. Submit the transaction', 'note'),
          side: 'client',
          kind: 'safety',
        }),
      },
    ),
    ISSUE: gone({
      rule: defineRule({
        id: 'descriptor.issue-unsubmitted',
        rule: 'issue_pending moves only submitted descriptors (the pending queue) to the issued queue.',
        source: cites(C_ISSUE, kernelSource('drivers/dma/virt-dma.h', 'vchan_issue_pending()')),
        side: 'provider',
        kind: 'safety',
      }),
    }),
    START: gone({
      rule: defineRule({
        id: 'descriptor.start-unissued',
        rule: 'dmaengine_submit() will not start the DMA operation; the hardware runs only descriptors issued by dma_async_issue_pending.',
        source: cites(C_SUBMIT, P_ISSUE, section('kernel-dmaengine-rules.md', '§9', 'SUBMIT-NOSTART')),
        side: 'provider',
        kind: 'safety',
      }),
    }),
    PERIOD: gone({
      rule: defineRule({
        id: 'descriptor.period-not-running',
        rule: 'Only a running cyclic or repeated transfer reports an elapsed period.',
        source: cites(
          section('provider.rst', 'Supported transaction types: DMA_CYCLIC'),
          kernelSource('drivers/dma/virt-dma.h', 'vchan_cyclic_callback()'),
        ),
        side: 'provider',
        kind: 'safety',
      }),
    }),
    REPEAT: gone({
      rule: defineRule({
        id: 'descriptor.repeat-not-repeating',
        rule: 'Only a running DMA_PREP_REPEAT transfer is repeated at its end.',
        source: P_REPEAT,
        side: 'provider',
        kind: 'safety',
      }),
    }),
    COMPLETE: gone(
      ...lifeStates(
        ['completed', 'callbackPending', 'callback', 'done'],
        defineRule({
          id: 'descriptor.complete-twice',
          rule: 'A cookie is completed at most once (dma_cookie_complete BUG_ON).',
          source: cites(
            kernelSource('drivers/dma/dmaengine.h', 'dma_cookie_complete()'),
            section('kernel-dmaengine-rules.md', '§2'),
          ),
          side: 'provider',
          kind: 'safety',
        }),
      ),
      {
        rule: defineRule({
          id: 'descriptor.complete-not-done',
          rule: 'Only a started one-shot or repeated transfer whose hardware work finished is completed; a cyclic descriptor never reaches desc_completed.',
          source: cites(
            section('kernel-dmaengine-rules.md', '§1.3'),
            section('kernel-dmaengine-rules.md', '§9', 'COMPLETE-ONLY-WHEN-DONE'),
            section('kernel-dmaengine-rules.md', '§8', '#12 (at_hdmac)'),
          ),
          side: 'provider',
          kind: 'safety',
        }),
      },
    ),
    FETCH_CALLBACK: gone(
      { in: { live: { life: 'aborted' } }, rule: callbackForAborted },
      ...lifeStates(
        ['callbackPending', 'callback', 'done'],
        defineRule({
          id: 'descriptor.callback-twice',
          rule: 'The completion callback of a descriptor is fetched and invoked at most once.',
          source: cites(
            section('kernel-dmaengine-rules.md', '§8', '#16 (sf-pdma)'),
            section('kernel-dmaengine-rules.md', '§9', 'CB-AT-MOST-ONCE'),
          ),
          side: 'provider',
          kind: 'safety',
        }),
      ),
      ...[{ live: { period: 'fetched' } }, { live: { period: 'running' } }].map((where) => ({
        in: where,
        rule: defineRule({
          id: 'descriptor.period-callback-overlap',
          rule: 'The completion tasklet is serialized with itself: a period callback is fetched again only after the previous one returned.',
          source: cites(
            kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
            kernelSource('include/linux/interrupt.h', '"Tasklets"'),
          ),
          side: 'framework',
          kind: 'safety',
        }),
      })),
      {
        rule: defineRule({
          id: 'descriptor.callback-before-complete',
          rule: 'A callback is fetched only for a completed transfer, or for a running cyclic or repeated one.',
          source: cites(C_ISSUE, kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()')),
          side: 'provider',
          kind: 'safety',
        }),
      },
    ),
    CALLBACK_BEGIN: gone(
      { in: { live: { life: 'aborted' } }, rule: callbackForAborted },
      {
        rule: defineRule({
          id: 'descriptor.callback-unfetched',
          rule: 'The callback wrapper invokes a callback only after the tasklet fetched it, once per fetch.',
          source: kernelSource(
            'drivers/dma/dmaengine.h',
            'dmaengine_desc_get_callback(), dmaengine_desc_callback_invoke()',
          ),
          side: 'framework',
          kind: 'safety',
        }),
      },
    ),
    CALLBACK_END: gone({
      rule: defineRule({
        id: 'descriptor.callback-end-unbalanced',
        rule: 'A callback returns only after it was invoked.',
        source: kernelSource('drivers/dma/dmaengine.h', 'dmaengine_desc_callback_invoke()'),
        side: 'framework',
        kind: 'safety',
      }),
    }),
    TERMINATE: gone({
      rule: defineRule({
        id: 'descriptor.terminate-not-owned',
        rule: 'Terminate aborts only pending and ongoing transfers; a descriptor whose callback was fetched (or that is done) is not aborted.',
        source: cites(P_TERMINATE, section('kernel-dmaengine-rules.md', '§4', '"Callbacks in flight"')),
        side: 'provider',
        kind: 'safety',
      }),
    }),
    FREE: gone(
      ...lifeStates(
        ['submitted', 'issued', 'active', 'completed', 'callbackPending', 'callback'],
        defineRule({
          id: 'descriptor.free-in-flight',
          rule: 'A descriptor is not freed while it is in flight (submitted, issued, running, completed, or in its callback): use after free.',
          source: cites(
            section('client.rst', 'DMA usage: 4. Submit the transaction', 'note'),
            section('provider.rst', 'Per descriptor metadata support', 'note'),
            section('kernel-dmaengine-rules.md', '§1.2', 'vchan_tx_desc_free'),
            section('kernel-dmaengine-rules.md', '§9', 'NO-UAF'),
          ),
          side: 'provider',
          kind: 'safety',
        }),
      ),
      {
        rule: defineRule({
          id: 'descriptor.free-reusable',
          rule: 'A DMA_CTRL_REUSE descriptor should not be freed by the provider while the flag is set.',
          source: P_REUSE,
          side: 'provider',
          kind: 'safety',
        }),
      },
    ),
    RECYCLE: gone(
      {
        in: { live: { reuse: 'oneshot' } },
        rule: defineRule({
          id: 'descriptor.recycle-not-reusable',
          rule: 'Only a DMA_CTRL_REUSE descriptor goes back to desc_allocated; others are freed.',
          source: kernelSource('drivers/dma/virt-dma.h', 'vchan_vdesc_fini()'),
          side: 'framework',
          kind: 'safety',
        }),
      },
      {
        rule: defineRule({
          id: 'descriptor.recycle-in-flight',
          rule: 'A reusable descriptor is recycled only after its callback returned or after terminate.',
          source: cites(
            P_REUSE,
            section('kernel-dmaengine-rules.md', '§1.7'),
            section('kernel-dmaengine-rules.md', '§9', 'ACK-BEFORE-RECYCLE'),
          ),
          side: 'provider',
          kind: 'safety',
        }),
      },
    ),
    ACK: gone(),
    SET_REUSE: gone(),
    CLEAR_REUSE: gone(),
    // Metadata calls come from the client: on a freed descriptor it is the client that kept
    // using a pointer the engine owned, not a provider use-after-free.
    METADATA_CLIENT: [{ in: 'freed', rule: clientAfterSubmit }, ...gone({ rule: mixedMetadata })],
    METADATA_ENGINE: [
      { in: 'freed', rule: engineMetadataInvalid },
      ...gone({ in: { live: { metadata: 'client' } }, rule: mixedMetadata }, { rule: engineMetadataInvalid }),
    ],
  },
};
