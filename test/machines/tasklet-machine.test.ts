import { describe, expect, it } from 'vitest';
import { type TaskletEvent, taskletSpec } from '../../machines/tasklet.js';
import { Monitor } from '../../src/kernel/monitor.js';
import { World } from '../../src/kernel/world.js';

function monitorAfter(events: TaskletEvent['type'][]) {
  const world = new World({ trace: 'full' });
  const m = new Monitor(world, taskletSpec, 'tl');
  for (const type of events) m.observe({ type } as TaskletEvent);
  return { world, m };
}

describe('tasklet statechart', () => {
  it.each([
    [[], 'run.idle|enable.enabled'],
    [['SCHEDULE'], 'run.scheduled|enable.enabled'],
    [['SCHEDULE', 'SCHEDULE'], 'run.scheduled|enable.enabled'],
    [['SCHEDULE', 'RUN_BEGIN'], 'run.running.once|enable.enabled'],
    [['SCHEDULE', 'RUN_BEGIN', 'SCHEDULE'], 'run.running.rescheduled|enable.enabled'],
    [['SCHEDULE', 'RUN_BEGIN', 'SCHEDULE', 'SCHEDULE'], 'run.running.rescheduled|enable.enabled'],
    [['SCHEDULE', 'RUN_BEGIN', 'SCHEDULE', 'RUN_END'], 'run.scheduled|enable.enabled'],
    [['SCHEDULE', 'RUN_BEGIN', 'RUN_END'], 'run.idle|enable.enabled'],
    [['KILL'], 'run.killed|enable.enabled'],
    [['KILL', 'KILL'], 'run.killed|enable.enabled'],
    [['KILL', 'SCHEDULE'], 'run.scheduled|enable.enabled'],
    [['DISABLE'], 'run.idle|enable.disabled'],
    [['DISABLE', 'DISABLE', 'ENABLE'], 'run.idle|enable.disabled'],
    [['DISABLE', 'DISABLE', 'ENABLE', 'ENABLE'], 'run.idle|enable.enabled'],
  ] as [TaskletEvent['type'][], string][])('accepts %j and ends in %s', (events, state) => {
    const { world, m } = monitorAfter(events);
    expect(world.violations).toEqual([]);
    expect(m.state).toBe(state);
  });

  it.each([
    [['RUN_BEGIN'], 'tasklet.run-unscheduled'],
    [['DISABLE', 'SCHEDULE', 'RUN_BEGIN'], 'tasklet.run-unscheduled'],
    [['SCHEDULE', 'RUN_BEGIN', 'RUN_BEGIN'], 'tasklet.run-unscheduled'],
    [['RUN_END'], 'tasklet.run-end-unbalanced'],
    [['SCHEDULE', 'KILL'], 'tasklet.kill-while-active'],
    [['SCHEDULE', 'RUN_BEGIN', 'KILL'], 'tasklet.kill-while-active'],
    [['ENABLE'], 'tasklet.unbalanced-enable'],
    [['DISABLE', 'ENABLE', 'ENABLE'], 'tasklet.unbalanced-enable'],
  ] as [TaskletEvent['type'][], string][])('rejects the last of %j with %s', (events, id) => {
    const world = new World({ stopOnViolation: false });
    const m = new Monitor(world, taskletSpec, 'tl');
    const before: string[] = [];
    events.forEach((type, i) => {
      if (i === events.length - 1) before.push(m.state);
      m.observe({ type } as TaskletEvent);
    });
    expect(world.violations.map((v) => v.rule.id)).toEqual([id]);
    // A rejected observation leaves the state unchanged.
    expect(m.state).toBe(before[0]);
    expect(world.violations[0]!.rule.source).toMatch(/softirq|interrupt\.h/);
  });
});
