import type { CreateSecretRotationRequest, SecretRotation } from '@rotor/api-client';
import {
  createRotationSchema,
  DEFAULT_PASSWORD_REQUIREMENTS,
  DEFAULT_PERMISSION_SCOPE,
  passwordRequirementsSchema,
  permissionScopeSchema,
  rotateAtUtcSchema,
  rotationIntervalSchema,
  secretsMappingSchema,
  wholeNumberMessage,
} from '@rotor/rotation-domain/browser';
import type { z } from 'zod';
import { localTimeToUtc, utcToLocalTime } from './time';

/** The wizard's steps, in order; each has its own URL (`?step=`). */
export const STEPS = ['configuration', 'parameters', 'mappings', 'details', 'review'] as const;
export type Step = (typeof STEPS)[number];
export const STEP_TITLES: Record<Step, string> = {
  configuration: 'Configuration',
  parameters: 'Parameters',
  mappings: 'Mappings',
  details: 'Details',
  review: 'Review',
};

/** The form's values: the API's request fields, except the time of day, entered in local time. */
export interface WizardValues {
  connectionId: string;
  rotationInterval: number;
  /** "HH:MM" in the browser's time zone; stored as `rotateAtUtc`. */
  rotateAtLocal: string;
  isAutoRotationEnabled: boolean;
  parameters: {
    permissionScope: string;
    passwordRequirements: {
      length: number;
      required: { digits: number; lowercase: number; uppercase: number; symbols: number };
      allowedSymbols: string;
    };
  };
  secretsMapping: { username: string; password: string };
  name: string;
  description: string;
}

/** Field path (as the API names it, `rotateAtLocal` for the time) → message. */
export type FieldErrors = Record<string, string>;

/** A new rotation's defaults: 30 days at 00:00 UTC, auto-rotation on, the option's template. */
export function defaultValues(now: Date = new Date()): WizardValues {
  return {
    connectionId: '',
    rotationInterval: 30,
    rotateAtLocal: utcToLocalTime({ hours: 0, minutes: 0 }, now),
    isAutoRotationEnabled: true,
    parameters: { permissionScope: DEFAULT_PERMISSION_SCOPE, passwordRequirements: structuredClone(DEFAULT_PASSWORD_REQUIREMENTS) },
    secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    name: '',
    description: '',
  };
}

/** An existing rotation as the form's values (editing). */
export function valuesOf(rotation: SecretRotation, now: Date = new Date()): WizardValues {
  return {
    connectionId: rotation.connectionId,
    rotationInterval: rotation.rotationInterval,
    rotateAtLocal: utcToLocalTime(rotation.rotateAtUtc, now),
    isAutoRotationEnabled: rotation.isAutoRotationEnabled,
    parameters: structuredClone(rotation.parameters),
    secretsMapping: { ...rotation.secretsMapping },
    name: rotation.name,
    description: rotation.description ?? '',
  };
}

/** Which step shows a field the API names (for server errors). */
export function stepOfField(field: string): Step {
  if (field.startsWith('parameters')) return 'parameters';
  if (field.startsWith('secretsMapping')) return 'mappings';
  if (field === 'name' || field === 'description') return 'details';
  return 'configuration';
}

/** The form field that shows an API field's message (rotateAtUtc.* is entered as local time). */
export function formFieldOf(field: string): string {
  if (field.startsWith('rotateAtUtc')) return 'rotateAtLocal';
  if (field === 'projectId' || field === 'environment' || field === 'secretPath' || field === '') return 'root';
  return field;
}

/**
 * The server's own rules (the same zod schemas the gateway applies), run on one step's
 * fields only; "Next" moves on when this answers no error.
 */
export function validateStep(step: Step, values: WizardValues, now: Date = new Date()): FieldErrors {
  const errors: FieldErrors = {};
  const check = (schema: z.ZodType, value: unknown, base: string, numberMessage?: string) => {
    const result = schema.safeParse(value);
    if (result.success) return;
    for (const issue of result.error.issues) {
      const field = [base, ...issue.path.map(String)].filter(Boolean).join('.');
      if (errors[field]) continue;
      errors[field] = issue.code === 'invalid_type' ? (numberMessage ?? 'must be a whole number') : issue.message;
    }
  };
  switch (step) {
    case 'configuration': {
      if (!values.connectionId) errors.connectionId = 'choose a Redis connection (or create one)';
      check(rotationIntervalSchema, values.rotationInterval, 'rotationInterval', wholeNumberMessage(1, 365));
      if (!/^\d{2}:\d{2}$/.test(values.rotateAtLocal ?? '')) errors.rotateAtLocal = 'enter a time of day (HH:MM)';
      else check(rotateAtUtcSchema, localTimeToUtc(values.rotateAtLocal, now), 'rotateAtLocal');
      if (typeof values.isAutoRotationEnabled !== 'boolean') errors.isAutoRotationEnabled = 'must be on or off';
      break;
    }
    case 'parameters':
      check(passwordRequirementsSchema, values.parameters.passwordRequirements, 'parameters.passwordRequirements');
      check(permissionScopeSchema, values.parameters.permissionScope, 'parameters.permissionScope');
      break;
    case 'mappings':
      check(secretsMappingSchema, values.secretsMapping, 'secretsMapping');
      break;
    case 'details':
      check(createRotationSchema.shape.name, values.name, 'name');
      check(createRotationSchema.shape.description, values.description === '' ? undefined : values.description, 'description');
      break;
    case 'review':
      for (const s of STEPS.slice(0, -1)) Object.assign(errors, validateStep(s, values, now));
      break;
  }
  return errors;
}

/** The first step with an error, or undefined when every step up to `upTo` (excluded) is valid. */
export function firstInvalidStep(values: WizardValues, upTo: Step, now: Date = new Date()): Step | undefined {
  for (const step of STEPS.slice(0, STEPS.indexOf(upTo))) {
    if (Object.keys(validateStep(step, values, now)).length > 0) return step;
  }
  return undefined;
}

/** The create request the wizard sends. */
export function toCreateRequest(
  values: WizardValues,
  location: { projectId: string; environment: string; secretPath: string },
  now: Date = new Date(),
): CreateSecretRotationRequest {
  return {
    name: values.name,
    projectId: location.projectId,
    description: values.description === '' ? undefined : values.description,
    connectionId: values.connectionId,
    environment: location.environment,
    secretPath: location.secretPath,
    isAutoRotationEnabled: values.isAutoRotationEnabled,
    rotationInterval: values.rotationInterval,
    rotateAtUtc: localTimeToUtc(values.rotateAtLocal, now),
    parameters: structuredClone(values.parameters),
    secretsMapping: { ...values.secretsMapping },
  };
}
