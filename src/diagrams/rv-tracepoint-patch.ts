import { dmaTracepoints } from '../rv/tracepoints.js';
import { tracepointProto } from './rv-tracepoint-header.js';

/**
 * The patch placing the dmaengine tracepoints at their hook points, computed against a kernel
 * tree (the text of Linux 6.1 and 7.3 both; each edit names the exact lines it expects, and a tree where one
 * is missing or not unique is refused with the file and the lines). Header inlines cannot
 * include a trace header, so include/linux/dmaengine.h declares each tracepoint with
 * DECLARE_TRACEPOINT and calls an out-of-line `dmaengine_do_trace_<name>()` behind
 * tracepoint_enabled() (Documentation/trace/tracepoints.rst, "tracepoints in header files");
 * drivers/dma/dmaengine.c creates the tracepoints, defines those helpers and exports both,
 * for the modules that call them (virt-dma drivers) and attach to them (RV monitors).
 */

export interface KernelEdit {
  readonly file: string;
  /** Exact text that must occur once in the file. */
  readonly find: string;
  readonly replace: string;
}

const T = (name: string, ...args: string[]) => `DMAENGINE_TRACE(${name}, ${args.join(', ')});`;

function declarations(): string {
  const lines = [
    '/*',
    ' * dmaengine tracepoints (include/trace/events/dmaengine.h), callable from inlines: the',
    ' * helpers are defined in drivers/dma/dmaengine.c.',
    ' */',
    '#define DMAENGINE_TRACE(name, ...)\t\t\t\t\t\t\\',
    '\tdo {\t\t\t\t\t\t\t\t\\',
    '\t\tif (tracepoint_enabled(name))\t\t\t\t\\',
    '\t\t\tdmaengine_do_trace_##name(__VA_ARGS__);\t\t\\',
    '\t} while (0)',
    '#define DMAENGINE_TRACE_PREP(name, expr, flags)\t\t\t\t\\',
    '\t({\t\t\t\t\t\t\t\t\\',
    '\t\tstruct dma_async_tx_descriptor *__tx = (expr);\t\t\\',
    '\t\tif (__tx)\t\t\t\t\t\t\\',
    '\t\t\tDMAENGINE_TRACE(name, __tx, flags);\t\t\\',
    '\t\t__tx;\t\t\t\t\t\t\t\\',
    '\t})',
    '#define DMAENGINE_TRACE_OK(name, expr, chan)\t\t\t\t\\',
    '\t({\t\t\t\t\t\t\t\t\\',
    '\t\tint __ret = (expr);\t\t\t\t\t\\',
    '\t\tif (!__ret)\t\t\t\t\t\t\\',
    '\t\t\tDMAENGINE_TRACE(name, chan);\t\t\t\\',
    '\t\t__ret;\t\t\t\t\t\t\t\\',
    '\t})',
    'struct virt_dma_chan;',
    'struct tasklet_struct;',
  ];
  for (const tp of dmaTracepoints) {
    lines.push(
      `DECLARE_TRACEPOINT(${tp.name});`,
      `void dmaengine_do_trace_${tp.name}(${tracepointProto(tp).join(', ')});`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}

function helpers(): string {
  const out = ['', '#define CREATE_TRACE_POINTS', '#include <trace/events/dmaengine.h>', ''];
  for (const tp of dmaTracepoints) {
    const names = tracepointProto(tp).map((a) => a.split(/[ *]+/).at(-1) ?? '');
    out.push(
      `void dmaengine_do_trace_${tp.name}(${tracepointProto(tp).join(', ')})`,
      '{',
      `\ttrace_${tp.name}(${names.join(', ')});`,
      '}',
      `EXPORT_SYMBOL_GPL(dmaengine_do_trace_${tp.name});`,
      `EXPORT_TRACEPOINT_SYMBOL_GPL(${tp.name});`,
      '',
    );
  }
  return out.join('\n');
}

const DMAENGINE_H = 'include/linux/dmaengine.h';
const DMAENGINE_C = 'drivers/dma/dmaengine.c';
const PRIVATE_H = 'drivers/dma/dmaengine.h';
const VIRT_H = 'drivers/dma/virt-dma.h';
const VIRT_C = 'drivers/dma/virt-dma.c';

export function tracepointEdits(): KernelEdit[] {
  const e = (file: string, find: string, replace: string): KernelEdit => ({ file, find, replace });
  return [
    e(
      DMAENGINE_H,
      '#include <linux/types.h>\n',
      '#include <linux/types.h>\n#include <linux/tracepoint-defs.h>\n',
    ),
    e(
      DMAENGINE_H,
      'static inline int dmaengine_slave_config(struct dma_chan *chan,\n',
      `${declarations()}static inline int dmaengine_slave_config(struct dma_chan *chan,\n`,
    ),
    e(
      DMAENGINE_H,
      '\t\treturn chan->device->device_config(chan, config);\n',
      '\t\treturn DMAENGINE_TRACE_OK(dmaengine_slave_config,\n\t\t\t\t\t  chan->device->device_config(chan, config), chan);\n',
    ),
    e(
      DMAENGINE_H,
      '\treturn chan->device->device_prep_slave_sg(chan, &sg, 1,\n\t\t\t\t\t\t  dir, flags, NULL);\n',
      '\treturn DMAENGINE_TRACE_PREP(dmaengine_prep_slave,\n\t\tchan->device->device_prep_slave_sg(chan, &sg, 1, dir, flags, NULL),\n\t\tflags);\n',
    ),
    e(
      DMAENGINE_H,
      '\treturn chan->device->device_prep_slave_sg(chan, sgl, sg_len,\n\t\t\t\t\t\t  dir, flags, NULL);\n',
      '\treturn DMAENGINE_TRACE_PREP(dmaengine_prep_slave,\n\t\tchan->device->device_prep_slave_sg(chan, sgl, sg_len, dir, flags, NULL),\n\t\tflags);\n',
    ),
    e(
      DMAENGINE_H,
      '\treturn chan->device->device_prep_dma_cyclic(chan, buf_addr, buf_len,\n\t\t\t\t\t\tperiod_len, dir, flags);\n',
      '\treturn DMAENGINE_TRACE_PREP(dmaengine_prep_cyclic,\n\t\tchan->device->device_prep_dma_cyclic(chan, buf_addr, buf_len,\n\t\t\t\t\t\t     period_len, dir, flags),\n\t\tflags);\n',
    ),
    e(
      DMAENGINE_H,
      '\treturn chan->device->device_prep_interleaved_dma(chan, xt, flags);\n',
      '\treturn DMAENGINE_TRACE_PREP(dmaengine_prep_interleaved,\n\t\tchan->device->device_prep_interleaved_dma(chan, xt, flags), flags);\n',
    ),
    e(
      DMAENGINE_H,
      '\treturn chan->device->device_prep_dma_memcpy(chan, dest, src,\n\t\t\t\t\t\t    len, flags);\n',
      '\treturn DMAENGINE_TRACE_PREP(dmaengine_prep_mem,\n\t\tchan->device->device_prep_dma_memcpy(chan, dest, src, len, flags),\n\t\tflags);\n',
    ),
    // dmaengine_terminate_all (deprecated) terminates too.
    ...['dmaengine_terminate_all', 'dmaengine_terminate_async'].map((fn) =>
      e(
        DMAENGINE_H,
        `static inline int ${fn}(struct dma_chan *chan)\n{\n\tif (chan->device->device_terminate_all)\n\t\treturn chan->device->device_terminate_all(chan);\n`,
        `static inline int ${fn}(struct dma_chan *chan)\n{\n\tif (chan->device->device_terminate_all)\n\t\treturn DMAENGINE_TRACE_OK(dmaengine_terminate,\n\t\t\t\t\t  chan->device->device_terminate_all(chan), chan);\n`,
      ),
    ),
    e(
      DMAENGINE_H,
      '\t\tchan->device->device_synchronize(chan);\n}\n',
      `\t\tchan->device->device_synchronize(chan);\n\t${T('dmaengine_synchronize', 'chan')}\n}\n`,
    ),
    e(
      DMAENGINE_H,
      '\t\treturn chan->device->device_pause(chan);\n',
      '\t\treturn DMAENGINE_TRACE_OK(dmaengine_pause, chan->device->device_pause(chan), chan);\n',
    ),
    e(
      DMAENGINE_H,
      '\t\treturn chan->device->device_resume(chan);\n',
      '\t\treturn DMAENGINE_TRACE_OK(dmaengine_resume, chan->device->device_resume(chan), chan);\n',
    ),
    e(
      DMAENGINE_H,
      '\treturn desc->tx_submit(desc);\n',
      `\tdma_cookie_t cookie = desc->tx_submit(desc);\n\n\t${T('dmaengine_submit', 'desc', 'cookie')}\n\treturn cookie;\n`,
    ),
    e(
      DMAENGINE_H,
      '\ttx->flags |= DMA_CTRL_ACK;\n}\n',
      `\ttx->flags |= DMA_CTRL_ACK;\n\t${T('dmaengine_desc_ack', 'tx', 'tx->cookie')}\n}\n`,
    ),
    e(
      DMAENGINE_H,
      '\tchan->device->device_issue_pending(chan);\n',
      `\t${T('dmaengine_issue_pending', 'chan')}\n\tchan->device->device_issue_pending(chan);\n`,
    ),
    e(
      DMAENGINE_H,
      '\ttx->flags |= DMA_CTRL_REUSE;\n\treturn 0;\n',
      `\ttx->flags |= DMA_CTRL_REUSE;\n\t${T('dmaengine_desc_set_reuse', 'tx', 'tx->cookie')}\n\treturn 0;\n`,
    ),
    e(
      DMAENGINE_H,
      '\ttx->flags &= ~DMA_CTRL_REUSE;\n}\n',
      `\ttx->flags &= ~DMA_CTRL_REUSE;\n\t${T('dmaengine_desc_clear_reuse', 'tx', 'tx->cookie')}\n}\n`,
    ),
    e(
      DMAENGINE_H,
      '\treturn desc->desc_free(desc);\n',
      `\t${T('dmaengine_desc_free', 'desc', 'desc->cookie')}\n\treturn desc->desc_free(desc);\n`,
    ),
    // drivers/dma/dmaengine.c: the tracepoints themselves, request, release, metadata.
    e(DMAENGINE_C, '#include "dmaengine.h"\n', `#include "dmaengine.h"\n${helpers()}`),
    e(DMAENGINE_C, 'found:\n', 'found:\n\ttrace_dmaengine_request_chan(chan);\n'),
    e(
      DMAENGINE_C,
      'void dma_release_channel(struct dma_chan *chan)\n{\n',
      'void dma_release_channel(struct dma_chan *chan)\n{\n\ttrace_dmaengine_release_chan(chan);\n',
    ),
    e(
      DMAENGINE_C,
      '\tret = desc_check_and_set_metadata_mode(desc, DESC_METADATA_CLIENT);\n\tif (ret)\n\t\treturn ret;\n',
      '\tret = desc_check_and_set_metadata_mode(desc, DESC_METADATA_CLIENT);\n\tif (ret)\n\t\treturn ret;\n\ttrace_dmaengine_desc_metadata_client(desc, desc->cookie);\n',
    ),
    e(
      DMAENGINE_C,
      '\tret = desc_check_and_set_metadata_mode(desc, DESC_METADATA_ENGINE);\n\tif (ret)\n\t\treturn ERR_PTR(ret);\n',
      '\tret = desc_check_and_set_metadata_mode(desc, DESC_METADATA_ENGINE);\n\tif (ret)\n\t\treturn ERR_PTR(ret);\n\ttrace_dmaengine_desc_metadata_engine(desc, desc->cookie);\n',
    ),
    // drivers/dma/dmaengine.h: the provider helpers.
    e(
      PRIVATE_H,
      '\ttx->chan->completed_cookie = tx->cookie;\n',
      `\ttx->chan->completed_cookie = tx->cookie;\n\t${T('dmaengine_cookie_complete', 'tx', 'tx->cookie')}\n`,
    ),
    e(
      PRIVATE_H,
      '\tcb->callback_param = tx->callback_param;\n}\n',
      `\tcb->callback_param = tx->callback_param;\n\t${T('dmaengine_fetch_callback', 'tx', 'tx->cookie')}\n}\n`,
    ),
    e(
      PRIVATE_H,
      '\tstruct dmaengine_desc_callback cb;\n\n\tdmaengine_desc_get_callback(tx, &cb);\n\tdmaengine_desc_callback_invoke(&cb, result);\n}\n',
      // The descriptor may be gone once its callback returned: only its address is recorded.
      `\tstruct dmaengine_desc_callback cb;\n\tdma_cookie_t cookie = tx->cookie;\n\n\tdmaengine_desc_get_callback(tx, &cb);\n\t${T('dmaengine_callback_begin', 'tx', 'cookie')}\n\tdmaengine_desc_callback_invoke(&cb, result);\n\t${T('dmaengine_callback_end', 'tx', 'cookie')}\n}\n`,
    ),
    // drivers/dma/virt-dma.h
    e(
      VIRT_H,
      '\tlist_add_tail(&vd->node, &vc->desc_allocated);\n',
      `\tlist_add_tail(&vd->node, &vc->desc_allocated);\n\t${T('vchan_tx_prep', 'vc')}\n`,
    ),
    e(
      VIRT_H,
      '\tlist_splice_tail_init(&vc->desc_submitted, &vc->desc_issued);\n',
      '\tif (tracepoint_enabled(dmaengine_desc_issue)) {\n\t\tstruct virt_dma_desc *vd;\n\n\t\tlist_for_each_entry(vd, &vc->desc_submitted, node)\n\t\t\tdmaengine_do_trace_dmaengine_desc_issue(&vd->tx, vd->tx.cookie);\n\t}\n\tlist_splice_tail_init(&vc->desc_submitted, &vc->desc_issued);\n',
    ),
    e(
      VIRT_H,
      '\tlist_add_tail(&vd->node, &vc->desc_completed);\n\n\ttasklet_schedule(&vc->task);\n',
      `\tlist_add_tail(&vd->node, &vc->desc_completed);\n\t${T('vchan_cookie_complete', 'vc', 'cookie')}\n\n\t${T('vchan_tasklet_schedule', '&vc->task')}\n\ttasklet_schedule(&vc->task);\n`,
    ),
    e(
      VIRT_H,
      '\t\tlist_add(&vd->node, &vc->desc_allocated);\n',
      `\t\tlist_add(&vd->node, &vc->desc_allocated);\n\t\t${T('dmaengine_desc_recycle', '&vd->tx', 'vd->tx.cookie')}\n`,
    ),
    e(
      VIRT_H,
      '\t\tvc->desc_free(vd);\n',
      `\t\t${T('dmaengine_desc_free', '&vd->tx', 'vd->tx.cookie')}\n\t\t${T('vchan_desc_free', 'vc')}\n\t\tvc->desc_free(vd);\n`,
    ),
    e(
      VIRT_H,
      '\tvc->cyclic = vd;\n\ttasklet_schedule(&vc->task);\n',
      `\tvc->cyclic = vd;\n\t${T('dmaengine_desc_period', '&vd->tx', 'vd->tx.cookie')}\n\t${T('vchan_tasklet_schedule', '&vc->task')}\n\ttasklet_schedule(&vc->task);\n`,
    ),
    e(
      VIRT_H,
      '\tlist_add_tail(&vd->node, &vc->desc_terminated);\n',
      `\t${T('dmaengine_desc_terminate', '&vd->tx', 'vd->tx.cookie')}\n\tlist_add_tail(&vd->node, &vc->desc_terminated);\n`,
    ),
    e(
      VIRT_H,
      '\tlist_splice_tail_init(&vc->desc_terminated, head);\n',
      `\tlist_splice_tail_init(&vc->desc_terminated, head);\n\t${T('vchan_get_all_descriptors', 'vc')}\n`,
    ),
    e(
      VIRT_H,
      '\ttasklet_kill(&vc->task);\n',
      `\ttasklet_kill(&vc->task);\n\t${T('vchan_tasklet_kill', '&vc->task')}\n`,
    ),
    e(
      VIRT_H,
      '\tlist_splice_tail_init(&vc->desc_terminated, &head);\n\n\tspin_unlock_irqrestore(&vc->lock, flags);\n\n\tvchan_dma_desc_free_list(vc, &head);\n',
      `\tlist_splice_tail_init(&vc->desc_terminated, &head);\n\n\tspin_unlock_irqrestore(&vc->lock, flags);\n\n\tvchan_dma_desc_free_list(vc, &head);\n\t${T('vchan_synchronize', 'vc')}\n`,
    ),
    // drivers/dma/virt-dma.c
    e(VIRT_C, '#include "virt-dma.h"\n', '#include "virt-dma.h"\n#include <trace/events/dmaengine.h>\n'),
    e(
      VIRT_C,
      '\tlist_move_tail(&vd->node, &vc->desc_submitted);\n',
      '\tlist_move_tail(&vd->node, &vc->desc_submitted);\n\ttrace_vchan_tx_submit(vc, cookie);\n',
    ),
    e(
      VIRT_C,
      '\tLIST_HEAD(head);\n\n\tspin_lock_irq(&vc->lock);\n\tlist_splice_tail_init(&vc->desc_completed, &head);\n',
      '\tLIST_HEAD(head);\n\n\ttrace_vchan_tasklet_run_begin(t);\n\tspin_lock_irq(&vc->lock);\n\tlist_splice_tail_init(&vc->desc_completed, &head);\n\ttrace_vchan_complete_splice(vc);\n',
    ),
    e(VIRT_C, '\t\tvc->cyclic = NULL;\n', '\t\tvc->cyclic = NULL;\n\t\ttrace_vchan_cyclic_clear(vc);\n'),
    e(
      VIRT_C,
      '\tdmaengine_desc_callback_invoke(&cb, &vd->tx_result);\n\n\tlist_for_each_entry_safe',
      '\tif (vd)\n\t\ttrace_dmaengine_callback_begin(&vd->tx, vd->tx.cookie);\n\tdmaengine_desc_callback_invoke(&cb, &vd->tx_result);\n\tif (vd)\n\t\ttrace_dmaengine_callback_end(&vd->tx, vd->tx.cookie);\n\n\tlist_for_each_entry_safe',
    ),
    e(
      VIRT_C,
      '\t\tdmaengine_desc_callback_invoke(&cb, &vd->tx_result);\n\t\tvchan_vdesc_fini(vd);\n\t}\n}\n',
      '\t\ttrace_dmaengine_callback_begin(&vd->tx, vd->tx.cookie);\n\t\tdmaengine_desc_callback_invoke(&cb, &vd->tx_result);\n\t\ttrace_dmaengine_callback_end(&vd->tx, vd->tx.cookie);\n\t\tvchan_vdesc_fini(vd);\n\t}\n\ttrace_vchan_tasklet_run_end(t);\n}\n',
    ),
    e(
      VIRT_C,
      '\ttasklet_setup(&vc->task, vchan_complete);\n',
      '\ttasklet_setup(&vc->task, vchan_complete);\n\ttrace_vchan_tasklet_setup(&vc->task);\n',
    ),
    e(
      VIRT_C,
      '\tlist_add_tail(&vc->chan.device_node, &dmadev->channels);\n',
      '\tlist_add_tail(&vc->chan.device_node, &dmadev->channels);\n\ttrace_vchan_init(vc);\n',
    ),
  ];
}

/** Applies the edits to `read(file)`'s texts; a missing or repeated anchor is an error naming it. */
export function applyEdits(
  edits: readonly KernelEdit[],
  read: (file: string) => string,
): Map<string, { before: string; after: string }> {
  const files = new Map<string, { before: string; after: string }>();
  for (const ed of edits) {
    const cur = files.get(ed.file) ?? { before: read(ed.file), after: read(ed.file) };
    const at = cur.after.indexOf(ed.find);
    if (at < 0 || cur.after.indexOf(ed.find, at + 1) >= 0) {
      throw new Error(`${ed.file}: expected exactly one occurrence of:\n${ed.find}`);
    }
    files.set(ed.file, {
      before: cur.before,
      after: cur.after.slice(0, at) + ed.replace + cur.after.slice(at + ed.find.length),
    });
  }
  return files;
}

/** A unified diff (git style, -p1) from before to after: one hunk per changed run, 3 lines of context. */
export function unifiedDiff(file: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // The edits only replace runs of lines: walk both sides, matching a common prefix and suffix
  // per run, with an LCS over the small window between anchors.
  const ops = diffLines(a, b);
  const out = [`diff --git a/${file} b/${file}`, `--- a/${file}`, `+++ b/${file}`];
  const CONTEXT = 3;
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === ' ') {
      i++;
      continue;
    }
    let start = i;
    let ctx = 0;
    while (start > 0 && ctx < CONTEXT && ops[start - 1]?.kind === ' ') {
      start--;
      ctx++;
    }
    let end = i;
    for (let run = 0; end < ops.length; end++) {
      if (ops[end]?.kind === ' ') {
        run++;
        if (run > 2 * CONTEXT) break;
      } else run = 0;
    }
    // Trim trailing context to CONTEXT lines.
    let last = end - 1;
    let trailing = 0;
    while (last > i && ops[last]?.kind === ' ') {
      last--;
      trailing++;
    }
    const stop = last + 1 + Math.min(trailing, CONTEXT);
    const hunk = ops.slice(start, stop);
    const first = ops[start];
    const aStart = (first?.a ?? 0) + 1;
    const bStart = (first?.b ?? 0) + 1;
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

interface Op {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
  /** Line index in a (for ' ' and '-') or where it would be (for '+'); likewise b. */
  readonly a: number;
  readonly b: number;
}

/** Line diff by matching unique-enough runs: Myers is overkill for insert-mostly edits. */
function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i] ?? '', a: i, b: j });
      i++;
      j++;
      continue;
    }
    // Find the nearest resynchronisation: the smallest k + l with a[i+k..i+k+2] == b[j+l..j+l+2].
    let best: [number, number] | null = null;
    for (let total = 1; total < 400 && best === null; total++) {
      for (let k = 0; k <= total; k++) {
        const l = total - k;
        if (i + k > a.length || j + l > b.length) continue;
        if (same(a, i + k, b, j + l)) {
          best = [k, l];
          break;
        }
      }
    }
    const [k, l] = best ?? [a.length - i, b.length - j];
    for (let x = 0; x < k; x++) ops.push({ kind: '-', text: a[i + x] ?? '', a: i + x, b: j });
    for (let y = 0; y < l; y++) ops.push({ kind: '+', text: b[j + y] ?? '', a: i + k, b: j + y });
    i += k;
    j += l;
  }
  return ops;
}

function same(a: readonly string[], i: number, b: readonly string[], j: number): boolean {
  if (i === a.length && j === b.length) return true;
  for (let d = 0; d < 3; d++) {
    if (i + d >= a.length || j + d >= b.length) return i + d === a.length && j + d === b.length;
    if (a[i + d] !== b[j + d]) return false;
  }
  return true;
}

/** The whole patch against the tree `read` reads: edited files in a fixed order. */
export function tracepointPatch(read: (file: string) => string): string {
  const files = applyEdits(tracepointEdits(), read);
  const header = [
    'From: dmactor rv --tracepoints',
    'Subject: [PATCH] dmaengine: tracepoints at the client API, the provider helpers and virt-dma',
    '',
    'One tracepoint per event of the dmactor statecharts that a kernel RV monitor attaches to;',
    'include/trace/events/dmaengine.h is the new file beside this patch.',
    '---',
    '',
  ].join('\n');
  return header + [...files].map(([f, { before, after }]) => unifiedDiff(f, before, after)).join('');
}
