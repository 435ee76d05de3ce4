import { createActor } from 'xstate';
import { type TaskletEvent, taskletMachine, taskletSpec } from '../machines/tasklet.js';
import { schedulerOf } from '../src/kernel/checker.js';
import { Monitor, xstateStep } from '../src/kernel/monitor.js';
import { World } from '../src/kernel/world.js';
import { createBoard } from '../src/scenarios/board.js';
import { buildPipeline, SYNTHETIC_16 } from '../src/scenarios/kernel-pipeline.js';
import { type Measurement, measure } from './measure.js';

export interface KernelBench {
  readonly workload: string;
  readonly tasks: number;
  readonly stepsPerSchedule: number;
  readonly measurements: Measurement[];
  readonly stepsPerSec: number;
  readonly schedulesPerSec: number;
  /** Cost of one scheduler step in units of one bare xstate `send`. */
  readonly stepCostInSends: number;
}

const CYCLE: TaskletEvent[] = [{ type: 'SCHEDULE' }, { type: 'RUN_BEGIN' }, { type: 'RUN_END' }];

export function benchKernel(): KernelBench {
  const probe = new World({ seed: 1 });
  buildPipeline(probe, SYNTHETIC_16);
  const tasks = schedulerOf(probe).tasks.length;
  const stepsPerSchedule = probe.run().steps;

  // The same xstate machine three ways: a bare actor, a started actor per creation, our monitor.
  const actor = createActor(taskletMachine);
  actor.start();
  const send = measure('xstate actor.send (tasklet machine)', 30_000, (i) => actor.send(CYCLE[i % 3]!));
  const monitorWorld = new World({ seed: 1 });
  const monitor = new Monitor(monitorWorld, taskletSpec, 'tl');
  const observe = measure('Monitor.observe (same machine, same events; interned)', 30_000, (i) =>
    monitor.observe(CYCLE[i % 3]!),
  );
  let snap = monitor.snapshot;
  const step = measure('xstate machine.transition alone (what a memo miss costs)', 30_000, (i) => {
    snap = xstateStep(taskletMachine, snap, CYCLE[i % 3]!) ?? snap;
  });

  const bareWorld = measure('new World()', 20_000, (i) => new World({ seed: i }));
  const worldSetup = measure('new World() + synthetic workload setup', 2_000, (i) => {
    buildPipeline(new World({ seed: i }), SYNTHETIC_16);
  });
  // What every lifecycle schedule builds before its first step: the DMA board on refdma.
  const board = measure('new World() + the DMA board (refdma, every invariant attached)', 2_000, (i) => {
    createBoard(new World({ seed: i }));
  });
  const schedule = measure('one schedule of the synthetic workload (trace off)', 200, (i) => {
    const w = new World({ seed: i });
    buildPipeline(w, SYNTHETIC_16);
    w.run();
  });
  const hashed = measure('one schedule of the synthetic workload (trace hash)', 100, (i) => {
    const w = new World({ seed: i, trace: 'hash' });
    buildPipeline(w, SYNTHETIC_16);
    w.run();
  });
  const stepsPerSec = (schedule.opsPerSec * stepsPerSchedule) | 0;
  return {
    workload: 'SYNTHETIC_16: 13 client threads x 3 requests, copy engine, IRQ handler, tasklet',
    tasks,
    stepsPerSchedule,
    measurements: [send, observe, step, bareWorld, worldSetup, board, schedule, hashed],
    stepsPerSec,
    schedulesPerSec: schedule.opsPerSec,
    stepCostInSends: schedule.nsPerOp / stepsPerSchedule / send.nsPerOp,
  };
}
