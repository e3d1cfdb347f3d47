// <flock-activity>'s and <flock-activity-table>'s own styles.
import { css } from 'lit';

export const activityStyles = css`
  h1 {
    font-size: 1.4rem;
    margin: 0;
  }
  h2 {
    font-size: 0.95rem;
    margin: 0 0 0.25rem;
  }
  .view-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.75rem 1rem;
    flex-wrap: wrap;
  }
  .switch {
    display: inline-flex;
    gap: 0.25rem;
    padding: 0.2rem;
    border: 1px solid var(--flock-border);
    border-radius: 999px;
    background: var(--flock-surface);
  }
  .switch button {
    min-height: 2.25rem;
    padding: 0.3rem 0.9rem;
    background: transparent;
    color: var(--flock-text);
  }
  .switch button[aria-pressed='true'] {
    background: var(--flock-accent);
    color: var(--flock-on-accent);
  }
  .status {
    margin: 0.5rem 0 1rem;
    font-size: 0.9rem;
  }
  .figures {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
    gap: 0.75rem;
    margin-bottom: 0.75rem;
  }
  .figure {
    padding: 0.75rem 1rem;
  }
  .figure p {
    margin: 0;
  }
  .figure strong {
    font-size: 1.6rem;
    font-variant-numeric: tabular-nums;
  }
  .pair {
    white-space: nowrap;
    margin-right: 0.5rem;
  }
  .charts {
    display: grid;
    gap: 0.75rem;
    margin-bottom: 0.75rem;
  }
  .chart {
    padding: 0.75rem 1rem 0.5rem;
    min-width: 0;
  }
  .tags {
    padding: 0.75rem 1rem;
    margin-bottom: 0.75rem;
  }
  .tags ol {
    margin: 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
  }
  .tags li {
    display: inline-flex;
    gap: 0.4rem;
    align-items: baseline;
    padding: 0.2rem 0.7rem;
    border-radius: 999px;
    background: var(--flock-surface-2);
    /* Holds its visually hidden text, so that text never widens the page. */
    position: relative;
    max-width: 100%;
  }
  .tags a {
    font-weight: 600;
    text-decoration: none;
    overflow-wrap: anywhere;
  }
  .count {
    color: var(--flock-muted);
    font-variant-numeric: tabular-nums;
  }
  .numbers {
    padding: 0.75rem 1rem;
  }
  @media (max-width: 40rem) {
    .figures {
      grid-template-columns: 1fr 1fr;
    }
    .live {
      grid-column: 1 / -1;
    }
  }
  summary {
    cursor: pointer;
    font-weight: 600;
  }
`;

export const activityTableStyles = css`
  .scroll {
    max-height: 24rem;
    overflow: auto;
    margin-top: 0.5rem;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-variant-numeric: tabular-nums;
  }
  caption {
    text-align: start;
    color: var(--flock-muted);
    padding-bottom: 0.4rem;
  }
  th,
  td {
    padding: 0.25rem 0.5rem;
    border-bottom: 1px solid var(--flock-border);
    text-align: end;
  }
  th[scope='row'],
  thead th:first-child {
    text-align: start;
    font-weight: 400;
    white-space: nowrap;
  }
  th[scope='colgroup'] {
    text-align: center;
  }
  thead th {
    position: sticky;
    top: 0;
    background: var(--flock-surface);
  }
  thead tr:nth-child(2) th {
    top: 1.9rem;
    color: var(--flock-muted);
    font-weight: 400;
  }
  /* Seven columns fit a phone's width when tighter; wider, the box scrolls rather than the page. */
  @media (max-width: 30rem) {
    table {
      font-size: 0.8rem;
    }
    th,
    td {
      padding: 0.2rem 0.25rem;
    }
  }
`;
