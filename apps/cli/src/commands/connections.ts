import { ok, toArray, type RedisConnection } from '@rotor/sdk';
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { readStdin } from '../stdin';
import { contextOf, integer } from '../context';
import { usage } from '../exit';

const COLUMNS = ['id', 'name', 'host', 'port', 'username', 'topology', 'tls'];
const row = (c: RedisConnection) => ({ ...c, topology: c.topology.type, tls: c.tls.enabled ? 'on' : 'off' });

interface ReachOptions {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  tls?: boolean;
  caFile?: string;
  topology?: 'single' | 'cluster';
  aclPersistence?: 'auto' | 'config-rewrite' | 'managed';
  description?: string;
}

function addReachOptions(command: Command): Command {
  return command
    .option('--host <host>', 'host of the primary, or a seed node of a cluster')
    .option('--port <port>', 'port', integer('--port'))
    .option('--username <user>', 'Redis user that may run ACL SETUSER, ACL DELUSER and ACL SAVE')
    .option('--password <password>', 'its password (prefer --password-stdin: flags show up in process lists)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--tls', 'connect over TLS')
    .option('--ca-file <path>', 'PEM file of the CA that signed the server certificate (implies --tls)')
    .addOption(new Option('--topology <type>', 'how the nodes are found').choices(['single', 'cluster']))
    .addOption(
      new Option('--acl-persistence <mode>', 'how Rotor keeps its users across a restart: ACL SAVE where an aclfile is kept (auto), also CONFIG REWRITE (config-rewrite), or neither, for managed services')
        .choices(['auto', 'config-rewrite', 'managed']),
    )
    .option('--description <text>');
}

async function reachBody(o: ReachOptions) {
  const password = o.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : o.password;
  const tls = o.tls || o.caFile ? { enabled: true, caCertificate: o.caFile ? readFileSync(o.caFile, 'utf8') : null } : undefined;
  return {
    ...(o.host === undefined ? {} : { host: o.host }),
    ...(o.port === undefined ? {} : { port: o.port }),
    ...(o.username === undefined ? {} : { username: o.username }),
    ...(password === undefined ? {} : { password }),
    ...(tls ? { tls } : {}),
    ...(o.topology ? { topology: { type: o.topology } } : {}),
    ...(o.aclPersistence ? { aclPersistenceMode: o.aclPersistence } : {}),
    ...(o.description === undefined ? {} : { description: o.description }),
  };
}

export function connectionCommands(program: Command): void {
  const connections = program.command('connections').description('Redis connections (an admin user Rotor rotates with)');

  addReachOptions(
    connections
      .command('create')
      .description('create a connection; Rotor checks it against Redis before saving')
      .requiredOption('--project <projectId>')
      .requiredOption('--name <name>', 'unique in the project: lowercase letters, digits and hyphens'),
  ).action(async (o: ReachOptions & { project: string; name: string }, command: Command) => {
    const { rotor, out } = contextOf(command);
    const body = await reachBody(o);
    if (!body.host || !body.username || !body.password) throw usage('connections create needs --host, --username and --password or --password-stdin');
    const { appConnection, connectionCheck } = await ok(rotor.api.POST('/api/v1/app-connections/redis', {
      body: { ...body, host: body.host, username: body.username, password: body.password, name: o.name, projectId: o.project },
    }));
    out.done(`Created connection ${appConnection.name} (${appConnection.id})${connectionCheck ? `. ${connectionCheck.message}` : ''}`, { appConnection, connectionCheck });
  });

  connections
    .command('list')
    .description('connections of a project')
    .requiredOption('--project <projectId>')
    .action(async (o: { project: string }, command: Command) => {
      const { rotor, out } = contextOf(command);
      const all = await toArray(rotor.connections(o.project));
      out.table(all.map(row), COLUMNS, { appConnections: all });
    });

  connections
    .command('get')
    .description('one connection (never its password)')
    .argument('<connectionId>')
    .action(async (connectionId: string, _: unknown, command: Command) => {
      const { rotor, out } = contextOf(command);
      const { appConnection } = await ok(rotor.api.GET('/api/v1/app-connections/redis/{connectionId}', { params: { path: { connectionId } } }));
      out.record(row(appConnection), { appConnection });
    });

  connections
    .command('check')
    .description('connect to Redis again with the stored admin user and check it may do its job')
    .argument('<connectionId>')
    .action(async (connectionId: string, _: unknown, command: Command) => {
      const { rotor, out } = contextOf(command);
      const path = { connectionId };
      const { appConnection } = await ok(rotor.api.GET('/api/v1/app-connections/redis/{connectionId}', { params: { path } }));
      // Re-submitting where it is makes the API check the connection again; nothing changes.
      await ok(rotor.api.PATCH('/api/v1/app-connections/redis/{connectionId}', { params: { path }, body: { host: appConnection.host, port: appConnection.port } }));
      out.done(`Connection ${appConnection.name} works: ${appConnection.username}@${appConnection.host}:${appConnection.port}`, { connectionId, ok: true });
    });

  addReachOptions(
    connections
      .command('update')
      .description('change a connection; a change of where or how to connect is checked first')
      .argument('<connectionId>')
      .option('--name <name>'),
  ).action(async (connectionId: string, o: ReachOptions & { name?: string }, command: Command) => {
    const { rotor, out } = contextOf(command);
    const body = { ...(await reachBody(o)), ...(o.name ? { name: o.name } : {}) };
    if (Object.keys(body).length === 0) throw usage('connections update: nothing to change (see --help)');
    const { appConnection } = await ok(rotor.api.PATCH('/api/v1/app-connections/redis/{connectionId}', { params: { path: { connectionId } }, body }));
    out.done(`Updated connection ${appConnection.name}`, { appConnection });
  });

  connections
    .command('delete')
    .description('delete a connection (refused while a rotation uses it)')
    .argument('<connectionId>')
    .action(async (connectionId: string, _: unknown, command: Command) => {
      const { rotor, out } = contextOf(command);
      const { appConnection } = await ok(rotor.api.DELETE('/api/v1/app-connections/redis/{connectionId}', { params: { path: { connectionId } } }));
      out.done(`Deleted connection ${appConnection.name}`, { appConnection });
    });
}
