/**
 * `npm run audit:verify -- [--project <id|global>] [--database-url <url>]`: checks the hash
 * chains of the gateway's audit log straight in its database and prints the first broken
 * link (record id, sequence, what differs). Exit code 0 when every chain verifies, 1 when one
 * does not, 2 when the database cannot be read.
 */
import { Command } from 'commander';
import { Client } from 'pg';
import { verifyAuditLog } from '@rotor/audit';

const program = new Command('audit:verify')
  .description("Verify the gateway's audit log hash chains")
  .option('--project <id>', 'only this chain (a project id, or `global`)')
  .option('--database-url <url>', "the gateway's database", process.env['GATEWAY_DATABASE_URL'] || process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/rotor_gateway')
  .parse();

async function main(): Promise<number> {
  const opts = program.opts<{ project?: string; databaseUrl: string }>();
  const client = new Client({ connectionString: opts.databaseUrl });
  try {
    await client.connect();
    const result = await verifyAuditLog(client, { projectId: opts.project });
    for (const chain of result.chains) {
      console.log(chain.ok ? `ok      ${chain.chain}: ${chain.records} records, head ${chain.headHash}` : `BROKEN  ${chain.chain}: ${chain.broken.message}`);
    }
    if (result.chains.length === 0) console.log('no audit records (or no such chain)');
    if (result.firstBroken) {
      const b = result.firstBroken;
      console.log(`\nfirst broken link: chain ${b.chain}, record ${b.recordId ?? '(missing)'}, sequence ${b.sequence}, ${b.reason}`);
      console.log(`  expected ${b.expected}\n  found    ${b.actual}`);
      for (const d of b.differences ?? []) console.log(`  ${d.field}: published ${JSON.stringify(d.published)}, stored ${JSON.stringify(d.stored)}`);
      return 1;
    }
    return 0;
  } catch (e) {
    console.error(`audit:verify: ${(e as Error).message}`);
    return 2;
  } finally {
    await client.end().catch(() => undefined);
  }
}

void main().then((code) => process.exit(code));
