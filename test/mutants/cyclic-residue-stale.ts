// Bug class: after a cyclic transfer's first pass its hardware descriptors are read as
// complete, so the residue says 0 for every later reading (xilinx_dma before "Fix residue
// calculation for cyclic DMA"; reference §8 #27).
import type { RefDesc } from 'dmactor';
import { mutant } from './mutate.js';
import { rewriteResidue } from './residue.js';

export default mutant('cyclic-residue-stale', (device, ctx) => {
  const wrapped = new WeakSet<RefDesc>();
  const last = new WeakMap<RefDesc, number>();
  rewriteResidue(device, ctx, (c, cookie, reported) => {
    const vd = c.active;
    if (!vd?.cyclic || vd.tx.cookie !== cookie || c.phy === null) return reported;
    const at = vd.llis.indexOf(ctx.controller.currentItem(c.phy)!);
    if (at < (last.get(vd) ?? 0)) wrapped.add(vd); // a later pass
    last.set(vd, at);
    return wrapped.has(vd) ? 0 : reported; // the bug
  });
});
