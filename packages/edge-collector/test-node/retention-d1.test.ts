import { freshD1 } from './fresh-d1.ts';
import { describeRetention } from './retention-suite.ts';

const d1 = freshD1();
describeRetention('D1', d1.store, async () => {
  const { results: tables } = await d1
    .database()
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
    )
    .all<{ name: string }>();
  const dump: Record<string, string> = {};
  for (const { name } of tables) {
    const { results } = await d1.database().prepare(`SELECT * FROM "${name}"`).all();
    dump[name] = JSON.stringify(results);
  }
  return dump;
});
