import pg from 'pg';

/** Runs `work` with a client connected to `url`, and closes the client whatever happens. */
export async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
