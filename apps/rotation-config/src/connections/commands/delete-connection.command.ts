import { Command } from '@nestjs/cqrs';
import type { AppConnectionView } from '../connection.types';

export class DeleteConnectionCommand extends Command<AppConnectionView> {
  constructor(
    readonly connectionId: string,
    readonly projectId: string | undefined,
  ) {
    super();
  }
}
