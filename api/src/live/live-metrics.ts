// The live feed's metrics: connections and subscriptions as gauges, deliveries per event type and the
// commit-to-send latency.
import type { Metrics } from '../metrics/registry.ts';
import type { DeliveryObserver } from './connection.ts';
import type { LiveHub } from './hub.ts';
import type { RoutedEvent } from './streams.ts';

export class LiveMetrics implements DeliveryObserver {
  readonly #metrics: Metrics;
  readonly #hub: LiveHub;
  readonly #deliveries = new Map<RoutedEvent, number>();

  constructor(metrics: Metrics, hub: LiveHub) {
    this.#metrics = metrics;
    this.#hub = hub;
  }

  // Deliveries are counted per event and recorded once it has gone to every connection (one dispatch is
  // one tick): with thousands of clients, a metric update per delivery costs more than the send.
  delivered(event: RoutedEvent): void {
    if (this.#deliveries.size === 0) setImmediate(this.#record);
    this.#deliveries.set(event, (this.#deliveries.get(event) ?? 0) + 1);
  }

  readonly #record = () => {
    for (const [event, count] of this.#deliveries) {
      this.#metrics.eventsDelivered.inc({ type: event.type }, count);
      this.#metrics.deliveryLatency.observe(Math.max(0, Date.now() - event.committedAt) / 1000);
    }
    this.#deliveries.clear();
  };

  tooSlow(): void {
    this.#metrics.slowConsumerDisconnects.inc();
  }

  /** After a connection or a subscription came or went. */
  updateGauges(): void {
    this.#metrics.liveConnections.set(this.#hub.connections.size);
    this.#metrics.liveSubscriptions.set(this.#hub.subscriptions.size);
  }
}
