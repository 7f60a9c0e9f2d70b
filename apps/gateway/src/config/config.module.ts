import { Global, Module } from '@nestjs/common';
import { CLOCK, systemClock } from '@rotor/util';
import { GATEWAY_CONFIG, readGatewayConfig } from './gateway-config';

@Global()
@Module({
  providers: [
    { provide: GATEWAY_CONFIG, useFactory: () => readGatewayConfig() },
    { provide: CLOCK, useValue: systemClock },
  ],
  exports: [GATEWAY_CONFIG, CLOCK],
})
export class GatewayConfigModule {}
