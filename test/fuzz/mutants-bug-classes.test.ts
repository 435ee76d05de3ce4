import { describe, it } from 'vitest';
import { bugClassZoo, expectFoundForItsClass } from './mutant-zoo.js';

// A file of its own so the zoo's two halves run side by side.
describe('the mutant zoo: the rest of the bug classes of §8', () => {
  it.each(bugClassZoo)(
    '%s is found with the rule that names its bug class, and shrunk within the run bound',
    expectFoundForItsClass,
    60_000,
  );
});
