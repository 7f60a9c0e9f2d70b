import type { SecretRotation } from '@rotor/api-client';
import { render, screen } from '@testing-library/react';
import { StatusBadge } from './StatusBadge';

const now = Date.now();
function rotation(over: Partial<SecretRotation>): SecretRotation {
  return {
    rotationStatus: 'success',
    isAutoRotationEnabled: true,
    nextRotationAt: new Date(now + 10 * 86_400_000 - 60_000).toISOString(),
    lastRotationMessage: null,
    ...over,
  } as SecretRotation;
}

describe('StatusBadge', () => {
  it('writes a failure’s reason out, not in a tooltip', () => {
    render(<StatusBadge rotation={rotation({ rotationStatus: 'failed', lastRotationMessage: 'WRONGPASS on 10.0.0.7:6379' })} />);
    expect(screen.getByText('Rotation failed')).toBeTruthy();
    expect(screen.getByText('WRONGPASS on 10.0.0.7:6379')).toBeTruthy();
  });

  it('says rotating now, auto-rotation off, or in how many days', () => {
    const { rerender } = render(<StatusBadge rotation={rotation({})} rotating />);
    expect(screen.getByText('Rotating now')).toBeTruthy();
    rerender(<StatusBadge rotation={rotation({ isAutoRotationEnabled: false })} />);
    expect(screen.getByText('Auto-rotation off')).toBeTruthy();
    rerender(<StatusBadge rotation={rotation({})} />);
    expect(screen.getByText('Rotates in 10 days').className).toBe('badge badge-scheduled');
    rerender(<StatusBadge rotation={rotation({ nextRotationAt: new Date(now + 2 * 86_400_000 - 60_000).toISOString() })} />);
    expect(screen.getByText('Rotates in 2 days').className).toBe('badge badge-soon');
  });
});
