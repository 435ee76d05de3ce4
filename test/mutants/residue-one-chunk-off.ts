// Bug class: the residue is read from a pointer to the next hardware descriptor, so the chunk
// in flight counts as done: one chunk off (rcar-dmac before "fixup descriptor pointer for
// descriptor mode", Kuninori Morimoto; reference §8 #25).
import { mutant } from './mutate.js';
import { rewriteResidue } from './residue.js';

export default mutant('residue-one-chunk-off', (device, ctx) => {
  rewriteResidue(device, ctx, (c, cookie, reported) => {
    if (!c.active || c.active.tx.cookie !== cookie || c.phy === null) return reported;
    return Math.max(0, reported - ctx.controller.itemResidue(c.phy));
  });
});
