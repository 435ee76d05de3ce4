import { assign, setup } from 'xstate';
import { defineRule } from '../src/rules/rule.js';
import { cites, kernelSource, section } from '../src/rules/sources.js';
import { type MachineSpec, rule } from './spec.js';

/**
 * The bookkeeping of one virt_dma_chan (drivers/dma/virt-dma.{c,h}): one region per
 * descriptor list, `empty` or `nonempty`, with the list lengths in context, and a region for
 * the vc->cyclic slot. A transition updates the counts with `assign`; its guards read the
 * counts before the update, so they choose the target for the count after it. Each region
 * assigns only its own count, except ISSUE, which the `issued` region moves over in one
 * assign (actions of parallel regions run one after the other, so a clear of `submitted`
 * by its own region could run before `issued` read it).
 */

export type VirtualChannelEvent =
  | { type: 'PREP' }
  | { type: 'SUBMIT' }
  | { type: 'ISSUE' }
  | { type: 'TAKE' }
  | { type: 'COMPLETE' }
  | { type: 'SPLICE' }
  | { type: 'TERMINATE_VDESC' }
  | { type: 'CYCLIC_SET' }
  | { type: 'CYCLIC_CLEAR' }
  | { type: 'GET_ALL' }
  | { type: 'GET_ALL_BUT_ALLOCATED' }
  | { type: 'SYNC_FREE' }
  | { type: 'DESC_FREE' }
  | { type: 'RECYCLE' };

export interface VirtualChannelCounts {
  allocated: number;
  submitted: number;
  issued: number;
  completed: number;
  terminated: number;
}

const GET_ALL = kernelSource('drivers/dma/virt-dma.h', 'vchan_get_all_descriptors()');
const GET_ALL_BUT = section(
  'kernel-dmaengine-rules.md',
  '§1.8',
  '(vchan_get_all_descriptors without desc_allocated)',
);

