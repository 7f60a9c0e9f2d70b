import { Global, Module } from '@nestjs/common';
import { CLOCK, systemClock } from '@rotor/util';
import { ROTATION_CONFIG_SETTINGS, readRotationConfigSettings } from './rotation-config.config';

/** Settings from the environment and the clock; tests override either provider. */
@Global()
@Module({
  providers: [
    { provide: ROTATION_CONFIG_SETTINGS, useFactory: () => readRotationConfigSettings() },
    { provide: CLOCK, useValue: systemClock },
  ],
  exports: [ROTATION_CONFIG_SETTINGS, CLOCK],
})
export class ConfigModule {}
