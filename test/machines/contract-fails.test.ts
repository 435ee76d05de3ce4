import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { MachineSpec } from '../../machines/spec.js';
import { rule } from '../../machines/spec.js';
import { defineRule } from '../../src/rules/rule.js';
import { projectSource, type Source } from '../../src/rules/sources.js';
import {
  annotationProblems,
  exploreChart,
  monitorProblems,
  reachabilityProblems,
  rejectionProblems,
} from './contract.js';

/**
 * The contract can fail: each check finds what is wrong with a deliberately broken chart, so
 * a spec that passes the suite passes it for a reason.
 */

const SRC = projectSource('test/machines/contract-fails.test.ts', 'a broken chart');
/** No source at all: the types forbid it, a broken spec gets there anyway. */
const NO_SOURCE = '' as Source;

/** idle -GO-> busy -STOP-> idle, with an orphan state; GO's transition has no source. */
const broken = setup({
  types: { events: {} as { type: 'GO' } | { type: 'STOP' } | { type: 'WAKE' } },
}).createMachine({
  id: 'broken',
  initial: 'idle',
  ...rule('A broken chart.', SRC),
  states: {
    idle: { ...rule('Idle.', SRC), on: { GO: { target: 'busy', description: 'Go, with no source.' } } },
    busy: { ...rule('Busy.', SRC), on: { STOP: { target: 'idle', ...rule('Stop.', SRC) } } },
    orphan: { ...rule('Never entered.', SRC), on: { WAKE: { target: 'idle', ...rule('Wake.', SRC) } } },
  },
});

const brokenSpec: MachineSpec = {
  name: 'broken',
  machine: broken,
  rejections: {
    // GO refused while busy: named, but in another machine's namespace and with no source.
    GO: defineRule({
      id: 'other.go-twice',
      rule: 'Go once.',
      source: NO_SOURCE,
      side: 'client',
      kind: 'safety',
    }),
    // STOP refused while idle: no rule at all. FLY: an event of no transition.
    FLY: defineRule({ id: 'broken.fly', rule: 'No flying.', source: SRC, side: 'client', kind: 'safety' }),
  },
};

describe('the machine contract on a broken chart', () => {
  it('finds the transition without a source', () => {
    expect(annotationProblems(brokenSpec)).toEqual(['transition broken.idle GO has no rule or no source']);
  });

  it('finds the rejection without a rule, the rule outside its namespace and without source, the unknown event', () => {
    expect(rejectionProblems(brokenSpec, exploreChart(broken)).sort()).toEqual(
      [
        'a rejection names FLY, an event of no transition',
        'GO in busy: rule other.go-twice is not in broken.*',
        'GO in busy: rule other.go-twice has no source',
        'STOP in idle is refused without a named rule',
        'WAKE in idle is refused without a named rule',
        'WAKE in busy is refused without a named rule',
      ].sort(),
    );
  });

  it('finds the state no event reaches and the transition out of it', () => {
    expect(reachabilityProblems(brokenSpec, exploreChart(broken))).toEqual([
      'state broken.orphan is never reached',
      'transition broken.orphan WAKE#0 is never taken',
    ]);
  });

  it('finds a monitor that parts from the actor: an impure assign (the monitor steps the machine, the actor steps it again)', () => {
    let calls = 0;
    const impure = setup({
      types: { context: {} as { n: number }, events: {} as { type: 'TICK' } },
    }).createMachine({
      id: 'impure',
      context: { n: 0 },
      ...rule('Counts calls, not ticks.', SRC),
      on: { TICK: { actions: assign({ n: () => ++calls }), ...rule('Tick.', SRC) } },
    });
    const spec: MachineSpec = { name: 'impure', machine: impure, rejections: {} };
    expect(monitorProblems(spec, ['TICK'])).toEqual([
      'step 0 (TICK in ): monitor context {"n":1}, actor\'s {"n":2}',
    ]);
  });

  it('finds nothing where the broken chart is right: its monitor agrees with its actor', () => {
    expect(monitorProblems(brokenSpec, ['GO', 'GO', 'STOP', 'STOP', { accepted: 0 }])).toEqual([]);
  });
});
