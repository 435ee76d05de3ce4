import { describe, expect, it } from 'vitest';
import { taskletSpec } from '../../machines/tasklet.js';
import { Monitor } from '../../src/kernel/monitor.js';
import { World } from '../../src/kernel/world.js';

describe('Monitor', () => {
  // Agreement with a live xstate actor is part of the machine contract (test/machines/contract.ts), for every chart.

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
