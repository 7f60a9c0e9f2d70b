import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { Alert, Loading } from '../components/ui';
import { api, errorText, ok } from '../lib/api';

export function useProjects() {
  return useQuery({ queryKey: ['projects'], queryFn: async () => (await ok(api.GET('/api/v1/projects'))).projects });
}

export function ProjectsPage() {
  const projects = useProjects();
  return (
    <section>
      <h1>Projects</h1>
      {projects.isPending && <Loading what="projects" />}
      {projects.error && <Alert>{errorText(projects.error)}</Alert>}
      {projects.data?.length === 0 && <p>No project is visible to this identity.</p>}
      <ul className="cards">
        {projects.data?.map((p) => (
          <li key={p.id} className="card">
            <h2><Link to={`/projects/${p.id}`}>{p.name}</Link></h2>
            {p.description && <p>{p.description}</p>}
            <p className="muted">Environments: {p.environments.map((e) => e.name).join(', ')}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
