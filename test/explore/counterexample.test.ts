import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Counterexample,
  loadCounterexample,
  makeCounterexample,
  saveCounterexample,
} from '../../src/explore/counterexample.js';
import { UsageError } from '../../src/rules/usage-error.js';
import { lifecycleKind } from '../../src/workload/lifecycle-kind.js';
import { W1 } from '../../src/workload/standard.js';

const fixture = (name: string) => new URL(`../fixtures/counterexamples/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dmactor-cx-'));

/** What loading a file gives: its kind's name and the file as read. */
const load = (path: string) =>
  loadCounterexample(path, (kind, cx) => ({ kind: kind.name, cx: cx as Counterexample<unknown> }));

function write(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

function refusal(path: string): string {
  try {
    load(path);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`${path} was accepted`);
}

describe('the counterexample format', () => {
  it('reads a version-1 lifecycle file as the version-2 file it describes', () => {
    const { kind, cx } = load(fixture('v1-lifecycle-faults.json'));
    expect(kind).toBe('lifecycle');
    expect([cx.format, cx.version, cx.workload.kind]).toEqual(['dmactor-counterexample', 2, 'lifecycle']);
    expect(cx.faults).toEqual({ busError: true, spuriousIrq: 3, lateIrq: true });
  });

  it('reads a version-1 async_tx file, its mode becoming the world setting', () => {
    const { kind, cx } = load(fixture('v1-async-tx.json'));
    expect(kind).toBe('async-tx');
    expect(cx.asyncTxMode).toBe('document');
    const v1 = JSON.parse(readFileSync(fixture('v1-async-tx.json'), 'utf8'));
    expect(load(write('mainline.json', { ...v1, mode: 'mainline' })).cx.asyncTxMode).toBe('mainline');
  });

  it('writes and reads back a version-2 file', () => {
    const cx = makeCounterexample(lifecycleKind, {
      toolVersion: '0.0.0',
      provider: 'refdma',
      seed: 7,
      stepBound: 100,
      strategy: 'random',
      workload: W1,
      choices: [1, 0, 2],
      violation: {
        id: 'inv.x',
        side: 'provider',
        kind: 'safety',
        rule: 'r',
        source: 's',
        detail: 'd',
        step: 3,
        task: 't',
        actor: 'a',
      },
      traceHash: '0123',
      steps: 4,
    });
    const path = join(dir, 'v2.json');
    saveCounterexample(path, cx);
    const read = load(path);
    expect(read.kind).toBe('lifecycle');
    expect(read.cx).toEqual(JSON.parse(JSON.stringify(cx)));
  });

  it('refuses anything else with one line naming what is wrong', () => {
    const v1 = JSON.parse(readFileSync(fixture('v1-lifecycle.json'), 'utf8'));
    const cases: [unknown, RegExp][] = [
      [[1, 2], /is not a dmactor counterexample/],
      [{ ...v1, version: 3 }, /\(v2\).*at version/],
      [{ ...v1, format: 'other' }, /\(v2\).*at format/],
      [{ ...v1, version: 2, workload: { ...v1.workload, kind: 'raid' } }, /\(v2\).*at workload\.kind/],
      [{ ...v1, workload: { ...v1.workload, threads: 'none' } }, /\(v2, lifecycle\).*at workload\.threads/],
    ];
    cases.forEach(([json, message], i) => {
      const text = refusal(write(`bad${i}.json`, json));
      expect(text).toMatch(message);
      expect(text.split('\n')).toHaveLength(1);
    });
  });
});
