import { rotationRowFromJson } from './rotations.read-model';

/** A rotations row as to_jsonb writes it, with its connection's name and a column RotationRow has not. */
function rowJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '3f1d8a5e-8d3c-4d6e-9a43-2c1b7e5f9a10', project_id: 'p', environment_id: 'e', environment_slug: 'dev', environment_name: 'Development',
    folder_id: 'f', secret_path: '/', name: 'redis', description: null, connection_id: '9a1c2b3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
    connection_name: 'cache', is_auto_rotation_enabled: true, rotation_interval: 30, rotate_at_hours: 3, rotate_at_minutes: 0,
    parameters: { passwordRequirements: { length: 48 } }, secrets_mapping: { username: 'U', password: 'P' }, active_index: 1,
    rotation_status: 'success', last_rotation_attempted_at: '2026-12-07T21:18:04.123956+00:00', last_rotated_at: '2026-12-07T21:18:04.5+00:00',
    last_rotation_job_id: 'j', last_rotation_message: null, next_rotation_at: null, in_flight_job_id: null, stream_version: 7,
    created_at: '2026-12-01T00:00:00+00:00', updated_at: '2026-12-07T21:18:04.123956+00:00', verification_status: null,
    last_verified_at: null, last_verification_message: null, verified_generation: 3,
    ...overrides,
  };
}

describe('rotationRowFromJson', () => {
  it('keeps the columns a RotationRow has, with its timestamps as the Dates pg would give (to the millisecond)', () => {
    const row = rotationRowFromJson(JSON.stringify(rowJson()));
    expect(row?.last_rotation_attempted_at).toEqual(new Date('2026-12-07T21:18:04.123Z'));
    expect(row?.last_rotated_at).toEqual(new Date('2026-12-07T21:18:04.500Z'));
    expect(row?.next_rotation_at).toBeNull();
    expect(row).toMatchObject({ connection_name: 'cache', stream_version: 7, parameters: { passwordRequirements: { length: 48 } } });
    expect(row).not.toHaveProperty('verified_generation');
  });

  it('gives nothing (so the waiter reads the row) for anything but such a row', () => {
    const { connection_name: _, ...withoutName } = rowJson();
    expect(rotationRowFromJson(JSON.stringify(withoutName))).toBeUndefined();
    expect(rotationRowFromJson(JSON.stringify(rowJson({ created_at: 'yesterday' })))).toBeUndefined();
    expect(rotationRowFromJson('{"id": ')).toBeUndefined();
    expect(rotationRowFromJson('null')).toBeUndefined();
  });
});
