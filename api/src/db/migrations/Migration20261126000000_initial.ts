import { Migration } from '@mikro-orm/migrations';

// Generated from the entities (MikroORM's schema generator); a test proves the two agree.
export class Migration20261126000000_initial extends Migration {
  override up(): void {
    this.addSql(
      `create table events (id bigserial primary key, type varchar(40) not null, payload jsonb not null, created_at timestamptz not null default now());`,
    );
    this.addSql(`create index events_created_at_index on events (created_at);`);
    this.addSql(`create table tags (id serial primary key, name varchar(50) not null);`);
    this.addSql(`alter table tags add constraint tags_name_unique unique (name);`);
    this.addSql(
      `create table users (id serial primary key, username varchar(30) not null, email varchar(254) not null, password_hash varchar(255) not null, bot boolean not null default false, created_at timestamptz not null default now());`,
    );
    this.addSql(`alter table users add constraint users_username_unique unique (username);`);
    this.addSql(`alter table users add constraint users_email_unique unique (email);`);
    this.addSql(
      `create table messages (id bigserial primary key, user_id int not null, content varchar(500) not null, like_count int not null default 0, created_at timestamptz not null default now());`,
    );
    this.addSql(`create index messages_user_id_id_index on messages (user_id, id);`);
    this.addSql(`create index messages_created_at_index on messages (created_at);`);
    this.addSql(
      `create table message_tags (message_id bigint not null, tag_id int not null, primary key (message_id, tag_id));`,
    );
    this.addSql(`create index message_tags_tag_id_message_id_index on message_tags (tag_id, message_id);`);
    this.addSql(
      `create table likes (user_id int not null, message_id bigint not null, created_at timestamptz not null default now(), primary key (user_id, message_id));`,
    );
    this.addSql(`create index likes_message_id_index on likes (message_id);`);
    this.addSql(
      `alter table messages add constraint messages_user_id_foreign foreign key (user_id) references users (id) on delete cascade;`,
    );
    this.addSql(
      `alter table message_tags add constraint message_tags_message_id_foreign foreign key (message_id) references messages (id) on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table message_tags add constraint message_tags_tag_id_foreign foreign key (tag_id) references tags (id) on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table likes add constraint likes_user_id_foreign foreign key (user_id) references users (id) on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table likes add constraint likes_message_id_foreign foreign key (message_id) references messages (id) on update cascade on delete cascade;`,
    );
  }

  override down(): void {
    this.addSql('drop table if exists likes, message_tags, messages, tags, users, events cascade;');
  }
}
