import { Command } from '@nestjs/cqrs';
import type { CreateConnectionInput } from '../connection.schemas';
import type { AppConnectionView } from '../connection.types';

export class CreateConnectionCommand extends Command<AppConnectionView> {
  constructor(readonly input: CreateConnectionInput) {
    super();
  }
}
