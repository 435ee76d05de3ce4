import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/exhaustive.js';
import { traceEmit } from '../../src/kernel/checker.js';
import { replayStrategy } from '../../src/kernel/strategies/replay.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import { bruteForce, type Op, type Program, tinyProgram } from './tiny.js';

const world = { stopOnViolation: false };
const unbounded = { maxSchedules: 1_000_000 };

const PROGRAMS: Record<string, Program> = {
  independent: [
    [
      { op: 'inc', v: 'x' },
      { op: 'inc', v: 'x' },
    ],
    [
      { op: 'inc', v: 'y' },
      { op: 'inc', v: 'y' },
    ],
    [{ op: 'locked', v: 'p' }],
  ],
  lostUpdate: [
    [{ op: 'rmw', v: 'x' }],
    [
      { op: 'rmw', v: 'x' },
      { op: 'check', v: 'x', bad: 1 },
    ],
  ],
  lockAndCompletion: [
    [{ op: 'locked', v: 'p' }, { op: 'complete' }],
    [{ op: 'wait' }, { op: 'locked', v: 'p' }],
    [{ op: 'locked', v: 'q' }],
  ],
  deadlockSometimes: [
    [{ op: 'wait' }, { op: 'inc', v: 'x' }],
    [{ op: 'check', v: 'x', bad: 0 }, { op: 'wait' }],
    [{ op: 'complete' }],
  ],
  values: [
    [
      { op: 'pick', v: 'x' },
      { op: 'inc', v: 'y' },
    ],
    [
      { op: 'pick', v: 'y' },
      { op: 'check', v: 'x', bad: 1 },
    ],
  ],
};

const v = fc.constantFrom<'x' | 'y'>('x', 'y');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('inc' as const), v }),
  fc.record({ op: fc.constant('rmw' as const), v }),
  fc.record({ op: fc.constant('pick' as const), v }),
  fc.record({ op: fc.constant('locked' as const), v: fc.constantFrom<'p' | 'q'>('p', 'q') }),
  fc.record({ op: fc.constant('check' as const), v, bad: fc.integer({ min: 0, max: 2 }) }),
  fc.constant({ op: 'complete' as const }),
  fc.constant({ op: 'wait' as const }),
);
const programArb: fc.Arbitrary<Program> = fc
  .array(fc.array(opArb, { minLength: 1, maxLength: 2 }), { minLength: 2, maxLength: 3 })
  .filter((threads) => threads.reduce((n, ops) => n + ops.length, 0) <= 4);

