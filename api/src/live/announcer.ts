/**
 * The one seam between writes and the live feed: after a transaction that wrote events has committed,
 * their ids are announced here, once, by the data layer (never by a route). The live feed then reads them
 * from the event log and tells the other replicas, through whatever wake-up transport it runs on.
 */
export interface LiveAnnouncer {
  announce(eventIds: readonly string[]): void;
}