export const virtualChannelMachine = setup({
  types: {
    context: {} as VirtualChannelCounts,
    events: {} as VirtualChannelEvent,
  },
  guards: {
    hasAllocated: ({ context }) => context.allocated > 0,
    lastAllocated: ({ context }) => context.allocated === 1,
    hasSubmitted: ({ context }) => context.submitted > 0,
    lastIssued: ({ context }) => context.issued === 1,
  },
  actions: {
    allocatedAdd: assign({ allocated: ({ context }) => context.allocated + 1 }),
    allocatedRemove: assign({ allocated: ({ context }) => context.allocated - 1 }),
    allocatedClear: assign({ allocated: 0 }),
    submittedAdd: assign({ submitted: ({ context }) => context.submitted + 1 }),
    submittedClear: assign({ submitted: 0 }),
    moveSubmittedToIssued: assign({
      issued: ({ context }) => context.issued + context.submitted,
      submitted: 0,
    }),
    issuedRemove: assign({ issued: ({ context }) => context.issued - 1 }),
    issuedClear: assign({ issued: 0 }),
    completedAdd: assign({ completed: ({ context }) => context.completed + 1 }),
    completedClear: assign({ completed: 0 }),
    terminatedAdd: assign({ terminated: ({ context }) => context.terminated + 1 }),
    terminatedClear: assign({ terminated: 0 }),
  },
}).createMachine({
  id: 'virtualChannel',
  type: 'parallel',
  context: { allocated: 0, submitted: 0, issued: 0, completed: 0, terminated: 0 },
  ...rule(
    'A virt_dma_chan keeps each of its descriptors on one of five lists under vc.lock, or active in the driver, plus the cyclic slot.',
    cites(
      kernelSource('drivers/dma/virt-dma.h', 'struct virt_dma_chan'),
      section('kernel-dmaengine-rules.md', '§1.1'),
      section('kernel-dmaengine-rules.md', '§1.2'),
    ),
  ),
  states: {
    allocated: {
      initial: 'empty',
      ...rule(
        'desc_allocated: prepared, not yet submitted (or recycled for reuse).',
        section('kernel-dmaengine-rules.md', '§1.2', 'ALLOCATED'),
      ),
      states: {
        empty: {
          ...rule(
            'No prepared descriptor waits for submit.',
            kernelSource('drivers/dma/virt-dma.h', 'vchan_tx_prep()'),
          ),
          on: {
            PREP: {
              target: 'nonempty',
              actions: 'allocatedAdd',
              ...rule(
                'vchan_tx_prep adds the new descriptor to desc_allocated.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_tx_prep()'),
              ),
            },
            RECYCLE: {
              target: 'nonempty',
              actions: 'allocatedAdd',
              ...rule(
                'vchan_vdesc_fini puts a DMA_CTRL_REUSE descriptor back on desc_allocated.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_vdesc_fini()'),
              ),
            },
            GET_ALL: {
              ...rule('Taking an empty desc_allocated leaves it empty.', GET_ALL),
            },
          },
        },
        nonempty: {
          ...rule(
            'Prepared descriptors wait for submit.',
            kernelSource('drivers/dma/virt-dma.h', 'vchan_tx_prep()'),
          ),
          on: {
            PREP: {
              actions: 'allocatedAdd',
              ...rule(
                'vchan_tx_prep adds the new descriptor to desc_allocated.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_tx_prep()'),
              ),
            },
            RECYCLE: {
              actions: 'allocatedAdd',
              ...rule(
                'vchan_vdesc_fini puts a DMA_CTRL_REUSE descriptor back on desc_allocated.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_vdesc_fini()'),
              ),
            },
            SUBMIT: [
              {
                guard: 'lastAllocated',
                target: 'empty',
                actions: 'allocatedRemove',
                ...rule(
                  'vchan_tx_submit moves the last prepared descriptor off desc_allocated.',
                  kernelSource('drivers/dma/virt-dma.c', 'vchan_tx_submit()'),
                ),
              },
              {
                actions: 'allocatedRemove',
                ...rule(
                  'vchan_tx_submit moves one prepared descriptor off desc_allocated.',
                  kernelSource('drivers/dma/virt-dma.c', 'vchan_tx_submit()'),
                ),
              },
            ],
            DESC_FREE: [
              {
                guard: 'lastAllocated',
                target: 'empty',
                actions: 'allocatedRemove',
                ...rule(
                  'vchan_tx_desc_free (dmaengine_desc_free of an idle reusable descriptor) takes the last one off desc_allocated.',
                  kernelSource('drivers/dma/virt-dma.c', 'vchan_tx_desc_free()'),
                ),
              },
              {
                actions: 'allocatedRemove',
                ...rule(
                  'vchan_tx_desc_free takes an idle reusable descriptor off desc_allocated.',
                  kernelSource('drivers/dma/virt-dma.c', 'vchan_tx_desc_free()'),
                ),
              },
            ],
            GET_ALL: {
              target: 'empty',
              actions: 'allocatedClear',
              ...rule(
                'vchan_get_all_descriptors takes desc_allocated too (before the §1.8 change).',
                GET_ALL,
              ),
            },
          },
        },
      },
    },
    submitted: {
      initial: 'empty',
      ...rule(
        'desc_submitted: submitted with a cookie, not yet issued.',
        section('kernel-dmaengine-rules.md', '§1.2', 'SUBMITTED'),
      ),
      states: {
        empty: {
          ...rule(
            'Nothing submitted waits for issue_pending.',
            kernelSource('drivers/dma/virt-dma.c', 'vchan_tx_submit()'),
          ),
          on: {
            SUBMIT: {
              guard: 'hasAllocated',
              target: 'nonempty',
              actions: 'submittedAdd',
              ...rule(
                'vchan_tx_submit moves a descriptor from desc_allocated to desc_submitted.',
                kernelSource('drivers/dma/virt-dma.c', 'vchan_tx_submit()'),
              ),
            },
            ISSUE: {
              ...rule(
                'Issuing with nothing submitted moves nothing.',
                kernelSource('drivers/dma/virt-dma.c', 'vchan_issue_pending()'),
              ),
            },
            GET_ALL: {
              ...rule('Taking an empty desc_submitted leaves it empty.', GET_ALL),
            },
            GET_ALL_BUT_ALLOCATED: {
              ...rule('Taking an empty desc_submitted leaves it empty.', GET_ALL_BUT),
            },
          },
        },
        nonempty: {
          ...rule(
            'Submitted descriptors wait for issue_pending.',
            kernelSource('drivers/dma/virt-dma.c', 'vchan_tx_submit()'),
          ),
          on: {
            SUBMIT: {
              guard: 'hasAllocated',
              actions: 'submittedAdd',
              ...rule(
                'vchan_tx_submit moves a descriptor from desc_allocated to the tail of desc_submitted.',
                kernelSource('drivers/dma/virt-dma.c', 'vchan_tx_submit()'),
              ),
            },
            ISSUE: {
              // The count moves in the `issued` region's transition.
              target: 'empty',
              ...rule(
                'vchan_issue_pending splices all of desc_submitted onto desc_issued.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_issue_pending()'),
              ),
            },
            GET_ALL: {
              target: 'empty',
              actions: 'submittedClear',
              ...rule('vchan_get_all_descriptors takes desc_submitted.', GET_ALL),
            },
            GET_ALL_BUT_ALLOCATED: {
              target: 'empty',
              actions: 'submittedClear',
              ...rule('Terminate takes desc_submitted.', GET_ALL_BUT),
            },
          },
        },
      },
    },
    issued: {
      initial: 'empty',
      ...rule(
        'desc_issued: issued, waiting for the driver to start them.',
        section('kernel-dmaengine-rules.md', '§1.2', 'ISSUED'),
      ),
      states: {
        empty: {
          ...rule(
            'Nothing issued waits to be started.',
            kernelSource('drivers/dma/virt-dma.h', 'vchan_issue_pending()'),
          ),
          on: {
            ISSUE: [
              {
                guard: 'hasSubmitted',
                target: 'nonempty',
                actions: 'moveSubmittedToIssued',
                ...rule(
                  'vchan_issue_pending moves desc_submitted onto desc_issued.',
                  kernelSource('drivers/dma/virt-dma.h', 'vchan_issue_pending()'),
                ),
              },
              {
                ...rule(
                  'With nothing submitted, vchan_issue_pending leaves desc_issued empty.',
                  kernelSource('drivers/dma/virt-dma.h', 'vchan_issue_pending()'),
                ),
              },
            ],
            GET_ALL: {
              ...rule('Taking an empty desc_issued leaves it empty.', GET_ALL),
            },
            GET_ALL_BUT_ALLOCATED: {
              ...rule('Taking an empty desc_issued leaves it empty.', GET_ALL_BUT),
            },
          },
        },
        nonempty: {
          ...rule(
            'Issued descriptors wait for the driver; vchan_next_desc peeks the first.',
            kernelSource('drivers/dma/virt-dma.h', 'vchan_next_desc()'),
          ),
          on: {
            ISSUE: {
              actions: 'moveSubmittedToIssued',
              ...rule(
                'vchan_issue_pending appends desc_submitted to the tail of desc_issued.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_issue_pending()'),
              ),
            },
            TAKE: [
              {
                guard: 'lastIssued',
                target: 'empty',
                actions: 'issuedRemove',
                ...rule(
                  'The driver takes the last issued descriptor off desc_issued to start it (it is then active).',
                  section('kernel-dmaengine-rules.md', '§1.2', 'ACTIVE'),
                ),
              },
              {
                actions: 'issuedRemove',
                ...rule(
                  'The driver takes the first issued descriptor off desc_issued to start it.',
                  section('kernel-dmaengine-rules.md', '§1.2', 'ACTIVE'),
                ),
              },
            ],
            GET_ALL: {
              target: 'empty',
              actions: 'issuedClear',
              ...rule('vchan_get_all_descriptors takes desc_issued.', GET_ALL),
            },
            GET_ALL_BUT_ALLOCATED: {
              target: 'empty',
              actions: 'issuedClear',
              ...rule('Terminate takes desc_issued.', GET_ALL_BUT),
            },
          },
        },
      },
    },
    completed: {
      initial: 'empty',
      ...rule(
        'desc_completed: completed, waiting for the tasklet to run their callbacks.',
        section('kernel-dmaengine-rules.md', '§1.2', 'COMPLETED'),
      ),
      states: {
        empty: {
          ...rule(
            'No completed descriptor waits for the tasklet.',
            kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
          ),
          on: {
            COMPLETE: {
              target: 'nonempty',
              actions: 'completedAdd',
              ...rule(
                'vchan_cookie_complete completes the cookie, adds the descriptor to desc_completed and schedules the tasklet.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_cookie_complete()'),
              ),
            },
            SPLICE: {
              ...rule(
                'A tasklet run with only a cyclic callback splices an empty list.',
                kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
              ),
            },
            GET_ALL: {
              ...rule('Taking an empty desc_completed leaves it empty.', GET_ALL),
            },
            GET_ALL_BUT_ALLOCATED: {
              ...rule('Taking an empty desc_completed leaves it empty.', GET_ALL_BUT),
            },
          },
        },
        nonempty: {
          ...rule(
            'Completed descriptors wait for the tasklet.',
            kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
          ),
          on: {
            COMPLETE: {
              actions: 'completedAdd',
              ...rule(
                'vchan_cookie_complete appends to desc_completed.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_cookie_complete()'),
              ),
            },
            SPLICE: {
              target: 'empty',
              actions: 'completedClear',
              ...rule(
                'The tasklet splices desc_completed onto its private list under the lock.',
                kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
              ),
            },
            GET_ALL: {
              target: 'empty',
              actions: 'completedClear',
              ...rule(
                'vchan_get_all_descriptors takes desc_completed: those descriptors are freed without a callback.',
                cites(GET_ALL, section('kernel-dmaengine-rules.md', '§4', '"Callbacks in flight"')),
              ),
            },
            GET_ALL_BUT_ALLOCATED: {
              target: 'empty',
              actions: 'completedClear',
              ...rule('Terminate takes desc_completed.', GET_ALL_BUT),
            },
          },
        },
      },
    },
    terminated: {
      initial: 'empty',
      ...rule(
        'desc_terminated: active descriptors parked by terminate until synchronize frees them.',
        cites(
          section('kernel-dmaengine-rules.md', '§1.2', 'TERMINATED'),
          section('kernel-dmaengine-rules.md', '§1.6'),
        ),
      ),
      states: {
        empty: {
          ...rule(
            'No terminated descriptor waits for synchronize.',
            kernelSource('drivers/dma/virt-dma.h', 'vchan_synchronize()'),
          ),
          on: {
            TERMINATE_VDESC: {
              target: 'nonempty',
              actions: 'terminatedAdd',
              ...rule(
                'vchan_terminate_vdesc parks the active descriptor on desc_terminated.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_terminate_vdesc()'),
              ),
            },
            SYNC_FREE: {
              ...rule(
                'vchan_synchronize with nothing terminated frees nothing.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_synchronize()'),
              ),
            },
            GET_ALL: {
              ...rule('Taking an empty desc_terminated leaves it empty.', GET_ALL),
            },
            GET_ALL_BUT_ALLOCATED: {
              ...rule('Taking an empty desc_terminated leaves it empty.', GET_ALL_BUT),
            },
          },
        },
        nonempty: {
          ...rule(
            'Terminated descriptors wait to be freed.',
            kernelSource('drivers/dma/virt-dma.h', 'vchan_synchronize()'),
          ),
          on: {
            TERMINATE_VDESC: {
              actions: 'terminatedAdd',
              ...rule(
                'A second terminate before synchronize adds to desc_terminated (it was a single slot before 2019).',
                cites(
                  kernelSource('drivers/dma/virt-dma.h', 'vchan_terminate_vdesc()'),
                  section('kernel-dmaengine-rules.md', '§1.6'),
                ),
              ),
            },
            SYNC_FREE: {
              target: 'empty',
              actions: 'terminatedClear',
              ...rule(
                'vchan_synchronize kills the tasklet, then frees desc_terminated outside the lock.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_synchronize()'),
              ),
            },
            GET_ALL: {
              target: 'empty',
              actions: 'terminatedClear',
              ...rule(
                'vchan_get_all_descriptors takes desc_terminated too.',
                cites(GET_ALL, section('kernel-dmaengine-rules.md', '§1.6')),
              ),
            },
            GET_ALL_BUT_ALLOCATED: {
              target: 'empty',
              actions: 'terminatedClear',
              ...rule('Terminate takes desc_terminated.', GET_ALL_BUT),
            },
          },
        },
      },
    },
    cyclic: {
      initial: 'empty',
      ...rule(
        'vc->cyclic: the cyclic descriptor whose period callback is pending.',
        cites(section('kernel-dmaengine-rules.md', '§1.1'), section('kernel-dmaengine-rules.md', '§1.3')),
      ),
      states: {
        empty: {
          ...rule('No period callback pending.', kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()')),
          on: {
            CYCLIC_SET: {
              target: 'set',
              ...rule(
                'vchan_cyclic_callback records the descriptor in vc->cyclic and schedules the tasklet.',
                kernelSource('drivers/dma/virt-dma.h', 'vchan_cyclic_callback()'),
              ),
            },
          },
        },
        set: {
          ...rule(
            'A period callback is pending.',
            kernelSource('drivers/dma/virt-dma.h', 'vchan_cyclic_callback()'),
          ),
          on: {
            CYCLIC_SET: {
              ...rule(
                'Periods that elapse before the tasklet runs coalesce into one callback.',
                section('kernel-dmaengine-rules.md', '§1.3', '"Cyclic coalescing"'),
              ),
            },
            CYCLIC_CLEAR: {
              target: 'empty',
              ...rule(
                'The tasklet takes vc->cyclic with its callback, or vchan_terminate_vdesc clears it for the descriptor it parks.',
                cites(
                  kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
                  kernelSource('drivers/dma/virt-dma.h', 'vchan_terminate_vdesc()'),
                ),
              ),
            },
          },
        },
      },
    },
  },
});

