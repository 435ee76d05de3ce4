// SPDX-License-Identifier: GPL-2.0
/*
 * swdma: a memcpy dmaengine provider done by the CPU, on virt-dma, for booting the dmaengine RV
 * monitors in QEMU (which emulates no DMA controller) and running dmatest on it. Written for
 * dmactor's scripts/boot-rv-kernel.sh; it follows provider.rst the way a virt-dma driver does:
 * prep with vchan_tx_prep, issue_pending moves issued descriptors to the "hardware" (a work
 * item here), completion with vchan_cookie_complete under the lock, terminate_all with
 * vchan_get_all_descriptors and vchan_dma_desc_free_list, synchronize with vchan_synchronize.
 * It assumes DMA addresses are physical ones (no IOMMU, no bounce buffer), as in that guest.
 *
 * With client_runs=N it is also a client, the way client.rst says one is written (dmatest is
 * not one: it requests with dma_request_channel and calls the device's prep and tx_submit
 * directly): dma_request_chan through the provider's filter map, then N times
 * dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending and a completion
 * callback, then dmaengine_terminate_sync and dma_release_channel. With client_bug=1 it ends
 * with a bug instead: dma_async_issue_pending between dmaengine_terminate_async and
 * dmaengine_synchronize, which channel_allocated_activity is to report.
 */
#include <linux/dmaengine.h>
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "virt-dma.h"

#define SWDMA_CHANNELS 2

struct swdma_desc {
	struct virt_dma_desc vd;
	dma_addr_t dst, src;
	size_t len;
};

struct swdma_chan {
	struct virt_dma_chan vc;
	struct work_struct work; /* the "hardware": runs the issued descriptors */
};

static unsigned int client_runs;
module_param(client_runs, uint, 0444);
MODULE_PARM_DESC(client_runs, "memcpy transfers to run as a client at probe (default 0)");
static bool client_bug;
module_param(client_bug, bool, 0444);
MODULE_PARM_DESC(client_bug, "end as a buggy client: issue_pending between terminate_async and synchronize");

static struct platform_device *swdma_pdev;
static struct dma_device swdma_dev;
static struct swdma_chan swdma_chans[SWDMA_CHANNELS];

static struct swdma_chan *to_swdma_chan(struct dma_chan *chan)
{
	return container_of(to_virt_chan(chan), struct swdma_chan, vc);
}

static void swdma_desc_free(struct virt_dma_desc *vd)
{
	kfree(container_of(vd, struct swdma_desc, vd));
}

static void swdma_work(struct work_struct *work)
{
	struct swdma_chan *c = container_of(work, struct swdma_chan, work);
	struct virt_dma_desc *vd;
	unsigned long flags;

	spin_lock_irqsave(&c->vc.lock, flags);
	while ((vd = vchan_next_desc(&c->vc))) {
		struct swdma_desc *d = container_of(vd, struct swdma_desc, vd);

		list_del(&vd->node);
		spin_unlock_irqrestore(&c->vc.lock, flags);
		memcpy(phys_to_virt(d->dst), phys_to_virt(d->src), d->len);
		spin_lock_irqsave(&c->vc.lock, flags);
		vchan_cookie_complete(vd);
	}
	spin_unlock_irqrestore(&c->vc.lock, flags);
}

static struct dma_async_tx_descriptor *
swdma_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src, size_t len,
		  unsigned long flags)
{
	struct swdma_chan *c = to_swdma_chan(chan);
	struct swdma_desc *d = kzalloc(sizeof(*d), GFP_NOWAIT);

	if (!d)
		return NULL;
	d->dst = dst;
	d->src = src;
	d->len = len;
	return vchan_tx_prep(&c->vc, &d->vd, flags);
}

static void swdma_issue_pending(struct dma_chan *chan)
{
	struct swdma_chan *c = to_swdma_chan(chan);
	unsigned long flags;

	spin_lock_irqsave(&c->vc.lock, flags);
	if (vchan_issue_pending(&c->vc))
		schedule_work(&c->work);
	spin_unlock_irqrestore(&c->vc.lock, flags);
}

static enum dma_status swdma_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
				       struct dma_tx_state *state)
{
	return dma_cookie_status(chan, cookie, state);
}

static int swdma_terminate_all(struct dma_chan *chan)
{
	struct swdma_chan *c = to_swdma_chan(chan);
	unsigned long flags;
	LIST_HEAD(head);

	spin_lock_irqsave(&c->vc.lock, flags);
	vchan_get_all_descriptors(&c->vc, &head);
	spin_unlock_irqrestore(&c->vc.lock, flags);
	vchan_dma_desc_free_list(&c->vc, &head);
	return 0;
}

static void swdma_synchronize(struct dma_chan *chan)
{
	struct swdma_chan *c = to_swdma_chan(chan);

	flush_work(&c->work);
	vchan_synchronize(&c->vc);
}

static void swdma_free_chan_resources(struct dma_chan *chan)
{
	struct swdma_chan *c = to_swdma_chan(chan);

	swdma_terminate_all(chan);
	swdma_synchronize(chan);
	vchan_free_chan_resources(&c->vc);
}

static struct dma_async_tx_descriptor *
swdma_prep_slave_sg(struct dma_chan *chan, struct scatterlist *sgl, unsigned int sg_len,
		    enum dma_transfer_direction dir, unsigned long flags, void *context)
{
	return NULL; /* a memcpy engine: DMA_SLAVE only so that dma_request_chan finds it */
}

