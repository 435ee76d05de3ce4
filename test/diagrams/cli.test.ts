import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dmactor, plantedCounterexample, tempDir } from './cli.js';

/** dmactor diagram, docs, replay --mermaid and check --coverage, run as a user runs them. */

describe('dmactor diagram', () => {
  it('prints each format to stdout', () => {
    const mermaid = dmactor('diagram', 'tasklet');
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^---\ntitle: tasklet\n---\nstateDiagram-v2\n/);
    const dot = dmactor('diagram', 'channel', '--format', 'dot');
    expect(dot.stdout).toMatch(/^digraph "channel" \{/);
    const svg = dmactor('diagram', 'hardwareChannel', '--format', 'svg');
    expect(svg.code).toBe(0);
    expect(svg.stdout).toContain('<svg');
    const rv = dmactor('diagram', 'tasklet', '--format', 'rv');
    expect(rv.stdout.match(/^digraph state_automaton \{$/gm)).toHaveLength(2);
    const all = dmactor('diagram', '--format', 'dot');
    expect(all.stdout.match(/^digraph /gm)).toHaveLength(5);
  });

  it('writes --out FILE, one RV automaton per file', () => {
    const dir = tempDir();
    const file = join(dir, 'tasklet_run.dot');
    expect(dmactor('diagram', 'tasklet_run', '--format', 'rv', '--out', file).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(
      /^digraph state_automaton \{\n\tcomment = "tasklet_run: [^"]*";\n\t\{node \[shape = point\] "__init_idle_or_killed"\};/,
    );
    // A chart's root automaton is not named like the chart, so it can be written alone.
    const root = join(dir, 'channel_lifecycle.dot');
    expect(dmactor('diagram', 'channel_lifecycle', '--format', 'rv', '--out', root).code).toBe(0);
    expect(readFileSync(root, 'utf8')).toContain(
      '"available_or_released" -> "allocated" [ label = "request" ];',
    );
    const many = dmactor('diagram', 'tasklet', '--format', 'rv', '--out', file);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/^dmactor: tasklet has 2 RV automata/);
  });

  it('exit 2 with one line for an unknown machine or format', () => {
    for (const args of [
      ['diagram', 'nosuch'],
      ['diagram', 'channel', '--format', 'png'],
      ['diagram', 'nosuch', '--format', 'rv'],
      ['diagram', '--format', 'svg'],
    ]) {
      const r = dmactor(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
      expect(r.stderr).toMatch(
        /^dmactor: (unknown (machine|format|machine or automaton) "|--format svg draws one)/,
      );
    }
  });
});

describe('dmactor rv', () => {
  it('writes the monitor folders, the kernel lines and the tracepoint header', () => {
    const dir = tempDir();
    const r = dmactor('rv', '--out', join(dir, 'monitors'), '--tracepoints', join(dir, 'tp'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'skipped hardware_channel_engine: the hardware-channel chart has no kernel object',
    );
    expect(existsSync(join(dir, 'monitors/channel_allocated_activity/channel_allocated_activity.c'))).toBe(
      true,
    );
    expect(readFileSync(join(dir, 'monitors/kernel-lines.txt'), 'utf8')).toContain(
      'source "kernel/trace/rv/monitors/tasklet_run/Kconfig"',
    );
    expect(readFileSync(join(dir, 'tp/include/trace/events/dmaengine.h'), 'utf8')).toContain(
      'TRACE_EVENT(dmaengine_submit,',
    );
    const bad = dmactor('rv', 'hardware_channel_irq', '--out', dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'dmactor: hardware_channel_irq cannot be a kernel monitor: the hardware-channel chart has no kernel object\n',
    );
    const none = dmactor('rv');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^dmactor: rv needs --out DIR/);
  });
});

describe('dmactor replay --mermaid and check --coverage', () => {
  it('replay --mermaid writes Markdown with the two diagrams, to stdout or --out', () => {
    const cx = plantedCounterexample();
    const r = dmactor('replay', cx, '--mermaid');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^# Counterexample: inv\.nothing-leaked-after-sync/);
    expect(r.stdout).toContain('```mermaid\nsequenceDiagram\n');
    expect(r.stdout).toContain('```mermaid\ngantt\n');
    expect(r.stdout.match(/-xL\d+: \[\d+\] \S+ VIOLATION inv\.nothing-leaked-after-sync/g)).toHaveLength(1);
    const file = join(tempDir(), 'cx.md');
    const toFile = dmactor('replay', cx, '--mermaid', '--out', file);
    expect(toFile.code).toBe(1);
    expect(toFile.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(`${r.stdout.trimEnd()}\n`);
  });

  it('check --coverage writes coloured statecharts and lists the transitions never taken', () => {
    const dir = tempDir();
    const r = dmactor('check', '--schedules', '20', '--workers', '1', '--coverage', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`coverage drawings: ${join(dir, 'README.md')}`);
    expect(r.stdout).toMatch(/never taken in \S+ \(\d+\):\n {6}\S+ --\S+/);
    for (const name of ['channel', 'descriptor', 'virtualChannel', 'hardware-channel', 'tasklet']) {
      expect(existsSync(join(dir, `${name}.svg`)), name).toBe(true);
      expect(readFileSync(join(dir, `${name}.dot`), 'utf8')).toMatch(/color="#/);
    }
    const index = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(index).toMatch(/## channel: \d+\/\d+ transitions taken/);
    expect(index).toContain('| never taken | from | to | rule |');
  });
});
