/** The page size of the model's one architecture (asm/page.h PAGE_SIZE). */
export const PAGE_SIZE = 4096;
