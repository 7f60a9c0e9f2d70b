import { Query } from '@nestjs/cqrs';

export interface GeneratedCredentialsView {
  generatedCredentials: { username: string; password: string }[];
  activeIndex: 0 | 1;
  rotationId: string;
  type: 'redis-credentials';
}

export class GetGeneratedCredentialsQuery extends Query<GeneratedCredentialsView> {
  constructor(
    readonly projectId: string,
    readonly rotationId: string,
  ) {
    super();
  }
}
