import { Command } from '@nestjs/cqrs';
import type { UpdateConnectionInput } from '../connection.schemas';
import type { ConnectionAnswer } from '../connection.types';

export class UpdateConnectionCommand extends Command<ConnectionAnswer> {
  constructor(
    readonly connectionId: string,
    readonly projectId: string | undefined,
    readonly changes: UpdateConnectionInput,
  ) {
    super();
  }
}
