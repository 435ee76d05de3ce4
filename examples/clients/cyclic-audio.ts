/**
 * An audio driver's playback ring (cyclic DMA), the way ALSA's dmaengine PCM helpers drive
 * it: a coherent ring of four periods, a period callback that advances the position, pause and
 * resume in the middle of the stream (the pointer read back with dmaengine_tx_status while
 * paused), and dmaengine_terminate_sync to stop, after which the ring is freed.
 *
 *   npx dmactor check-client examples/clients/cyclic-audio.ts
 */
import {
  complete,
  cpu_write,
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  type DmaTxState,
  defineClient,
  dma_alloc_coherent,
  dma_async_issue_pending,
  dma_free_coherent,
  dma_release_channel,
  dma_request_chan,
  dma_submit_error,
  dmaengine_get_dma_device,
  dmaengine_pause,
  dmaengine_prep_dma_cyclic,
  dmaengine_resume,
  dmaengine_slave_config,
  dmaengine_submit,
  dmaengine_terminate_sync,
  dmaengine_tx_status,
  IS_ERR,
  init_completion,
  msleep,
  reinit_completion,
  type TaskBody,
  wait_for_completion,
} from 'dmactor';

const PERIOD = 64;
const PERIODS = 4;

export default defineClient({
  name: 'pcm-playback',
  // classic-dma has no DMA_CYCLIC: its prep returns NULL, and this driver needs a cyclic engine.
  providers: ['refdma'],
  threads: ({ world, dev, tx }) => {
    let periodsPlayed = 0;
    let wantPeriods = 0;
    const reached = init_completion(world, 'pcm-periods');

    function* playback(): TaskBody {
      const chan = yield* dma_request_chan(dev, 'tx');
      if (IS_ERR(chan)) throw new Error('no playback channel');
      const ret = yield* dmaengine_slave_config(chan, {
        direction: DMA_MEM_TO_DEV,
        src_addr: 0,
        dst_addr: tx.register,
        src_addr_width: 4,
        dst_addr_width: 4,
        src_maxburst: 4,
        dst_maxburst: 4,
      });
      if (ret !== 0) throw new Error(`dmaengine_slave_config: ${ret}`);
      // The CPU writes samples while the device plays them: coherent memory, no syncs.
      const dma = dmaengine_get_dma_device(chan);
      const ring = dma_alloc_coherent(dma, PERIOD * PERIODS);
      if (ring.cpu_addr === 0) throw new Error('dma_alloc_coherent failed');
      cpu_write(
        world,
        ring.cpu_addr,
        new Uint8Array(PERIOD * PERIODS).map((_, i) => i & 0xff),
      );
      const desc = yield* dmaengine_prep_dma_cyclic(
        chan,
        ring.dma_handle,
        PERIOD * PERIODS,
        PERIOD,
        DMA_MEM_TO_DEV,
        DMA_PREP_INTERRUPT,
      );
      if (!desc) throw new Error('dmaengine_prep_dma_cyclic failed');
      // snd_pcm_period_elapsed: one call per period, in the DMA engine's tasklet.
      desc.callback = () => {
        periodsPlayed++;
        if (periodsPlayed === wantPeriods) complete(reached);
        return undefined;
      };
      wantPeriods = 3;
      const cookie = yield* dmaengine_submit(desc);
      if (dma_submit_error(cookie)) throw new Error('dmaengine_submit failed');
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(reached);

      // SNDRV_PCM_TRIGGER_PAUSE_PUSH: pause, read the position, resume.
      if ((yield* dmaengine_pause(chan)) !== 0) throw new Error('dmaengine_pause failed');
      const state: DmaTxState = { last: 0, used: 0, residue: 0, in_flight_bytes: 0 };
      const status = yield* dmaengine_tx_status(chan, cookie, state);
      if (status !== 'DMA_PAUSED' && status !== 'DMA_IN_PROGRESS')
        throw new Error(`a paused cyclic transfer reports ${status}`);
      if (state.residue > PERIOD * PERIODS) throw new Error(`residue ${state.residue} beyond the ring`);
      yield* msleep(world, 0.01);
      reinit_completion(reached);
      wantPeriods = periodsPlayed + 4;
      if ((yield* dmaengine_resume(chan)) !== 0) throw new Error('dmaengine_resume failed');
      yield* wait_for_completion(reached);

      // SNDRV_PCM_TRIGGER_STOP, then hw_free: no callback runs after terminate_sync returns.
      yield* dmaengine_terminate_sync(chan);
      dma_free_coherent(dma, PERIOD * PERIODS, ring.cpu_addr, ring.dma_handle);
      yield* dma_release_channel(chan);
    }

    return { 'pcm-playback': playback };
  },
});
