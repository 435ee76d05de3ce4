// Bug class: the part of the current chunk already moved is subtracted twice, so the residue
// goes negative and wraps to a huge u32 (idma64 before "improve residue estimation", Andy
// Shevchenko; reference §8 #28).
import { mutant } from './mutate.js';
import { rewriteResidue } from './residue.js';

export default mutant('residue-negative', (device, ctx) => {
  rewriteResidue(device, ctx, (c, cookie, reported) => {
    if (!c.active || c.active.tx.cookie !== cookie || c.phy === null) return reported;
    const hw = ctx.controller;
    const item = hw.currentItem(c.phy);
    if (item === null) return reported;
    const moved = item.len - hw.itemResidue(c.phy);
    return (reported - moved) >>> 0; // the bug: counted twice; residue is a u32
  });
});
