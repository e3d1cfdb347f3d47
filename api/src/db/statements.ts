// The API's hot-path statements compiled to `$n` SQL and parameters (db/prepared.ts), for code that runs
// them through a driver of its own: the bench's raw-pg baseline measures the same SQL without the framework
// around it. Exported as `@flock/api/statements`.
export { likeCountStatement, likeStatement } from './repositories/likes.ts';
export { feedPageStatement, homePageStatement, postStatement } from './repositories/messages.ts';
export { insertTagsStatement } from './repositories/tags.ts';
