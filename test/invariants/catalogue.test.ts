import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../invariants/catalogue.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SIDES = ['provider', 'client', 'framework', 'kernel'];
const KINDS = ['safety', 'quiescence', 'liveness'];

describe('the invariant catalogue', () => {
  it('gives every entry a unique id, a rule, a source, a side and a kind', () => {
    const ids = catalogue.map((inv) => inv.rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { rule } of catalogue) {
      expect(rule.id, rule.id).toMatch(/^[a-z][a-z-]*\.[a-z][a-z-]*$/);
      expect(rule.rule.length, rule.id).toBeGreaterThan(20);
      expect(rule.source.length, rule.id).toBeGreaterThan(5);
      expect(SIDES, rule.id).toContain(rule.side);
      expect(KINDS, rule.id).toContain(rule.kind);
    }
  });

  it('names checkers inv.* and has exactly one of a checker and enforcedBy per entry', () => {
    for (const inv of catalogue) {
      expect(inv.attach === undefined, inv.rule.id).toBe(inv.enforcedBy !== undefined);
      if (inv.attach) expect(inv.rule.id).toMatch(/^inv\./);
      else expect(inv.rule.id).not.toMatch(/^inv\./);
    }
  });

  it('points every enforcedBy at an existing file that defines the rule id', () => {
    for (const inv of catalogue.filter((i) => i.enforcedBy !== undefined)) {
      const [file, id, ...rest] = inv.enforcedBy!.split(' ');
      expect(rest, inv.enforcedBy).toEqual([]);
      expect(id, inv.enforcedBy).toBe(inv.rule.id);
      const path = join(ROOT, file!);
      expect(existsSync(path), path).toBe(true);
      expect(readFileSync(path, 'utf8'), path).toContain(`'${inv.rule.id}'`);
    }
  });

  it('covers the rules of issue 4', () => {
    const ids = new Set(catalogue.map((inv) => inv.rule.id));
    for (const id of [
      'inv.no-callback-after-synchronize',
      'inv.in-order-completion',
      'inv.start-in-issue-order',
      'inv.issued-starts',
      'inv.tx-status-consistent',
      'inv.residue-bounds',
      'inv.pause-moves-no-byte',
      'inv.data-integrity',
      'inv.recycle-after-ack',
      'inv.nothing-leaked-after-sync',
      'inv.free-resources-after-sync',
      'inv.repeat-appears-stuck',
      'inv.issued-completes',
      'inv.buffer-freed-before-sync',
      'descriptor.callback-for-aborted',
      'descriptor.callback-twice',
      'dmaengine.callback-context',
      'dmaengine.callback-under-lock',
      'descriptor.start-unissued',
      'descriptor.complete-twice',
      'descriptor.use-after-free',
      'descriptor.recycle-in-flight',
      'descriptor.free-reusable',
      'dmaengine.terminate-all-sleeps',
      'channel.issue-before-sync',
      'client.terminate-sync-in-callback',
      'client.terminate-sync-in-atomic',
      'channel.resume-not-paused',
      'descriptor.client-use-after-submit',
      'descriptor.submit-twice',
      'descriptor.metadata-engine-invalid',
      'descriptor.metadata-mixed',
      'channel.prep-slave-unconfigured',
      'hardware-channel.pause-moves-no-byte',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });
});
