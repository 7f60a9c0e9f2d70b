import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AdminPool } from '@rotor/redis-acl';
import { EXECUTOR_CONFIG, ExecutorConfig } from './config';

/**
 * The executor's pooled Redis admin connections (one per node and admin credential, closed
 * when idle) and its short-lived topology cache, shared by rotations, revocations and
 * continuous verification; closed on shutdown.
 */
@Injectable()
export class RedisAdminPool extends AdminPool implements OnApplicationShutdown {
  constructor(@Inject(EXECUTOR_CONFIG) config: ExecutorConfig) {
    super({ topologyTtlMs: config.redisTopologyTtlMs });
  }

  onApplicationShutdown(): void {
    this.close();
  }
}