describe('exhaustive search against brute force', () => {
  it('walks exactly the brute-force tree without reduction', () => {
    for (const [name, program] of Object.entries(PROGRAMS)) {
      const build = tinyProgram(program);
      const brute = bruteForce(build, world);
      const report = explore({ build, reduction: 'none', world, bounds: unbounded });
      expect(report.schedules, name).toBe(brute.runs);
      expect(report.distinctTraces, name).toBe(brute.traces.size);
      expect(report.distinctStates, name).toBe(brute.states.size);
      expect(report.sleepBlocked, name).toBe(0);
      expect(report.complete, name).toBe(true);
    }
  });

  it.each(['announced', 'traced'] as const)(
    'with sleep sets (%s) finds every final state and violation of the fixed programs',
    (independence) => {
      for (const [name, program] of Object.entries(PROGRAMS)) sameAsBruteForce(program, independence, name);
    },
  );

  it.each(['announced', 'traced'] as const)(
    'with sleep sets (%s) finds every final state and violation of random tiny programs',
    (independence) => {
      fc.assert(
        fc.property(programArb, (program) =>
          sameAsBruteForce(program, independence, JSON.stringify(program)),
        ),
        {
          seed: Number(process.env.DMACTOR_PROPERTY_SEED ?? 4),
          numRuns: Number(process.env.DMACTOR_PROPERTY_RUNS ?? 60),
        },
      );
    },
  );

  it('with sleep sets finds every violation when runs stop at the first one', () => {
    // Stopping makes a violating step disable every other task, which footprints do not
    // say; the search still reaches every violation, since nothing after one is explored.
    const stop = { stopOnViolation: true };
    fc.assert(
      fc.property(programArb, fc.constantFrom('announced' as const, 'traced' as const), (program, mode) => {
        const build = tinyProgram(program);
        const brute = bruteForce(build, stop);
        const report = explore({ build, independence: mode, world: stop, bounds: unbounded });
        expect(report.violations.map((x) => x.rule.id).sort()).toEqual([...brute.rules].sort());
      }),
      {
        seed: Number(process.env.DMACTOR_PROPERTY_SEED ?? 4),
        numRuns: Number(process.env.DMACTOR_PROPERTY_RUNS ?? 60),
      },
    );
  });

  it('reduces a workload with independent steps (measured: 1680 interleavings)', () => {
    const build = tinyProgram(PROGRAMS.independent!);
    const brute = bruteForce(build, world);
    const announced = explore({ build, world, bounds: unbounded });
    const traced = explore({ build, world, bounds: unbounded, independence: 'traced' });
    expect(brute.runs).toBe(1680);
    expect(announced.complete && traced.complete).toBe(true);
    // Measured: 409 runs (announced; threads' first steps are dependent), 16 (traced).
    expect(brute.runs / announced.schedules).toBeGreaterThan(4);
    expect(brute.runs / traced.schedules).toBeGreaterThan(100);
    expect(announced.distinctStates).toBe(1);
  });

  it('visits every state the unreduced search visits: sleep sets prune transitions, not states', () => {
    for (const [name, program] of Object.entries(PROGRAMS)) {
      const build = tinyProgram(program);
      const none = explore({ build, reduction: 'none', world, bounds: unbounded });
      const announced = explore({ build, world, bounds: unbounded });
      const traced = explore({ build, world, bounds: unbounded, independence: 'traced' });
      // Measured on `independent`: 63 states, 15,120 steps unreduced, 108 with traced sleep sets.
      expect(none.visitedStates, name).toBeGreaterThan(none.distinctStates);
      expect(announced.visitedStates, name).toBe(none.visitedStates);
      expect(traced.visitedStates, name).toBe(none.visitedStates);
      expect(traced.steps, name).toBeLessThanOrEqual(announced.steps);
      expect(announced.steps, name).toBeLessThanOrEqual(none.steps);
    }
    expect(
      explore({ build: tinyProgram(PROGRAMS.independent!), world, bounds: unbounded }).visitedStates,
    ).toBe(63);
  });

  it('misses states when a step touches an object it did not announce (the documented assumption)', () => {
    // A announces `a` but also writes `b` (and says so in the trace); B reads `b`. B goes on
    // only if A started, so the race is not hidden behind the (dependent) first steps. The
    // first steps share `started`, which they trace, as `traced` footprints require.
    const build = (w: World) => {
      let b = 0;
      let seen = -1;
      let started = false;
      w.spawn('A', function* (): TaskBody {
        started = true;
        traceEmit(w, 'started', 'write');
        yield { kind: 'preempt', label: 'write', obj: 'a' };
        b = 1;
        traceEmit(w, 'b', 'write');
      });
      w.spawn('B', function* (): TaskBody {
        traceEmit(w, 'started', 'read');
        if (!started) return;
        yield { kind: 'preempt', label: 'read', obj: 'b' };
        seen = b;
      });
      return () => `seen=${seen}`;
    };
    const states = (independence: 'announced' | 'traced' | null) => {
      const out = new Set<string>();
      explore({
        build,
        reduction: independence === null ? 'none' : 'sleep-sets',
        ...(independence === null ? {} : { independence }),
        onRun: (run) => {
          if (run.state !== null && !run.redundant) out.add(run.state);
          return undefined;
        },
      });
      return [...out].sort();
    };
    expect(states(null)).toEqual(['seen=-1', 'seen=0', 'seen=1']);
    expect(states('traced')).toEqual(['seen=-1', 'seen=0', 'seen=1']);
    expect(states('announced')).toEqual(['seen=-1', 'seen=1']);
  });

  it('gives each violation the choices that reproduce it', () => {
    const build = tinyProgram(PROGRAMS.deadlockSometimes!);
    const report = explore({ build, world, bounds: unbounded });
    expect(report.violations.map((x) => x.rule.id).sort()).toEqual(['kernel.deadlock', 'tiny.check']);
    for (const found of report.violations) {
      const w = new World({ ...world, strategy: replayStrategy(found.choices) });
      build(w);
      expect(w.run().violations.map((x) => x.rule.id)).toContain(found.rule.id);
    }
  });
});

