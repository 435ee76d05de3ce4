import { describe, expect, it } from 'vitest';
import { violationIds } from '../fixtures/dma.js';
import { rxWithMetadata } from './metadata.js';

describe('inv.metadata-untouched-after-completion', () => {
  it("fires when the provider's desc_free writes the client's metadata buffer after the callback, blamed on the provider", () => {
    const { result, read } = rxWithMetadata('scribbles-at-free');
    expect(read.slice(0, 4)).toEqual([96, 0, 0, 0]);
    expect(violationIds(result)).toEqual(['inv.metadata-untouched-after-completion']);
    expect(result.violations[0]!.rule.side).toBe('provider');
  });

  it.each([true, false])(
    'is silent on refdma, the client clearing its own buffer after completion (callback: %s)',
    (callback) => {
      const { board, result } = rxWithMetadata('refdma', callback);
      expect(violationIds(result)).toEqual([]);
      expect(board.stats.get('inv.metadata-untouched-after-completion')?.checks).toBe(1);
    },
  );
});