// Every list operation but the four below is accepted in every state; this is the rule a
// rejection of one of them would break.
const listIntegrity = defineRule({
  id: 'virtualChannel.list-integrity',
  rule: 'Each virt-dma descriptor is on exactly one list (or active, or freed) and no list holds fewer than zero descriptors.',
  source: section('kernel-dmaengine-rules.md', '§9', 'ONE-LIST'),
  side: 'framework',
  kind: 'safety',
});

export const virtualChannelSpec: MachineSpec<typeof virtualChannelMachine> = {
  name: 'virtualChannel',
  machine: virtualChannelMachine,
  rejections: {
    PREP: listIntegrity,
    SUBMIT: defineRule({
      id: 'virtualChannel.submit-unallocated',
      rule: 'vchan_tx_submit moves a descriptor from desc_allocated, so one must be there (submitted twice, or freed by terminate first).',
      source: cites(
        kernelSource('drivers/dma/virt-dma.c', 'vchan_tx_submit()'),
        section('kernel-dmaengine-rules.md', '§1.8'),
      ),
      side: 'provider',
      kind: 'safety',
    }),
    ISSUE: listIntegrity,
    TAKE: defineRule({
      id: 'virtualChannel.take-empty',
      rule: 'The driver starts a descriptor only when vchan_next_desc found one on desc_issued.',
      source: cites(
        kernelSource('drivers/dma/virt-dma.h', 'vchan_next_desc()'),
        section('kernel-dmaengine-rules.md', '§1.2', 'ACTIVE'),
      ),
      side: 'provider',
      kind: 'safety',
    }),
    COMPLETE: listIntegrity,
    SPLICE: listIntegrity,
    TERMINATE_VDESC: listIntegrity,
    CYCLIC_SET: listIntegrity,
    CYCLIC_CLEAR: defineRule({
      id: 'virtualChannel.cyclic-clear-empty',
      rule: 'vc->cyclic is taken or cleared only while it holds a descriptor.',
      source: cites(
        kernelSource('drivers/dma/virt-dma.c', 'vchan_complete()'),
        kernelSource('drivers/dma/virt-dma.h', 'vchan_terminate_vdesc()'),
      ),
      side: 'framework',
      kind: 'safety',
    }),
    GET_ALL: listIntegrity,
    GET_ALL_BUT_ALLOCATED: listIntegrity,
    SYNC_FREE: listIntegrity,
    DESC_FREE: defineRule({
      id: 'virtualChannel.desc-free-unallocated',
      rule: 'vchan_tx_desc_free takes an idle descriptor off desc_allocated, so one must be there (not one in flight).',
      source: cites(
        kernelSource('drivers/dma/virt-dma.c', 'vchan_tx_desc_free()'),
        section('kernel-dmaengine-rules.md', '§1.2'),
      ),
      side: 'provider',
      kind: 'safety',
    }),
    RECYCLE: listIntegrity,
  },
};
