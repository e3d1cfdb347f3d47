// <flock-chart>'s own styles. The series colours are tokens: the chart reads them, as computed, when it draws.
import { css } from 'lit';

export const chartStyles = css`
  :host {
    --flock-chart-people: var(--flock-accent);
    --flock-chart-bots: var(--flock-warn);
    min-width: 0;
  }
  figure {
    margin: 0;
  }
  figcaption {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0.25rem 1rem;
    margin-bottom: 0.4rem;
  }
  .title {
    font-weight: 700;
  }
  .legend {
    display: flex;
    gap: 0.9rem;
    color: var(--flock-muted);
    font-size: 0.9rem;
  }
  .key {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
  }
  /* The swatch carries the colour (and the bots' dash); the name keeps the muted text colour. */
  .swatch {
    width: 1.4rem;
    border-top: 2px solid currentColor;
  }
  .people .swatch {
    color: var(--flock-chart-people);
  }
  .bots .swatch {
    color: var(--flock-chart-bots);
    border-top-style: dashed;
  }
  .plot {
    /* Read by the chart at draw time: text for the axes, outline colour for the grid. */
    color: var(--flock-muted);
    outline-color: var(--flock-border);
    min-height: 180px;
    width: 100%;
    overflow: hidden;
  }
`;