static bool swdma_filter(struct dma_chan *chan, void *param)
{
	return chan->device == &swdma_dev;
}

static const struct dma_slave_map swdma_map[] = {
	{ "swdma", "memcpy", NULL },
};

static void swdma_client_done(void *param)
{
	complete(param);
}

static void swdma_client(struct device *dev)
{
	struct dma_chan *chan = dma_request_chan(dev, "memcpy");
	unsigned int i, ok = 0;
	dma_addr_t src, dst;
	void *s = NULL, *d = NULL;

	if (IS_ERR(chan)) {
		dev_info(dev, "client: no channel (%ld)\n", PTR_ERR(chan));
		return;
	}
	s = dma_alloc_coherent(chan->device->dev, PAGE_SIZE, &src, GFP_KERNEL);
	d = dma_alloc_coherent(chan->device->dev, PAGE_SIZE, &dst, GFP_KERNEL);
	for (i = 0; s && d && i < client_runs; i++) {
		DECLARE_COMPLETION_ONSTACK(done);
		struct dma_async_tx_descriptor *tx;
		dma_cookie_t cookie;

		memset(s, i, PAGE_SIZE);
		memset(d, 0xff, PAGE_SIZE);
		tx = dmaengine_prep_dma_memcpy(chan, dst, src, PAGE_SIZE,
					       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
		if (!tx)
			break;
		tx->callback = swdma_client_done;
		tx->callback_param = &done;
		cookie = dmaengine_submit(tx);
		if (dma_submit_error(cookie))
			break;
		dma_async_issue_pending(chan);
		if (wait_for_completion_timeout(&done, msecs_to_jiffies(5000)) &&
		    dma_async_is_tx_complete(chan, cookie, NULL, NULL) == DMA_COMPLETE &&
		    !memcmp(s, d, PAGE_SIZE))
			ok++;
	}
	if (client_bug) {
		/* client.rst: nothing may be issued between terminate_async and synchronize */
		dmaengine_terminate_async(chan);
		dma_async_issue_pending(chan);
		dmaengine_synchronize(chan);
	} else {
		dmaengine_terminate_sync(chan);
	}
	if (s)
		dma_free_coherent(chan->device->dev, PAGE_SIZE, s, src);
	if (d)
		dma_free_coherent(chan->device->dev, PAGE_SIZE, d, dst);
	dma_release_channel(chan);
	dev_info(dev, "client: %u of %u transfers ok\n", ok, client_runs);
}

static void swdma_release(struct dma_device *dev)
{
	/* the device is static and lives as long as the module */
}

/* dmaengine takes the module owning the device from its bound driver: a platform driver. */
static int swdma_probe(struct platform_device *pdev)
{
	int i, ret;

	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	dma_cap_set(DMA_MEMCPY, swdma_dev.cap_mask);
	dma_cap_set(DMA_SLAVE, swdma_dev.cap_mask);
	swdma_dev.device_prep_slave_sg = swdma_prep_slave_sg;
	swdma_dev.filter.fn = swdma_filter;
	swdma_dev.filter.map = swdma_map;
	swdma_dev.filter.mapcnt = ARRAY_SIZE(swdma_map);
	swdma_dev.dev = &pdev->dev;
	swdma_dev.device_free_chan_resources = swdma_free_chan_resources;
	swdma_dev.device_prep_dma_memcpy = swdma_prep_memcpy;
	swdma_dev.device_issue_pending = swdma_issue_pending;
	swdma_dev.device_tx_status = swdma_tx_status;
	swdma_dev.device_terminate_all = swdma_terminate_all;
	swdma_dev.device_synchronize = swdma_synchronize;
	swdma_dev.device_release = swdma_release;
	swdma_dev.src_addr_widths = BIT(DMA_SLAVE_BUSWIDTH_8_BYTES);
	swdma_dev.dst_addr_widths = BIT(DMA_SLAVE_BUSWIDTH_8_BYTES);
	swdma_dev.directions = BIT(DMA_MEM_TO_MEM);
	swdma_dev.residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
	INIT_LIST_HEAD(&swdma_dev.channels);
	for (i = 0; i < SWDMA_CHANNELS; i++) {
		swdma_chans[i].vc.desc_free = swdma_desc_free;
		INIT_WORK(&swdma_chans[i].work, swdma_work);
		vchan_init(&swdma_chans[i].vc, &swdma_dev);
	}
	ret = dma_async_device_register(&swdma_dev);
	if (ret)
		return ret;
	if (client_runs)
		swdma_client(&pdev->dev);
	return 0;
}

static void swdma_remove(struct platform_device *pdev)
{
	dma_async_device_unregister(&swdma_dev);
}

static struct platform_driver swdma_driver = {
	.probe = swdma_probe,
	.remove = swdma_remove,
	.driver = { .name = "swdma" },
};

static int __init swdma_init(void)
{
	int ret = platform_driver_register(&swdma_driver);

	if (ret)
		return ret;
	swdma_pdev = platform_device_register_simple("swdma", -1, NULL, 0);
	if (IS_ERR(swdma_pdev)) {
		platform_driver_unregister(&swdma_driver);
		return PTR_ERR(swdma_pdev);
	}
	return 0;
}

static void __exit swdma_exit(void)
{
	platform_device_unregister(swdma_pdev);
	platform_driver_unregister(&swdma_driver);
}

module_init(swdma_init);
module_exit(swdma_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("swdma: a CPU memcpy dmaengine provider on virt-dma, for testing");
