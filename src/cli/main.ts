#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { scenarios } from '../../examples/client-flows.js';
import { workersFor } from '../explore/campaign.js';
import { providers } from '../providers/planted.js';
import { isModulePath, loadProvider } from '../providers/registry.js';
import { UsageError } from '../rules/usage-error.js';
import { campaignOptions, hangMsOption, schedulesOption, seedOption } from './campaign-options.js';
import { check } from './check.js';
import { checkClientCommand } from './check-client.js';
import { type Command, command, commandHelp, overallHelp, parseCommandLine } from './command.js';
import { runDemo } from './demo.js';
import { diagram, diagramFormats } from './diagram.js';
import { docs } from './docs.js';
import { runExamples } from './examples-report.js';
import { fuzzCommand } from './fuzz.js';
import { mergeCommand } from './merge.js';
import { choice, flag, int, list, outDir, outFile, text } from './options.js';
import { replay } from './replay.js';
import { reportCommand } from './report.js';
import { rv } from './rv.js';
import { traceCommand } from './trace.js';
import { usageLine } from './usage-line.js';
import { tuneV8ForWorlds } from './v8-flags.js';

/**
 * dmactor's own package.json, the nearest one above this module: dist/src/cli/ when built,
 * src/cli/ when run from source with tsx.
 */
function version(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    const url = new URL(up, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version: string };
    if (pkg.name === 'dmactor') return pkg.version;
  }
  return 'unknown';
}

/**
 * Every command: its arguments, its options and what it runs. Adding one is an entry here; its
 * logic lives in its own src/cli/<command>.ts.
 */
