import { Command } from '@nestjs/cqrs';
import type { CreateConnectionInput } from '../connection.schemas';
import type { ConnectionAnswer } from '../connection.types';

export class CreateConnectionCommand extends Command<ConnectionAnswer> {
  constructor(readonly input: CreateConnectionInput) {
    super();
  }
}
