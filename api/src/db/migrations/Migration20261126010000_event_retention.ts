import { Migration } from '@mikro-orm/migrations';

// Generated from the entities: where event pruning has reached, for the live feed's resync answer.
export class Migration20261126010000_event_retention extends Migration {
  override up(): void {
    this.addSql(
      'create table event_retention (id int not null, pruned_through bigint not null, primary key (id));',
    );
  }

  override down(): void {
    this.addSql('drop table if exists event_retention;');
  }
}
