import { ok, toArray } from '@rotor/sdk';
import { Command } from 'commander';
import { contextOf } from '../context';

export function projectCommands(program: Command): void {
  const projects = program.command('projects').description('projects the token may see');

  projects
    .command('list')
    .description('list projects')
    .action(async (_: unknown, command: Command) => {
      const { rotor, out } = contextOf(command);
      const all = await toArray(rotor.projects());
      out.table(all.map((p) => ({ ...p, environments: p.environments.map((e) => e.slug).join(',') })), ['id', 'slug', 'name', 'environments'], { projects: all });
    });

  projects
    .command('get')
    .description('one project')
    .argument('<projectId>')
    .action(async (projectId: string, _: unknown, command: Command) => {
      const { rotor, out } = contextOf(command);
      const { project } = await ok(rotor.api.GET('/api/v1/projects/{projectId}', { params: { path: { projectId } } }));
      out.record({ id: project.id, slug: project.slug, name: project.name, environments: project.environments.map((e) => e.slug).join(',') }, { project });
    });

  projects
    .command('create')
    .description('create a project (admin)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--slug <slug>', 'unique slug: lowercase letters, digits and hyphens')
    .option('--description <text>')
    .action(async (options: { name: string; slug: string; description?: string }, command: Command) => {
      const { rotor, out } = contextOf(command);
      const { project } = await ok(rotor.api.POST('/api/v1/projects', { body: { name: options.name, slug: options.slug, description: options.description } }));
      out.done(`Created project ${project.slug} (${project.id})`, { project });
    });
}
