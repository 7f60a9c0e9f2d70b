import { FieldIssue } from '@rotor/util';
import { parseSecretPath, secretNameProblem, slugProblem } from '../api-validation';
import { validatePasswordRequirements } from '../password';
import { validateSchedule } from '../schedule';
import { parsePermissionScope } from '../scope';
import type { RotationSettings } from './rotation.types';

export const DESCRIPTION_MAX_LENGTH = 256;

/**
 * The aggregate's own guard on its settings. The gateway validates the request first and
 * names fields the same way; this is the last line, so no invalid configuration is ever
 * recorded, whoever sends the command.
 */
export function settingsIssues(settings: Partial<RotationSettings>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const { name, description, rotationInterval, rotateAtUtc, parameters, secretsMapping } = settings;

  if (name !== undefined) {
    const problem = slugProblem(name);
    if (problem) issues.push({ field: 'name', message: problem });
  }
  if (description !== undefined && description !== null && description.length > DESCRIPTION_MAX_LENGTH) {
    issues.push({ field: 'description', message: `must be at most ${DESCRIPTION_MAX_LENGTH} characters` });
  }
  if (rotationInterval !== undefined || rotateAtUtc !== undefined) {
    const scheduleIssues = validateSchedule(rotationInterval ?? 1, rotateAtUtc);
    issues.push(...scheduleIssues.filter((i) => rotationInterval !== undefined || i.field !== 'rotationInterval'));
  }
  if (parameters !== undefined) {
    issues.push(...validatePasswordRequirements(parameters.passwordRequirements));
    const scope = parsePermissionScope(parameters.permissionScope);
    if (!scope.ok) issues.push(...scope.issues);
  }
  if (secretsMapping !== undefined) {
    for (const key of ['username', 'password'] as const) {
      const problem = secretNameProblem(secretsMapping[key]);
      if (problem) issues.push({ field: `secretsMapping.${key}`, message: problem });
    }
    if (secretsMapping.username === secretsMapping.password) {
      issues.push({ field: 'secretsMapping.password', message: 'must differ from secretsMapping.username' });
    }
  }
  return issues;
}

export function secretPathIssue(secretPath: string): { path: string } | FieldIssue {
  const result = parseSecretPath(secretPath);
  return result.ok ? { path: result.path } : { field: 'secretPath', message: result.message };
}
