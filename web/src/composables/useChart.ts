import type { EChartsCoreOption, ECharts } from 'echarts/core';
import { init } from 'echarts/core';
import { onBeforeUnmount, onMounted, watch, type Ref, type WatchSource } from 'vue';

/**
 * One ECharts instance bound to an element for the component's life: drawn on mount, again
 * whenever `deps` change, resized with the window, disposed on unmount. Each chart component
 * registers (echarts/core `use`) only the chart types it draws.
 */
export function useChart(el: Ref<HTMLElement | undefined>, option: () => EChartsCoreOption, deps: WatchSource[]) {
  let chart: ECharts | undefined;
  const render = () => chart?.setOption(option(), { notMerge: true });
  const onResize = () => chart?.resize();
  onMounted(() => {
    chart = init(el.value!);
    render();
    window.addEventListener('resize', onResize);
  });
  onBeforeUnmount(() => {
    window.removeEventListener('resize', onResize);
    chart?.dispose();
    chart = undefined;
  });
  watch(deps, render, { deep: true });
  return { render };
}