describe('exhaustive search bounds', () => {
  const build = tinyProgram(PROGRAMS.lockAndCompletion!);
  const brute = bruteForce(build, world);

  it('explores every schedule within a preemption bound, and says what it cut', () => {
    for (const bound of [0, 1, 2]) {
      const report = explore({
        build,
        world,
        reduction: 'none',
        bounds: { ...unbounded, preemptions: bound },
      });
      expect(report.schedules).toBe(brute.preemptions.filter((p) => p <= bound).length);
      expect(report.exhausted).toBe(true);
      expect(report.complete).toBe(false);
      expect(report.cut.preemption).toBeGreaterThan(0);
    }
    const all = explore({ build, world, reduction: 'none', bounds: { ...unbounded, preemptions: 99 } });
    expect(all.schedules).toBe(brute.runs);
    expect(all.complete).toBe(true);
  });

  it('branches only the first choice points within a depth bound', () => {
    const depth = 4;
    const report = explore({ build, world, reduction: 'none', bounds: { ...unbounded, maxDepth: depth } });
    const prefixes = new Set<string>();
    bruteForce((w) => {
      const check = build(w);
      return (w2, result) => {
        prefixes.add(result.choices.picks.slice(0, depth).join(','));
        return check(w2, result);
      };
    }, world);
    expect(report.schedules).toBe(prefixes.size);
    expect(report.cut.depth).toBeGreaterThan(0);
    expect(report.exhausted).toBe(true);
    expect(report.complete).toBe(false);
    expect(report.caveats.join('\n')).toMatch(/deeper than 4/);
  });

  it('stops at the schedule limit and does not claim completeness', () => {
    const report = explore({ build, world, bounds: { maxSchedules: 5 } });
    expect(report.schedules).toBe(5);
    expect(report.stoppedEarly).toBe('max-schedules');
    expect(report.exhausted || report.complete).toBe(false);
  });

  it('counts runs cut at the step bound as unfinished', () => {
    const spin = (w: World) => {
      w.spawn('spin', function* (): TaskBody {
        for (;;) yield { kind: 'preempt', label: 'spin', obj: 's' };
      });
      w.spawn('other', function* (): TaskBody {
        yield { kind: 'preempt', label: 'x', obj: 'o' };
      });
      return undefined;
    };
    const report = explore({ build: spin, world: { stepBound: 6 }, reduction: 'none' });
    expect(report.cut.stepBound).toBe(report.schedules);
    expect(report.complete).toBe(false);
  });

  it('rejects a build that is not deterministic', () => {
    let runs = 0;
    const flaky = (w: World) => {
      const n = 2 + (runs++ % 2);
      for (let t = 0; t < n; t++) {
        w.spawn(`t${t}`, function* (): TaskBody {
          yield { kind: 'preempt', label: 'x', obj: `o${t}` };
        });
      }
      return undefined;
    };
    expect(() => explore({ build: flaky, reduction: 'none' })).toThrow(/not deterministic/);
  });
});

/**
 * Sleep-set search covers every final state and violation brute force finds, counting only
 * runs it did not find redundant (a redundant run that still ran to its end adds nothing),
 * in no more schedules.
 */
function sameAsBruteForce(program: Program, independence: 'announced' | 'traced', name: string): void {
  const build = tinyProgram(program);
  const brute = bruteForce(build, world);
  const states = new Set<string>();
  const report = explore({
    build,
    reduction: 'sleep-sets',
    independence,
    world,
    bounds: unbounded,
    onRun: (run) => {
      if (run.state !== null && !run.redundant) states.add(run.state);
      return undefined;
    },
  });
  expect(report.complete, name).toBe(true);
  expect([...states].sort(), name).toEqual([...brute.states].sort());
  expect(report.violations.map((x) => x.rule.id).sort(), name).toEqual([...brute.rules].sort());
  expect(report.schedules, name).toBeLessThanOrEqual(brute.runs);
}
