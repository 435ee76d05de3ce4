import { scenarios } from '../examples/client-flows.js';
import { World } from '../src/kernel/world.js';
import { type Measurement, measure } from './measure.js';

export interface DmaScenarioBench {
  readonly scenario: string;
  readonly stepsPerSchedule: number;
  readonly schedule: Measurement;
  readonly stepsPerSec: number;
}

/** Whole schedules of each client.rst scenario on the reference provider, trace off. */
export function benchDmaScenarios(): DmaScenarioBench[] {
  return scenarios.map((s) => {
    let steps = 0;
    let runs = 0;
    const schedule = measure(`schedule: ${s.name}`, 100, (i) => {
      const world = new World({ seed: i + 1 });
      s.setup(world);
      steps += world.run().steps;
      runs++;
    });
    const stepsPerSchedule = Math.round(steps / runs);
    return {
      scenario: s.name,
      stepsPerSchedule,
      schedule,
      stepsPerSec: schedule.opsPerSec * stepsPerSchedule,
    };
  });
}
