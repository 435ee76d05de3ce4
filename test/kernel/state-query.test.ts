import { describe, expect, it } from 'vitest';
import { channelMachine } from '../../machines/channel.js';
import { type TaskletEvent, taskletMachine, taskletSpec } from '../../machines/tasklet.js';
import { Monitor } from '../../src/kernel/monitor.js';
import { stateQuery } from '../../src/kernel/state-query.js';
import { World } from '../../src/kernel/world.js';

describe('stateQuery', () => {
  it('refuses a path the machine does not have, naming the missing step', () => {
    expect(() => stateQuery(taskletMachine, 'run.schedueld')).toThrow(/no state run\.schedueld.*'schedueld'/);
    expect(() => stateQuery(taskletMachine, 'nowhere')).toThrow(/no state nowhere/);
  });

  it('answers as matches does, in every state a walk reaches, asked again from the cache', () => {
    const paths = [
      'run.idle',
      'run.scheduled',
      'run.running',
      'run.killed',
      'enable.enabled',
      'enable.disabled',
    ];
    const queries = paths.map((p) => stateQuery(taskletMachine, p));
    const m = new Monitor(new World(), taskletSpec, 'tl');
    const walk: TaskletEvent['type'][] = [
      'SCHEDULE',
      'DISABLE',
      'RUN_BEGIN',
      'RUN_END',
      'ENABLE',
      'RUN_BEGIN',
      'RUN_END',
      'KILL',
    ];
    const seen = new Set<string>();
    for (const type of [null, ...walk]) {
      if (type !== null) m.observe({ type });
      seen.add(m.state);
      for (let twice = 0; twice < 2; twice++) {
        expect(queries.map((q) => m.is(q))).toEqual(paths.map((p) => m.matches(p)));
      }
    }
    // The walk visits several states, so an answer kept from the wrong state would show.
    expect(seen.size).toBeGreaterThan(3);
    expect(paths.some((p) => m.matches(p))).toBe(true);
  });

  it('is refused by a monitor of another machine', () => {
    const m = new Monitor(new World(), taskletSpec, 'tl');
    const other = stateQuery(channelMachine, 'allocated.activity.busy');
    expect(() => m.is(other as never)).toThrow(/tl is asked allocated\.activity\.busy of machine/);
  });
});
