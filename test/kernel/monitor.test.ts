import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { type TaskletEvent, taskletSpec } from '../../machines/tasklet.js';
import { Monitor, stateString } from '../../src/kernel/monitor.js';
import { World } from '../../src/kernel/world.js';

const eventArb = fc.constantFrom<TaskletEvent>(
  { type: 'SCHEDULE' },
  { type: 'RUN_BEGIN' },
  { type: 'RUN_END' },
  { type: 'KILL' },
  { type: 'DISABLE' },
  { type: 'ENABLE' },
);

describe('Monitor', () => {
  it('accepts, rejects and moves exactly as a live xstate actor of the same machine does', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        const world = new World({ stopOnViolation: false });
        const monitor = new Monitor(world, taskletSpec, 'tl');
        const actor = createActor(taskletSpec.machine);
        actor.start();
        let rejected = 0;
        for (const event of events) {
          // Accepted means an enabled transition exists. (xstate's `can()` differs: it calls a
          // targetless, actionless transition, like the chart's "schedule coalesces", not
          // accepted, but for a monitor that transition is the rule saying the event is fine.)
          const accepted = taskletSpec.machine.getTransitionData(actor.getSnapshot(), event).length > 0;
          if (accepted) actor.send(event);
          else rejected++;
          expect(monitor.observe(event)).toBe(accepted);
          const ref = actor.getSnapshot();
          expect(monitor.state).toBe(stateString(ref.value));
          expect(monitor.snapshot.context).toEqual(ref.context);
        }
        expect(world.violations).toHaveLength(rejected);
        actor.stop();
      }),
      { numRuns: 300 },
    );
  });

  it('shares interned snapshots across worlds: the same state is the same object', () => {
    const a = new Monitor(new World(), taskletSpec, 'a');
    const b = new Monitor(new World(), taskletSpec, 'b');
    for (const type of ['SCHEDULE', 'RUN_BEGIN', 'RUN_END', 'SCHEDULE'] as const) a.observe({ type });
    b.observe({ type: 'SCHEDULE' });
    expect(a.state).toBe('run.scheduled|enable.enabled');
    expect(a.snapshot).toBe(b.snapshot);
  });

  it('names the rejected event, the state and the rule in the violation', () => {
    const world = new World({ trace: 'full' });
    const m = new Monitor(world, taskletSpec, 'dev.tasklet');
    m.observe({ type: 'ENABLE' }, 'from a test');
    const [v] = world.violations;
    expect(v!.rule.id).toBe('tasklet.unbalanced-enable');
    expect(v!.detail).toBe('dev.tasklet in run.idle|enable.enabled does not accept ENABLE: from a test');
    expect(v!.actor).toBe('dev.tasklet');
    expect(world.trace.render()).toContain('VIOLATION');
  });
});
