import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<void>;

/** Dependencies that must answer before the service is ready (Kafka, Postgres, Redis…). */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2000): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const results = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs);
          return [name, 'up'] as const;
        } catch (e) {
          return [name, `down: ${e instanceof Error ? e.message : 'unknown'}`] as const;
        }
      }),
    );
    return { ready: results.every(([, s]) => s === 'up'), checks: Object.fromEntries(results) };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
