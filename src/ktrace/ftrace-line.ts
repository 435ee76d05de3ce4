/**
 * One line of a kernel trace as ftrace prints it: `/sys/kernel/tracing/trace` (the function,
 * function_graph and event formats, with or without the irq-info flags column) or
 * `trace-cmd report`. A line is either nothing to check (a header, a comment, a buffer-start
 * note), a record, or not a trace line at all.
 */

export type FtraceKind =
  | 'function'
  | 'event'
  | 'kprobe'
  | 'kretprobe'
  | 'marker'
  | 'graph-entry'
  | 'graph-exit';

export interface FtraceRecord {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly text: string;
  /** `comm-pid`, or `cpu N` for function_graph lines that print no task. */
  readonly task: string;
  readonly cpu: number;
  /** The irq-info column (`d.h1.`: irqs off, hardirq/softirq, preempt depth), when printed. */
  readonly flags: string;
  /** Seconds, as printed (0 for function_graph lines without an absolute time). */
  readonly time: number;
  readonly kind: FtraceKind;
  /** The traced function, the event, or the probe; for a marker, its text. */
  readonly name: string;
  /** The caller (function tracer) or the function returned from (kretprobe). */
  readonly parent: string;
  readonly args: Readonly<Record<string, string>>;
}

export type ParsedLine =
  | { readonly type: 'skip' }
  | { readonly type: 'record'; readonly record: FtraceRecord }
  | { readonly type: 'lost'; readonly cpu: number }
  | { readonly type: 'bad'; readonly reason: string };

// comm-pid, an optional tgid column, [cpu], an optional flags column, the timestamp.
const EVENT_LINE =
  /^\s*(?<task>.+?-\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(?<cpu>\d{1,4})\]\s+(?:(?<flags>[\w.]{4,6})\s+)?(?<time>\d+\.\d+):\s+(?<rest>.*)$/;
// function_graph: [abstime |] cpu) [task |] duration | body
const GRAPH_LINE =
  /^\s*(?:(?<time>\d+\.\d+)\s*\|\s*)?(?<cpu>\d{1,4})\)\s+(?:(?<task>\S+-\d+)\s+\|?\s*)?[^|]*\|\s*(?<body>.*)$/;
const PROBE = /^\(\s*(?<at>[^)]*?)\s*\)\s*(?<args>.*)$/;

/** `k=v k2=v2 ...`; a value runs to the next ` key=` (irq names have spaces: `name=DMA IRQ`). */
export function parseArgs(text: string): Record<string, string> {
  const args: Record<string, string> = {};
  const re = /(?:^|\s)\[?(\w+)=/g;
  const keys: { key: string; start: number; end: number }[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    keys.push({ key: m[1] ?? '', start: m.index, end: m.index + m[0].length });
  }
  keys.forEach((k, i) => {
    const next = keys[i + 1];
    args[k.key] = text
      .slice(k.end, next === undefined ? text.length : next.start)
      .trim()
      .replace(/\]$/, '');
  });
  return args;
}

function eventRest(rest: string): Pick<FtraceRecord, 'kind' | 'name' | 'parent' | 'args'> | null {
  // trace-cmd: "function:   f <-- parent"; the kernel: "f <-parent"
  const fn =
    /^(?:function:\s+)?(?<name>[\w.$]+)(?:\+0x[\da-f]+\/0x[\da-f]+)?\s+<-{1,2}\s*(?<parent>\S+)\s*$/.exec(
      rest,
    );
  if (fn?.groups)
    return { kind: 'function', name: fn.groups.name ?? '', parent: fn.groups.parent ?? '', args: {} };
  const ev = /^(?<name>[\w.]+):\s*(?<body>.*)$/.exec(rest);
  if (!ev?.groups) return null;
  const name = ev.groups.name ?? '';
  const body = ev.groups.body ?? '';
  if (name === 'tracing_mark_write' || name === 'print') {
    return { kind: 'marker', name: body.replace(/^[\w.]+:\s*/, '').trim(), parent: '', args: {} };
  }
  if (name === 'funcgraph_entry' || name === 'funcgraph_exit')
    return graphBody(body.replace(/^[^|]*\|\s*/, ''));
  const probe = PROBE.exec(body);
  if (probe?.groups) {
    const at = probe.groups.at ?? '';
    const ret = /^(?<caller>.+?)\s+<-\s+(?<fn>\S+)$/.exec(at);
    return ret?.groups
      ? { kind: 'kretprobe', name, parent: ret.groups.fn ?? '', args: parseArgs(probe.groups.args ?? '') }
      : { kind: 'kprobe', name, parent: at.replace(/\+0x.*$/, ''), args: parseArgs(probe.groups.args ?? '') };
  }
  return { kind: 'event', name, parent: '', args: parseArgs(body) };
}

