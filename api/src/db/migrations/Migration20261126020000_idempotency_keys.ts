import { Migration } from '@mikro-orm/migrations';

// Generated from the entities: Idempotency-Key replays for POST /api/messages.
export class Migration20261126020000_idempotency_keys extends Migration {
  override up(): void {
    this.addSql(
      'create table idempotency_keys (user_id int not null, key varchar(255) not null, request_hash varchar(64) not null, response jsonb not null, created_at timestamptz not null default now(), primary key (user_id, key));',
    );
    this.addSql('create index idempotency_keys_created_at_index on idempotency_keys (created_at);');
    this.addSql(
      'alter table idempotency_keys add constraint idempotency_keys_user_id_foreign foreign key (user_id) references users (id) on delete cascade;',
    );
  }

  override down(): void {
    this.addSql('drop table if exists idempotency_keys;');
  }
}
