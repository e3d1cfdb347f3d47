import { Migration } from '@mikro-orm/migrations';

// Generated from the entities: follows (history rows, so the live feed knows the follow set as of any event
// id), profiles (display name, bio) and replies (no foreign key: a reply outlives the message it answers).
export class Migration20261204000000_follows_replies_profiles extends Migration {
  override up(): void {
    this.addSql(
      'create table follows (id bigserial primary key, follower_id int not null, followee_id int not null, followed_event_id bigint not null, unfollowed_event_id bigint null, created_at timestamptz not null default now());',
    );
    this.addSql(
      'create index follows_followee_id_id_index on follows (followee_id, id) where unfollowed_event_id is null;',
    );
    this.addSql(
      'create index follows_follower_id_id_index on follows (follower_id, id) where unfollowed_event_id is null;',
    );
    this.addSql(
      'create unique index follows_follower_id_followee_id_unique on follows (follower_id, followee_id) where unfollowed_event_id is null;',
    );
    this.addSql(
      'create index follows_follower_id_unfollowed_event_id_index on follows (follower_id, unfollowed_event_id) where unfollowed_event_id is not null;',
    );
    this.addSql(
      'create index follows_unfollowed_event_id_index on follows (unfollowed_event_id) where unfollowed_event_id is not null;',
    );
    this.addSql(
      "alter table users add display_name varchar(50) null, add bio varchar(300) not null default '';",
    );
    this.addSql(
      'alter table messages add in_reply_to_id bigint null, add reply_count int not null default 0;',
    );
    this.addSql(
      'create index messages_in_reply_to_id_id_index on messages (in_reply_to_id, id) where in_reply_to_id is not null;',
    );
    this.addSql(
      'alter table follows add constraint follows_follower_id_foreign foreign key (follower_id) references users (id) on delete cascade;',
    );
    this.addSql(
      'alter table follows add constraint follows_followee_id_foreign foreign key (followee_id) references users (id) on delete cascade;',
    );
    this.addSql('alter table follows add constraint follows_not_self check (follower_id <> followee_id);');
  }

  override down(): void {
    this.addSql('drop table if exists follows;');
    this.addSql('drop index if exists messages_in_reply_to_id_id_index;');
    this.addSql('alter table messages drop column in_reply_to_id, drop column reply_count;');
    this.addSql('alter table users drop column display_name, drop column bio;');
  }
}
