import { assign, setup } from 'xstate';
import { defineRule } from '../src/rules/rule.js';
import { cites, kernelSource } from '../src/rules/sources.js';
import { type MachineSpec, rule } from './spec.js';

/**
 * The tasklet lifecycle of kernel/softirq.c and include/linux/interrupt.h, as a monitor.
 * The `run` region follows TASKLET_STATE_SCHED and TASKLET_STATE_RUN; `enable` follows the
 * disable count. A tasklet task is runnable exactly when this chart is in
 * `run.scheduled` with `enable.enabled`.
 */

const INTERRUPT_H = kernelSource('include/linux/interrupt.h', '"Tasklets" comment');
const SOFTIRQ_C = kernelSource('kernel/softirq.c');

export type TaskletEvent =
  | { type: 'SCHEDULE' }
  | { type: 'RUN_BEGIN' }
  | { type: 'RUN_END' }
  | { type: 'KILL' }
  | { type: 'DISABLE' }
  | { type: 'ENABLE' };

export const taskletMachine = setup({
  types: {
    context: {} as { disableCount: number },
    events: {} as TaskletEvent,
  },
  guards: {
    isEnabled: ({ context }) => context.disableCount === 0,
    isLastDisable: ({ context }) => context.disableCount === 1,
  },
  actions: {
    countDisable: assign({ disableCount: ({ context }) => context.disableCount + 1 }),
    countEnable: assign({ disableCount: ({ context }) => context.disableCount - 1 }),
  },
}).createMachine({
  id: 'tasklet',
  type: 'parallel',
  context: { disableCount: 0 },
  ...rule('A tasklet is a deferred function run in softirq context, serialized with itself.', INTERRUPT_H),
  states: {
    run: {
      initial: 'idle',
      ...rule(
        'TASKLET_STATE_SCHED and TASKLET_STATE_RUN: whether the tasklet is queued and whether it runs.',
        SOFTIRQ_C,
      ),
      states: {
        idle: {
          ...rule('Neither scheduled nor running.', SOFTIRQ_C),
          on: {
            SCHEDULE: {
              target: 'scheduled',
              ...rule(
                'tasklet_schedule sets TASKLET_STATE_SCHED and queues the tasklet.',
                kernelSource('kernel/softirq.c', 'tasklet_schedule()'),
              ),
            },
            KILL: {
              target: 'killed',
              ...rule(
                'tasklet_kill returns once the tasklet is neither scheduled nor running.',
                kernelSource('kernel/softirq.c', 'tasklet_kill()'),
              ),
            },
          },
        },
        scheduled: {
          ...rule('Queued to run (TASKLET_STATE_SCHED set); it runs at least once after this.', INTERRUPT_H),
          on: {
            SCHEDULE: {
              ...rule(
                'Scheduling a tasklet already scheduled coalesces: it still runs once.',
                kernelSource('kernel/softirq.c', 'tasklet_schedule()'),
              ),
            },
            RUN_BEGIN: {
              guard: 'isEnabled',
              target: 'running',
              ...rule(
                'The softirq runs an enabled scheduled tasklet, clearing TASKLET_STATE_SCHED first; a disabled one stays queued.',
                kernelSource('kernel/softirq.c', 'tasklet_action_common()'),
              ),
            },
          },
        },
        running: {
          initial: 'once',
          ...rule('Running (TASKLET_STATE_RUN set); never on two CPUs at once.', INTERRUPT_H),
          states: {
            once: {
              ...rule('Running, not scheduled again.', SOFTIRQ_C),
              on: {
                SCHEDULE: {
                  target: 'rescheduled',
                  ...rule('Scheduling a running tasklet queues it to run again after this run.', INTERRUPT_H),
                },
                RUN_END: {
                  target: '#tasklet.run.idle',
                  ...rule(
                    'The run ends and TASKLET_STATE_RUN clears.',
                    kernelSource('kernel/softirq.c', 'tasklet_unlock()'),
                  ),
                },
              },
            },
            rescheduled: {
              ...rule('Running and scheduled again: it runs once more after this run.', INTERRUPT_H),
              on: {
                SCHEDULE: {
                  ...rule(
                    'Coalesces with the pending schedule.',
                    kernelSource('kernel/softirq.c', 'tasklet_schedule()'),
                  ),
                },
                RUN_END: {
                  target: '#tasklet.run.scheduled',
                  ...rule('The run ends with the tasklet queued again.', SOFTIRQ_C),
                },
              },
            },
          },
        },
        killed: {
          ...rule(
            'tasklet_kill returned: not scheduled, not running. A later tasklet_schedule queues it again.',
            kernelSource('kernel/softirq.c', 'tasklet_kill()'),
          ),
          on: {
            SCHEDULE: {
              target: 'scheduled',
              ...rule(
                'A killed tasklet may be scheduled again (kill does not disable it).',
                kernelSource('kernel/softirq.c', 'tasklet_kill()'),
              ),
            },
            KILL: {
              ...rule(
                'Killing a killed tasklet returns at once.',
                kernelSource('kernel/softirq.c', 'tasklet_kill()'),
              ),
            },
          },
        },
      },
    },
    enable: {
      initial: 'enabled',
      ...rule('The disable count: a disabled tasklet may be scheduled but does not run.', INTERRUPT_H),
      states: {
        enabled: {
          ...rule('Disable count zero: a scheduled tasklet may run.', INTERRUPT_H),
          on: {
            DISABLE: {
              target: 'disabled',
              actions: 'countDisable',
              ...rule(
                'tasklet_disable raises the count and waits for a running instance to finish.',
                INTERRUPT_H,
              ),
            },
          },
        },
        disabled: {
          ...rule('Disable count above zero: the tasklet does not run.', INTERRUPT_H),
          on: {
            DISABLE: {
              actions: 'countDisable',
              ...rule('Disables nest.', INTERRUPT_H),
            },
            ENABLE: [
              {
                guard: 'isLastDisable',
                target: 'enabled',
                actions: 'countEnable',
                ...rule('The last tasklet_enable lets a scheduled tasklet run.', INTERRUPT_H),
              },
              {
                actions: 'countEnable',
                ...rule('tasklet_enable undoes one tasklet_disable.', INTERRUPT_H),
              },
            ],
          },
        },
      },
    },
  },
});

export const taskletSpec: MachineSpec<typeof taskletMachine> = {
  name: 'tasklet',
  machine: taskletMachine,
  rejections: {
    RUN_BEGIN: defineRule({
      id: 'tasklet.run-unscheduled',
      rule: 'A tasklet runs only after tasklet_schedule, only while enabled, and never concurrently with itself.',
      source: cites(INTERRUPT_H, kernelSource('kernel/softirq.c', 'tasklet_action_common()')),
      side: 'kernel',
      kind: 'safety',
    }),
    RUN_END: defineRule({
      id: 'tasklet.run-end-unbalanced',
      rule: 'A tasklet run ends only after it began.',
      source: kernelSource('kernel/softirq.c', 'tasklet_action_common()'),
      side: 'kernel',
      kind: 'safety',
    }),
    KILL: defineRule({
      id: 'tasklet.kill-while-active',
      rule: 'tasklet_kill completes only when the tasklet is neither scheduled nor running.',
      source: kernelSource('kernel/softirq.c', 'tasklet_kill()'),
      side: 'kernel',
      kind: 'safety',
    }),
    ENABLE: defineRule({
      id: 'tasklet.unbalanced-enable',
      rule: 'tasklet_enable balances an earlier tasklet_disable.',
      source: INTERRUPT_H,
      side: 'kernel',
      kind: 'safety',
    }),
  },
};