const commands: Readonly<Record<string, Command>> = {
  check: command({
    summary:
      'explore the reference provider: random workloads under the strategy portfolio,\nevery invariant checked; exit 1 when a rule breaks',
    args: [],
    options: {
      ...campaignOptions,
      provider: text(
        'NAME',
        `${Object.keys(providers).join(' | ')} or a provider module path (default refdma)`,
        'refdma',
      ),
      coverage: outDir(
        'write each statechart coloured by how often its transitions were taken,\nand list the transitions never taken',
      ),
      'hang-ms': hangMsOption(
        'with a provider module: a schedule silent this long means the provider never\nreturns',
      ),
      'no-progress': flag('no progress bar (it is off anyway when stderr is not a terminal)'),
    },
    run: async (o, _args, out) => {
      await loadProvider(o.provider);
      const { time, shard, 'step-bound': stepBound, 'shrink-runs': shrinkRuns } = o;
      return check({
        seed: o.seed,
        schedules: o.schedules,
        ...(time === undefined ? {} : { timeMs: time * 1000 }),
        stepBound,
        workers: o.workers ?? workersFor(o.schedules),
        // A provider module is the user's code: on a watched worker even alone, so a hang is a finding.
        ...(isModulePath(o.provider) ? { isolate: true, hangMs: o['hang-ms'] } : {}),
        ...(shard ? { shard } : {}),
        strategy: o.strategy,
        guided: o.guidance === 'on',
        provider: o.provider,
        shrinkRuns,
        json: o.json,
        html: o.html,
        coverage: o.coverage,
        out: o.out,
        progress: !o['no-progress'] && process.stderr.isTTY === true,
        toolVersion: version(),
        out_: out,
      });
    },
  }),
  fuzz: command({
    summary:
      'check a provider module (defineProvider; .ts or .js) or a built-in one:\nconformance, a dmatest phase and generated lifecycle workloads',
    args: [{ name: 'PROVIDER', required: true }],
    options: {
      ...campaignOptions,
      junit: outFile('write JUnit XML for CI'),
      'hang-ms': hangMsOption('a schedule silent this long means the provider never returns'),
    },
    run: async (o, [provider = ''], out) => {
      await loadProvider(provider);
      const { time, shard, 'step-bound': stepBound, 'shrink-runs': shrinkRuns } = o;
      return fuzzCommand({
        provider,
        seed: o.seed,
        schedules: o.schedules,
        ...(time === undefined ? {} : { timeMs: time * 1000 }),
        stepBound,
        workers: o.workers ?? workersFor(o.schedules),
        ...(shard ? { shard } : {}),
        strategy: o.strategy,
        guided: o.guidance === 'on',
        shrinkRuns,
        hangMs: o['hang-ms'],
        json: o.json,
        html: o.html,
        junit: o.junit,
        out: o.out,
        toolVersion: version(),
        out_: out,
      });
    },
  }),
  'check-client': command({
    summary:
      'check a client driver module (defineClient; .ts or .js) against providers: its\nthreads under the strategy portfolio, every rule checked, each finding blamed',
    args: [{ name: 'CLIENT', required: true }],
    options: {
      ...campaignOptions,
      schedules: schedulesOption(200),
      'step-bound': int(
        'N',
        'steps after which a schedule is cut (default 20000)',
        { min: 1, max: 10_000_000 },
        20_000,
      ),
      provider: text(
        'NAME[,NAME...]',
        "built-in names, classic-dma or provider module paths (default: the client's\nproviders, else refdma,classic-dma)",
      ),
      'hang-ms': hangMsOption('a schedule silent this long means the client never yields'),
    },
    run: (o, [client = ''], out) => {
      const { time, shard, 'step-bound': stepBound, 'shrink-runs': shrinkRuns } = o;
      return checkClientCommand({
        client,
        seed: o.seed,
        schedules: o.schedules,
        ...(time === undefined ? {} : { timeMs: time * 1000 }),
        stepBound,
        workers: o.workers ?? workersFor(o.schedules),
        ...(shard ? { shard } : {}),
        strategy: o.strategy,
        ...(o.provider === undefined ? {} : { providers: o.provider.split(',') }),
        shrinkRuns,
        hangMs: o['hang-ms'],
        json: o.json,
        html: o.html,
        out: o.out,
        toolVersion: version(),
        out_: out,
      });
    },
  }),
  replay: command({
    summary:
      'replay a counterexample file and print its trace, the violating step marked\n(--mermaid: a Markdown sequence diagram and state timeline instead)',
    args: [{ name: 'FILE', required: true }],
    options: {
      mermaid: flag('print Markdown: a sequence diagram and a state timeline per actor'),
      out: outFile('with --mermaid, write the Markdown there instead of stdout'),
    },
    run: (o, [file = ''], out) => replay(file, out, { mermaid: o.mermaid, file: o.out }),
  }),
  trace: command({
    summary: 'check a kernel trace (ftrace text) against the statecharts and invariants\n(docs/kernel.md)',
    args: [{ name: 'FILE', required: true }],
    options: {
      accept: list('RULE', 'a rule the driver is known to break: reported, not a finding (repeatable)'),
      callback: list('FN', "a client callback's function name, traced by the function tracer (repeatable)"),
      mermaid: flag('print the trace as a Markdown sequence diagram and a state timeline'),
      'no-device-synchronize': flag(
        'the driver has no device_synchronize: a terminate returning is its synchronize',
      ),
      out: outFile('with --mermaid, write the Markdown there instead of stdout'),
      json: outFile('write the checked trace as JSON (dmactor report draws it)'),
      html: outFile('write the HTML report: the trace as a timeline to step through, findings marked'),
    },
    run: (o, [file = ''], out) => traceCommand(file, o, version(), out),
  }),
  report: command({
    summary:
      'one self-contained HTML page from --json reports (check, fuzz, check-client, merge,\ntrace) and counterexample files: campaigns, coverage, rule counts, timelines',
    args: [{ name: 'FILE', required: true, many: true }],
    options: {
      out: outFile('where the page goes (default dmactor-report.html)', 'FILE'),
    },
    run: (o, files, out) => reportCommand(files, o.out ?? 'dmactor-report.html', version(), out),
  }),
  merge: command({
    summary:
      'merge the --json reports of the shards of one check, fuzz or check-client run\n(--shard I/N on each machine) into the report of the whole run; exit 1 on a violation',
    args: [{ name: 'REPORT...', required: true, many: true }],
    options: {
      out: outFile('write the merged report (JSON, as --json writes it) there'),
      json: flag('print the merged report as JSON instead of the summary'),
      html: outFile('write the HTML report of the merged run (as dmactor report draws it)'),
    },
    notes:
      'Every shard I/N of 0 <= I < N must be given once, run by one dmactor version with the\nsame command and options (--workers may differ). docs/scale.md: a CI matrix and a\nKubernetes Indexed Job.',
    run: (o, files, out) => mergeCommand(files, o, version(), out),
  }),
  diagram: command({
    summary: `print a statechart (all when none is named) --format ${diagramFormats.join(' | ')}\n(rv: one Linux RV automaton per region, MACHINE may name one)`,
    args: [{ name: 'MACHINE', required: false }],
    options: {
      format: choice(
        'NAME',
        `${diagramFormats.join(' | ')} (default mermaid)`,
        () => diagramFormats,
        'mermaid',
        'format',
      ),
      out: outFile('write it there instead of stdout'),
    },
    run: (o, [machine]) =>
      diagram({ machine, format: o.format, out: o.out, write: (t) => process.stdout.write(t) }),
  }),
  rv: command({
    summary:
      'Linux RV monitor folders for the automata (all it can monitor when none is named),\nand the dmaengine tracepoints they attach to',
    args: [{ name: 'AUTOMATON', required: false, many: true }],
    options: {
      out: outDir('write a monitor folder per automaton, the dmaengine container and kernel-lines.txt there'),
      tracepoints: outDir('write include/trace/events/dmaengine.h there (with --kernel, the patch too)'),
      kernel: text('TREE', 'a Linux 6.1 or 7.3 tree to make the tracepoint patch against'),
    },
    run: (o, names, out) =>
      rv({ names, out: o.out, tracepoints: o.tracepoints, kernel: o.kernel ?? null, write: out }),
  }),
  docs: command({
    summary:
      'write docs/machines/*.md and .svg, docs/rv/*.dot, docs/invariants.md\nand the diagrams section of the README.md beside DIR',
    args: [],
    options: { out: outDir('where the documentation goes (default docs)', 'docs') },
    run: (o, _args, out) => docs({ out: o.out, out_: out }),
  }),
  examples: command({
    summary: 'run the client.rst scenarios of examples/ under random schedules',
    args: [],
    options: {
      seed: seedOption,
      schedules: schedulesOption(20),
      trace: choice(
        'SCENARIO',
        "print the full trace of this scenario's first run",
        () => scenarios.map((s) => s.name),
        '',
        'scenario',
      ),
    },
    run: (o, _args, out) =>
      runExamples({ seed: o.seed, runs: o.schedules, trace: o.trace === '' ? null : o.trace, out }),
  }),
  'kernel-demo': command({
    summary: 'the bare simulated kernel finding and replaying a planted lock bug',
    args: [],
    options: { seed: seedOption, schedules: schedulesOption(200) },
    run: (o, _args, out) => runDemo({ seed: o.seed, schedules: o.schedules, out }),
  }),
};

