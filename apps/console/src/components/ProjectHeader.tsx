import { Link, NavLink } from 'react-router-dom';
import { useProject } from '../lib/queries';

/** Breadcrumb and the project's tabs (secrets dashboard, connections). */
export function ProjectHeader({ projectId, title }: { projectId: string; title: string }) {
  const project = useProject(projectId);
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/projects">Projects</Link> / <span>{project.data?.name ?? '…'}</span>
      </nav>
      <h1>{title}</h1>
      <nav aria-label="Project" className="tabs">
        <NavLink to={`/projects/${projectId}`} end>Secrets</NavLink>
        <NavLink to={`/projects/${projectId}/connections`}>Connections</NavLink>
      </nav>
    </>
  );
}
