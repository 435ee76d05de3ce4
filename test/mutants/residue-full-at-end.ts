// Bug class: in the window after the hardware finished the last item and before the interrupt
// completes the descriptor, the residue is the full length instead of 0, and a polling client
// spins (pxa_dma before "fix residue corner case", 7b09a1bba409; reference §8 #26).
import { mutant } from './mutate.js';
import { rewriteResidue } from './residue.js';

export default mutant('residue-full-at-end', (device, ctx) => {
  rewriteResidue(device, ctx, (c, cookie, reported) => {
    if (!c.active || c.active.tx.cookie !== cookie || c.phy === null) return reported;
    const hw = ctx.controller;
    return hw.currentItem(c.phy) === null && hw.state(c.phy) === 'idle' ? c.active.size : reported;
  });
});