/** The commands that declare `option`, for "--workers is an option of check, fuzz". */
const declaring = (option: string) =>
  Object.keys(commands).filter((c) => Object.hasOwn(commands[c]?.options ?? {}, option));

export async function main(argv: readonly string[]): Promise<number> {
  const out = (line: string) => console.log(line);
  const [first] = argv;
  if (first === '--help' || first === '-h') {
    out(overallHelp(commands));
    return 0;
  }
  if (first === '--version') {
    if (argv.length > 1) throw new UsageError('--version takes no other arguments');
    out(version());
    return 0;
  }
  // No command: check (its options may follow directly, `dmactor --seed 3`).
  const named = first !== undefined && !first.startsWith('-');
  const name = named ? first : 'check';
  const cmd = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (cmd === undefined) throw new UsageError(`unknown command "${name}" (try dmactor --help)`);
  const parsed = parseCommandLine(name, cmd, named ? argv.slice(1) : argv, declaring);
  if (parsed.help) {
    out(commandHelp(name, cmd));
    return 0;
  }
  return await cmd.run(parsed.values, parsed.positionals, out);
}

tuneV8ForWorlds();
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const line = usageLine(error);
  if (line === null) throw error;
  console.error(`dmactor: ${line}`);
  process.exitCode = 2;
}
