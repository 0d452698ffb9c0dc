import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as chain from '../api/chain/index.ts';
import type { BlockEvent, BlockSummary, ChainStatus, FinalEvent, Halt } from '../api/chain/types.ts';

export interface LagPoint {
  time: number;
  height: number;
  finalHeight: number;
}

const MAX_POINTS = 180;
const MAX_RECENT = 10;

/**
 * The chain as it moves: one server-sent-events stream per signed-in session, shared by the
 * header, the dashboard and the explorer, so no page opens its own.
 */
export const useLive = defineStore('live', () => {
  const status = ref<ChainStatus | null>(null);
  const height = ref(0);
  const finalHeight = ref(0);
  const connected = ref(false);
  const alarm = ref<Halt | null>(null);
  const lag = ref<LagPoint[]>([]);
  const recent = ref<BlockEvent[]>([]);
  let source: EventSource | null = null;
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;

  function sample() {
    lag.value = [...lag.value.slice(-(MAX_POINTS - 1)), { time: Date.now(), height: height.value, finalHeight: finalHeight.value }];
  }

  async function refreshStatus() {
    const s = await chain.status();
    status.value = s;
    height.value = Math.max(height.value, s.height);
    finalHeight.value = Math.max(finalHeight.value, s.finalHeight);
    if (s.halted) alarm.value = s.halted;
    sample();
    return s;
  }

  // Members' attested heights only come with the status; fetch it at most once a second.
  function refreshSoon() {
    statusTimer ??= setTimeout(() => {
      statusTimer = undefined;
      refreshStatus().catch(() => undefined);
    }, 1000);
  }

  /** Blocks from before this page was opened (the stream only brings new ones). */
  function seedRecent(items: BlockSummary[]) {
    const known = new Set(recent.value.map((b) => b.height));
    const older = items.filter((b) => !known.has(b.height)).map((b) => ({ height: b.height, hash: b.hash, time: b.header.time, txCount: b.header.txCount, kinds: [] }));
    recent.value = [...recent.value, ...older].sort((a, b) => b.height - a.height).slice(0, MAX_RECENT);
  }

  function start() {
    if (source) return;
    // Quiet chains send no events; a sample every few seconds keeps the lag chart running to now.
    ticker = setInterval(sample, 5000);
    source = new EventSource(chain.streamUrl());
    source.onopen = () => {
      connected.value = true;
      refreshStatus().catch(() => undefined); // catch up on what happened while disconnected
    };
    source.onerror = () => {
      connected.value = false; // EventSource reconnects by itself
    };
    source.addEventListener('block', (e) => {
      const b = JSON.parse((e as MessageEvent).data) as BlockEvent;
      height.value = Math.max(height.value, b.height);
      recent.value = [b, ...recent.value.filter((x) => x.height !== b.height)].slice(0, MAX_RECENT);
      sample();
    });
    source.addEventListener('final', (e) => {
      finalHeight.value = Math.max(finalHeight.value, (JSON.parse((e as MessageEvent).data) as FinalEvent).height);
      sample();
      refreshSoon();
    });
    source.addEventListener('alarm', (e) => {
      alarm.value = JSON.parse((e as MessageEvent).data) as Halt;
      refreshSoon();
    });
  }

  function stop() {
    source?.close();
    source = null;
    clearInterval(ticker);
    connected.value = false;
    clearTimeout(statusTimer);
    statusTimer = undefined;
  }

  return { status, height, finalHeight, connected, alarm, lag, recent, refreshStatus, seedRecent, start, stop };
});
