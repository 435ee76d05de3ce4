// Bug class: the residue is always computed for the running transfer, even for a cookie that
// is still queued (at_hdmac before "Fix calculation of the residual bytes", bdf6c79278b3;
// reference §8 #23).
import { mutant } from './mutate.js';
import { activeResidue, rewriteResidue } from './residue.js';

export default mutant('residue-of-active', (device, ctx) => {
  rewriteResidue(device, ctx, (c, cookie, reported) =>
    c.active && c.active.tx.cookie !== cookie ? activeResidue(c, ctx) : reported,
  );
});
