import { describe, expect, it } from 'vitest';
import { violationIds } from '../fixtures/dma.js';
import { rxWithMetadata } from './metadata.js';

/** 96 bytes delivered: the device's metadata is 96 as a 32-bit little-endian count (rxMetadata). */
const DEVICE_METADATA = [96, 0, 0, 0];

describe('inv.metadata-at-completion', () => {
  it('fires when the provider never copies the metadata to the client buffer, blamed on the provider', () => {
    const { result, read } = rxWithMetadata('never-copies');
    expect(read.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(violationIds(result)).toEqual(['inv.metadata-at-completion']);
    expect(result.violations[0]!.rule.side).toBe('provider');
  });

  it('fires without a callback too, when the cookie completes', () => {
    const { result } = rxWithMetadata('never-copies', false);
    expect(violationIds(result)).toEqual(['inv.metadata-at-completion']);
  });

  it.each([true, false])('is silent when refdma copies it before notifying (callback: %s)', (callback) => {
    const { board, result, read } = rxWithMetadata('refdma', callback);
    expect(read.slice(0, 4)).toEqual(DEVICE_METADATA);
    expect(violationIds(result)).toEqual([]);
    expect(board.stats.get('inv.metadata-at-completion')?.checks).toBe(1);
  });
});
