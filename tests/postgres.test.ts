import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';

const url = inject('databaseUrl');
const sql = postgres(url, { max: 1, onnotice: () => {} });
afterAll(() => sql.end());

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('test PostgreSQL', () => {
  it('answers queries', async () => {
    const [row] = await sql`select version()`;
    expect(row?.version).toMatch(/^PostgreSQL \d+/);
  });

  it('creates, writes and reads a table', async () => {
    await sql`create table harness_check (id int primary key, name text not null)`;
    try {
      await sql`insert into harness_check ${sql([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ])}`;
      const rows = await sql`select id, name from harness_check order by id`;
      expect(rows).toEqual([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ]);
    } finally {
      await sql`drop table harness_check`;
    }
  });

  it.skipIf(process.env.DATABASE_URL)('listens on 127.0.0.1 only', async () => {
    const [row] = await sql`
      select current_setting('listen_addresses') as listen, host(inet_server_addr()) as address`;
    expect(row).toEqual({ listen: '127.0.0.1', address: '127.0.0.1' });

    const port = Number(new URL(url).port);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && address.address !== '127.0.0.1')
      .map((address) => address?.address ?? '');
    for (const host of ['::1', ...others]) {
      expect(await canConnect(host, port), `connect to ${host}`).toBe(false);
    }
  });
});
