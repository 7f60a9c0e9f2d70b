import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { Layout, RequireSignIn } from './components/Layout';
import { AuthProvider } from './lib/auth';
import { Loading } from './components/ui';
import { ProjectsPage } from './pages/Projects';
import { SignInPage } from './pages/SignIn';
import './styles.css';

// The first page (sign-in, projects) ships alone; the other pages load when first opened.
function page(load: () => Promise<ComponentType>) {
  const Page = lazy(async () => ({ default: await load() }));
  return (
    <Suspense fallback={<Loading what="the page" />}>
      <Page />
    </Suspense>
  );
}
const dashboard = () => import('./pages/Dashboard').then((m) => m.DashboardPage);
const wizard = () => import('./pages/Wizard').then((m) => m.WizardPage);
const rotation = () => import('./pages/RotationDetail').then((m) => m.RotationDetailPage);
const connections = () => import('./pages/Connections').then((m) => m.ConnectionsPage);
const connection = () => import('./pages/Connections').then((m) => m.ConnectionEditPage);

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: (count, error) => count < 2 && !('statusCode' in (error as object)), refetchOnWindowFocus: false } },
});

const router = createBrowserRouter(
  [
    {
      element: <Layout />,
      children: [
        { path: '/sign-in', element: <SignInPage /> },
        {
          element: <RequireSignIn />,
          children: [
            { index: true, element: <Navigate to="/projects" replace /> },
            { path: '/projects', element: <ProjectsPage /> },
            { path: '/projects/:projectId', element: page(dashboard) },
            { path: '/projects/:projectId/rotations/new', element: page(wizard) },
            { path: '/projects/:projectId/rotations/:rotationId', element: page(rotation) },
            { path: '/projects/:projectId/rotations/:rotationId/edit', element: page(wizard) },
            { path: '/projects/:projectId/connections', element: page(connections) },
            { path: '/projects/:projectId/connections/new', element: page(connection) },
            { path: '/projects/:projectId/connections/:connectionId', element: page(connection) },
            { path: '*', element: <Navigate to="/projects" replace /> },
          ],
        },
      ],
    },
  ],
  { basename: '/console' },
);

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
