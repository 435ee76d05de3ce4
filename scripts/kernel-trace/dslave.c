// SPDX-License-Identifier: GPL-2.0
/*
 * dslave: a small dmaengine client for dmactor's recorded traces. It exercises what dmatest
 * does not: a slave_sg DEV_TO_MEM transfer with a completion callback, a descriptor submitted
 * and never issued, dmaengine_terminate_sync on submitted and on issued work, tx_status of a
 * terminated cookie, and dma_release_channel. Each phase is a noinline function, so the
 * function tracer (filter ':mod:dslave') marks where it begins.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/module.h>
#include <linux/scatterlist.h>

#define DSLAVE_LEN 4096

struct dslave {
	struct dma_chan *chan;
	struct device *dev;
	void *src, *dst;
	dma_addr_t src_dma, dst_dma;
	struct scatterlist sg[2];
	atomic_t callbacks;
	struct completion done;
};

static noinline void dslave_cb(void *arg)
{
	struct dslave *d = arg;

	atomic_inc(&d->callbacks);
	complete(&d->done);
}

static struct dma_async_tx_descriptor *dslave_prep(struct dslave *d)
{
	struct dma_async_tx_descriptor *tx;

	tx = dmaengine_prep_slave_sg(d->chan, d->sg, 2, DMA_DEV_TO_MEM,
				     DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (tx) {
		tx->callback = dslave_cb;
		tx->callback_param = d;
	}
	return tx;
}

/* Phase 1: slave_sg DEV_TO_MEM, submit, issue, wait for the callback. */
static noinline int dslave_phase_slave_sg(struct dslave *d)
{
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;
	enum dma_status st;

	reinit_completion(&d->done);
	tx = dslave_prep(d);
	if (!tx)
		return -ENOMEM;
	cookie = dmaengine_submit(tx);
	dma_async_issue_pending(d->chan);
	if (!wait_for_completion_timeout(&d->done, msecs_to_jiffies(2000)))
		return -ETIMEDOUT;
	st = dmaengine_tx_status(d->chan, cookie, NULL);
	pr_info("dslave: slave_sg cookie %d status %d\n", cookie, st);
	return st == DMA_COMPLETE ? 0 : -EIO;
}

/* Phase 2: two descriptors submitted and never issued, then terminate_sync. */
static noinline int dslave_phase_submit_no_issue(struct dslave *d)
{
	struct dma_async_tx_descriptor *tx1, *tx2;
	dma_cookie_t c1, c2;
	int before = atomic_read(&d->callbacks);

	tx1 = dslave_prep(d);
	tx2 = dslave_prep(d);
	if (!tx1 || !tx2)
		return -ENOMEM;
	c1 = dmaengine_submit(tx1);
	c2 = dmaengine_submit(tx2);
	msleep(20);
	pr_info("dslave: unissued cookies %d %d status %d %d\n", c1, c2,
		dmaengine_tx_status(d->chan, c1, NULL),
		dmaengine_tx_status(d->chan, c2, NULL));
	dmaengine_terminate_sync(d->chan);
	pr_info("dslave: after terminate_sync status %d %d, callbacks %d\n",
		dmaengine_tx_status(d->chan, c1, NULL),
		dmaengine_tx_status(d->chan, c2, NULL),
		atomic_read(&d->callbacks) - before);
	return atomic_read(&d->callbacks) == before ? 0 : -EIO;
}

/* Phase 3: two descriptors issued, then terminate_sync at once. */
static noinline int dslave_phase_issue_terminate(struct dslave *d)
{
	struct dma_async_tx_descriptor *tx1, *tx2;
	dma_cookie_t c1, c2;
	int before = atomic_read(&d->callbacks);

	tx1 = dslave_prep(d);
	tx2 = dslave_prep(d);
	if (!tx1 || !tx2)
		return -ENOMEM;
	c1 = dmaengine_submit(tx1);
	c2 = dmaengine_submit(tx2);
	dma_async_issue_pending(d->chan);
	dmaengine_terminate_sync(d->chan);
	pr_info("dslave: issued then terminated cookies %d %d status %d %d, callbacks %d\n",
		c1, c2, dmaengine_tx_status(d->chan, c1, NULL),
		dmaengine_tx_status(d->chan, c2, NULL),
		atomic_read(&d->callbacks) - before);
	return 0;
}

/* Phase 4: one more transfer after the terminate, so the channel is shown usable again. */
static noinline int dslave_phase_after_terminate(struct dslave *d)
{
	return dslave_phase_slave_sg(d);
}

static noinline void dslave_phase_release(struct dslave *d)
{
	dma_release_channel(d->chan);
}

static int __init dslave_init(void)
{
	struct dma_slave_config cfg = {};
	dma_cap_mask_t mask;
	struct dslave *d;
	int ret;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	init_completion(&d->done);
	dma_cap_zero(mask);
	dma_cap_set(DMA_SLAVE, mask);
	d->chan = dma_request_channel(mask, NULL, NULL);
	if (!d->chan) {
		pr_err("dslave: no slave channel\n");
		kfree(d);
		return -ENODEV;
	}
	d->dev = d->chan->device->dev;
	d->src = dma_alloc_coherent(d->dev, DSLAVE_LEN, &d->src_dma, GFP_KERNEL);
	d->dst = dma_alloc_coherent(d->dev, 2 * DSLAVE_LEN, &d->dst_dma, GFP_KERNEL);
	if (!d->src || !d->dst) {
		ret = -ENOMEM;
		goto out;
	}
	/* The "device" is a coherent buffer: the controller reads one 32-bit word repeatedly. */
	cfg.direction = DMA_DEV_TO_MEM;
	cfg.src_addr = d->src_dma;
	cfg.src_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES;
	cfg.src_maxburst = 1;
	ret = dmaengine_slave_config(d->chan, &cfg);
	if (ret)
		goto out;
	/* Lengths are multiples of 4: QEMU's BCM2835 DMA loops forever on anything else. */
	sg_init_table(d->sg, 2);
	sg_dma_address(&d->sg[0]) = d->dst_dma;
	sg_dma_len(&d->sg[0]) = 1024;
	sg_dma_address(&d->sg[1]) = d->dst_dma + DSLAVE_LEN;
	sg_dma_len(&d->sg[1]) = 2048;

	pr_info("dslave: channel %s\n", dma_chan_name(d->chan));
	pr_info("dslave: phase slave_sg %d\n", dslave_phase_slave_sg(d));
	pr_info("dslave: phase submit_no_issue %d\n", dslave_phase_submit_no_issue(d));
	pr_info("dslave: phase issue_terminate %d\n", dslave_phase_issue_terminate(d));
	pr_info("dslave: phase after_terminate %d\n", dslave_phase_after_terminate(d));
	ret = 0;
out:
	if (d->dst)
		dma_free_coherent(d->dev, 2 * DSLAVE_LEN, d->dst, d->dst_dma);
	if (d->src)
		dma_free_coherent(d->dev, DSLAVE_LEN, d->src, d->src_dma);
	dslave_phase_release(d);
	kfree(d);
	pr_info("dslave: done %d\n", ret);
	/* Stays loaded: the trace is printed after init, and ftrace names its functions then. */
	return ret;
}

static void __exit dslave_exit(void)
{
}

module_init(dslave_init);
module_exit(dslave_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("dmaengine slave_sg / terminate_sync client for dmactor traces");
