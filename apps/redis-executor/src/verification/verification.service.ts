import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EnvelopeCipher } from '@rotor/crypto';
import { Clock, CLOCK } from '@rotor/util';
import { DataSource } from 'typeorm';
import { EXECUTOR_CONFIG, ExecutorConfig } from '../config';
import { ROTATION_PROVIDERS, RotationProviders } from '../providers';
import { VerificationLoop } from './verification-loop';
import { VerificationMetrics } from './verification-metrics';

/** Runs the verification loop for the life of the app, when verification is on. */
@Injectable()
export class VerificationService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly loop?: VerificationLoop;

  constructor(
    @InjectDataSource() ds: DataSource,
    @Inject(CLOCK) clock: Clock,
    cipher: EnvelopeCipher,
    @Inject(ROTATION_PROVIDERS) providers: RotationProviders,
    @Inject(EXECUTOR_CONFIG) config: ExecutorConfig,
    metrics: VerificationMetrics,
  ) {
    if (!config.verification) return;
    this.loop = new VerificationLoop({
      ds, clock, cipher, providers,
      settings: config.verification,
      logger: new Logger('Verification'),
      onResult: (status) => metrics.verifications.inc({ status }),
    });
  }

  onApplicationBootstrap(): void {
    this.loop?.start();
  }

  // Before TypeORM closes the DataSource: the round in flight records its results first.
  async onModuleDestroy(): Promise<void> {
    await this.loop?.stop();
  }
}
