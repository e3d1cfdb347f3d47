// uPlot and its stylesheet, loaded on first use: a dynamic import, so Vite puts them in a chunk of their
// own that only the activity page fetches (the entry stays inside the bundle budget).
import type uPlotType from 'uplot';

export interface UPlotModule {
  UPlot: typeof uPlotType;
  /** uPlot's CSS, for each chart's shadow root to adopt (a constructed sheet: no <style>, CSP or not). */
  sheet: CSSStyleSheet;
}

let loading: Promise<UPlotModule> | undefined;

export function loadUPlot(): Promise<UPlotModule> {
  loading ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css?inline')]).then(
    ([{ default: UPlot }, { default: css }]) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      return { UPlot, sheet };
    },
    (error: unknown) => {
      // A failed fetch (offline) is tried again on the next draw.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
