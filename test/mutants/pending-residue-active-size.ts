// Bug class: a pending cookie's residue is the running descriptor's size instead of its own
// full size (rcar-dmac before "Fix residue reporting for pending descriptors", ec234aafd958;
// reference §8 #24).
import { mutant } from './mutate.js';
import { rewriteResidue } from './residue.js';

export default mutant('pending-residue-active-size', (device, ctx) => {
  rewriteResidue(device, ctx, (c, cookie, reported) =>
    c.active && c.active.tx.cookie !== cookie ? c.active.size : reported,
  );
});
