// One time-series chart drawn by uPlot (loaded lazily): a line per series, the people's solid and the bots'
// dashed, so they differ by more than colour. Colours are the design tokens as computed at draw time, so
// the chart follows light and dark; it redraws when the scheme changes and resizes with its box. The
// canvas is hidden from assistive technology: the page gives the same numbers as a table.

import { html, LitElement, type PropertyValues } from 'lit';
import type uPlot from 'uplot';
import { loadUPlot } from '../controllers/uplot-loader.ts';
import { chartStyles } from '../styles/chart.ts';
import { base } from '../styles/shared.ts';

export interface ChartSeries {
  name: string;
  tone: 'people' | 'bots';
  values: number[];
}

const HEIGHT = 180;
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 50_000, 100_000];

export class FlockChart extends LitElement {
  static override styles = [base, chartStyles];
  static override properties = {
    label: {},
    times: { attribute: false },
    series: { attribute: false },
  };

  declare label: string;
  /** Bucket starts, in seconds since the epoch (uPlot's time unit). */
  declare times: number[];
  declare series: ChartSeries[];

  #plot: uPlot | undefined;
  #resize: ResizeObserver | undefined;
  readonly #scheme = matchMedia('(prefers-color-scheme: dark)');

  constructor() {
    super();
    this.label = '';
    this.times = [];
    this.series = [];
  }

  override connectedCallback() {
    super.connectedCallback();
    this.#scheme.addEventListener('change', this.#restyle);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#scheme.removeEventListener('change', this.#restyle);
    this.#resize?.disconnect();
    this.#resize = undefined;
    this.#plot?.destroy();
    this.#plot = undefined;
  }

  override render() {
    return html`<figure>
      <figcaption>
        <span class="title">${this.label}</span>
        <span class="legend">
          ${this.series.map(
            (series) =>
              html`<span class="key ${series.tone}"><span class="swatch"></span>${series.name}</span>`,
          )}
        </span>
      </figcaption>
      <div class="plot" aria-hidden="true"></div>
    </figure>`;
  }

  protected override updated(changed: PropertyValues<this>) {
    if (changed.has('times') || changed.has('series')) void this.#draw();
  }

  readonly #restyle = () => {
    this.#plot?.destroy();
    this.#plot = undefined;
    void this.#draw();
  };

  get #box() {
    return this.renderRoot.querySelector<HTMLElement>('.plot')!;
  }

  async #draw() {
    const { UPlot, sheet } = await loadUPlot();
    const root = this.shadowRoot;
    if (!this.isConnected || !root || this.times.length === 0) return;
    if (!root.adoptedStyleSheets.includes(sheet))
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    const data: uPlot.AlignedData = [this.times, ...this.series.map((series) => series.values)];
    if (this.#plot && this.#plot.series.length === data.length) {
      this.#plot.setData(data);
      return;
    }
    this.#plot?.destroy();
    this.#plot = new UPlot(this.#options(), data, this.#box);
    this.#resize ??= new ResizeObserver(() =>
      this.#plot?.setSize({ width: this.#box.clientWidth, height: HEIGHT }),
    );
    this.#resize.observe(this.#box);
  }

  #options(): uPlot.Options {
    const box = getComputedStyle(this.#box);
    const colour = (tone: string) =>
      getComputedStyle(this.renderRoot.querySelector(`.key.${tone} .swatch`) ?? this.#box).color;
    const axis = {
      stroke: box.color,
      font: `12px ${box.fontFamily}`,
      grid: { stroke: box.outlineColor, width: 1 },
      ticks: { stroke: box.outlineColor, width: 1 },
    };
    return {
      width: this.#box.clientWidth,
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_plot, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      axes: [
        { ...axis, space: 60 },
        { ...axis, size: 40, incrs: INTEGER_STEPS, values: (_plot, splits) => splits.map(String) },
      ],
      series: [
        {},
        ...this.series.map((series) => ({
          label: series.name,
          stroke: colour(series.tone),
          width: 2,
          points: { show: false },
          ...(series.tone === 'bots' ? { dash: [6, 4] } : {}),
        })),
      ],
    };
  }
}

customElements.define('flock-chart', FlockChart);

declare global {
  interface HTMLElementTagNameMap {
    'flock-chart': FlockChart;
  }
}
