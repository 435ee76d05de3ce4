// SPDX-License-Identifier: GPL-2.0
/*
 * The member offsets the kprobe events need to name the descriptor on the channel
 * (bcm2835_chan.desc), the head of its issued list and the channel of a completion tasklet, compiled against the same headers and
 * configuration as the running kernel. bcm2835-structs.h is cut out of drivers/dma/bcm2835-dma.c
 * by record-kernel-trace.sh; the values are read back from the assembler output, as the
 * kernel's own asm-offsets are.
 */
#include <linux/dmaengine.h>
#include <linux/dmapool.h>
#include <linux/stddef.h>
#include "virt-dma.h"
#include "bcm2835-structs.h"

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void dmactor_offsets(void);
void dmactor_offsets(void)
{
	DEFINE(CHAN_DESC, offsetof(struct bcm2835_chan, desc));
	DEFINE(CHAN_ISSUED, offsetof(struct bcm2835_chan, vc.desc_issued));
	DEFINE(DESC_VD, offsetof(struct bcm2835_desc, vd));
	DEFINE(VD_NODE, offsetof(struct virt_dma_desc, node));
	DEFINE(TX_CHAN, offsetof(struct dma_async_tx_descriptor, chan));
	DEFINE(TX_COOKIE, offsetof(struct dma_async_tx_descriptor, cookie));
	DEFINE(CFG_SRC_ADDR, offsetof(struct dma_slave_config, src_addr));
	DEFINE(CFG_SRC_WIDTH, offsetof(struct dma_slave_config, src_addr_width));
	DEFINE(CFG_SRC_BURST, offsetof(struct dma_slave_config, src_maxburst));
	/* from the completion tasklet back to its channel: tasklet - TASK_TO_DEV is &chan->dev */
	DEFINE(TASK_TO_DEV, offsetof(struct virt_dma_chan, task) - offsetof(struct dma_chan, dev));
	DEFINE(CHANDEV_CHAN, offsetof(struct dma_chan_dev, chan));
}
