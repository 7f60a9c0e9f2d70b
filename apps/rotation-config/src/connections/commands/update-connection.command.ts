import { Command } from '@nestjs/cqrs';
import type { UpdateConnectionInput } from '../connection.schemas';
import type { AppConnectionView } from '../connection.types';

export class UpdateConnectionCommand extends Command<AppConnectionView> {
  constructor(
    readonly connectionId: string,
    readonly projectId: string | undefined,
    readonly changes: UpdateConnectionInput,
  ) {
    super();
  }
}
