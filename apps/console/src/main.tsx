import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { Layout, RequireSignIn } from './components/Layout';
import { AuthProvider } from './lib/auth';
import { ConnectionEditPage, ConnectionsPage } from './pages/Connections';
import { DashboardPage } from './pages/Dashboard';
import { ProjectsPage } from './pages/Projects';
import { RotationDetailPage } from './pages/RotationDetail';
import { SignInPage } from './pages/SignIn';
import { WizardPage } from './pages/Wizard';
import './styles.css';

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
            { path: '/projects/:projectId', element: <DashboardPage /> },
            { path: '/projects/:projectId/rotations/new', element: <WizardPage /> },
            { path: '/projects/:projectId/rotations/:rotationId', element: <RotationDetailPage /> },
            { path: '/projects/:projectId/rotations/:rotationId/edit', element: <WizardPage /> },
            { path: '/projects/:projectId/connections', element: <ConnectionsPage /> },
            { path: '/projects/:projectId/connections/new', element: <ConnectionEditPage /> },
            { path: '/projects/:projectId/connections/:connectionId', element: <ConnectionEditPage /> },
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