function graphBody(body: string): Pick<FtraceRecord, 'kind' | 'name' | 'parent' | 'args'> | null {
  const b = body.trim();
  const call = /^(?<name>[\w.$]+)\(\)\s*(?<open>[{;])$/.exec(b);
  if (call?.groups) {
    return {
      kind: call.groups.open === '{' ? 'graph-entry' : 'function',
      name: call.groups.name ?? '',
      parent: '',
      args: {},
    };
  }
  const exit = /^\}(?:\s*\/\*\s*(?<name>[\w.$]+)\s*\*\/)?$/.exec(b);
  if (exit) return { kind: 'graph-exit', name: exit.groups?.name ?? '', parent: '', args: {} };
  const comment = /^\/\*\s*(?<inner>.*?)\s*\*\/$/.exec(b);
  if (comment?.groups) return eventRest(comment.groups.inner ?? '');
  return null;
}

export function parseFtraceLine(text: string, line: number): ParsedLine {
  const t = text.replace(/\r$/, '');
  if (t.trim() === '' || /^\s*#/.test(t)) return { type: 'skip' };
  // trace-cmd's header, and the notes the kernel prints between records
  if (/^(cpus=\d+|version = \d+|CPU \d+ is empty|CPU\s*\d+ data recorded at offset=)/.test(t.trim()))
    return { type: 'skip' };
  const lost = /^\s*CPU:(\d+) \[LOST \d+ EVENTS\]/.exec(t);
  if (lost) return { type: 'lost', cpu: Number(lost[1]) };
  const ev = EVENT_LINE.exec(t);
  if (ev?.groups) {
    const rest = eventRest(ev.groups.rest ?? '');
    if (rest === null)
      return { type: 'bad', reason: `unreadable event text "${(ev.groups.rest ?? '').slice(0, 60)}"` };
    return {
      type: 'record',
      record: {
        line,
        text: t,
        task: (ev.groups.task ?? '').trim(),
        cpu: Number(ev.groups.cpu),
        flags: ev.groups.flags ?? '',
        time: Number(ev.groups.time),
        ...rest,
      },
    };
  }
  const g = GRAPH_LINE.exec(t);
  if (g?.groups) {
    const rest = graphBody(g.groups.body ?? '');
    if (rest === null)
      return {
        type: 'bad',
        reason: `unreadable function_graph text "${(g.groups.body ?? '').slice(0, 60)}"`,
      };
    const cpu = Number(g.groups.cpu);
    return {
      type: 'record',
      record: {
        line,
        text: t,
        task: g.groups.task ?? `cpu ${cpu}`,
        cpu,
        flags: '',
        time: g.groups.time === undefined ? 0 : Number(g.groups.time),
        ...rest,
      },
    };
  }
  return { type: 'bad', reason: 'not a line of an ftrace trace (trace or trace-cmd report format)' };
}

/** A number argument as ftrace prints it: decimal, or hex with 0x. */
export function argNumber(v: string | undefined): number | null {
  if (v === undefined || v === '') return null;
  const n = v.startsWith('0x') ? Number.parseInt(v, 16) : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A pointer as kprobes print it (0x...) or as %p does (hashed, bare hex); NULL is none. */
export function argPointer(v: string | undefined): string | null {
  if (v === undefined || !/^(0x)?[\da-f]+$/i.test(v)) return null;
  const n = Number.parseInt(v.replace(/^0x/i, ''), 16);
  if (!Number.isFinite(n) || n === 0) return null;
  return `0x${n.toString(16)}`;
}
